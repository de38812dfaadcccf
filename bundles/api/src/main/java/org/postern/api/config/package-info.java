// SPDX-License-Identifier: Apache-2.0
/**
 * The running configuration for plugins that work outside a delivery or a session
 * ({@link org.postern.api.config.MainConfiguration}).
 */
@Export
@Version("1.0.0")
package org.postern.api.config;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
