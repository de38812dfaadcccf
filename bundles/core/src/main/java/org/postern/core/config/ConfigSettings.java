// SPDX-License-Identifier: Apache-2.0
package org.postern.core.config;

import java.util.Optional;

import org.postern.api.delivery.ServiceSettings;
import org.postern.api.parameter.ParameterSource;

/**
 * SUMMARY   A {@link PostfixConfig} (main.cf with one service's master.cf -o overrides) as a
 *           delivery agent reads it.
 * DESCRIPTION
 *   Values are expanded, except the templates an agent expands itself
 *   ({@link ParameterTable#isTemplate(String)}), which it gets as written. {@link #source(String)} says which main.cf or master.cf line set
 *   a value, so that the agent's error for a malformed value names it. Every declared
 *   parameter was validated when the snapshot was built.
 */
public final class ConfigSettings implements ServiceSettings {

    private final PostfixConfig config;

    public ConfigSettings(PostfixConfig config) {
        this.config = config;
    }

    @Override
    public String get(String name) {
        return config.table().isTemplate(name) && config.raw(name) != null
                ? config.raw(name) : config.find(name).orElse(null);
    }

    @Override
    public Optional<ParameterSource> source(String name) {
        return config.entry(name).filter(e -> e.file() != null)
                .map(e -> new ParameterSource(e.file().toString(), e.line()));
    }
}
