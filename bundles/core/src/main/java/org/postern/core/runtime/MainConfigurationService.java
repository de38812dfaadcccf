// SPDX-License-Identifier: Apache-2.0
package org.postern.core.runtime;

import java.util.Optional;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.postern.api.config.MainConfiguration;
import org.postern.api.delivery.ServiceSettings;

/** The api's view of the running main.cf, for plugins that work outside a delivery (the TLSRPT bundle's daily run). */
@Component(service = MainConfiguration.class)
public final class MainConfigurationService implements MainConfiguration {

    private final PosternConfiguration configuration;

    @Activate
    public MainConfigurationService(@Reference PosternConfiguration configuration) {
        this.configuration = configuration;
    }

    @Override
    public Optional<ServiceSettings> settings() {
        return configuration.current().map(loaded -> loaded.config().main().settings());
    }
}
