// SPDX-License-Identifier: Apache-2.0
/**
 * Helpers every table plugin needs and none should write again: Postfix's logical-line
 * reading of table files ({@link org.postern.api.support.TableLines}) and strict IP address
 * text handling like inet_pton/inet_ntop ({@link org.postern.api.support.IpAddresses}), and
 * what networked tables share: their configuration file ({@link org.postern.api.support.TableConfig}),
 * query expansion ({@link org.postern.api.support.QueryTemplate}), the "domain" filter
 * ({@link org.postern.api.support.DomainFilter}) and result collection with expansion_limit
 * ({@link org.postern.api.support.ResultList}); address blocks for cidr-style matching
 * ({@link org.postern.api.support.NetBlock}, since 1.3.0); TLS settings shared by smtpd and the
 * client: protocol lists, cipher grades and log levels ({@link org.postern.api.support.TlsLogLevel},
 * since 1.5.0).
 */
@Export
@Version("1.5.0")
package org.postern.api.support;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
