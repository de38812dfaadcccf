// SPDX-License-Identifier: Apache-2.0
/**
 * Helpers every table plugin needs and none should write again: Postfix's logical-line
 * reading of table files ({@link org.postern.api.support.TableLines}) and strict IP address
 * text handling like inet_pton/inet_ntop ({@link org.postern.api.support.IpAddresses}).
 */
@Export
@Version("1.0.0")
package org.postern.api.support;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
