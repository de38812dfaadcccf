// SPDX-License-Identifier: Apache-2.0
package org.postern.api.config;

import java.util.Optional;

import org.osgi.annotation.versioning.ProviderType;
import org.postern.api.delivery.ServiceSettings;

/**
 * main.cf as the running Postern has it now (after the last reload), for plugins that work
 * outside a delivery or an SMTP session, e.g. a daily job. Registered by core.
 */
@ProviderType
public interface MainConfiguration {

    /** main.cf's parameters, {@code $name} expanded; empty only while no configuration could be loaded. */
    Optional<ServiceSettings> settings();
}
