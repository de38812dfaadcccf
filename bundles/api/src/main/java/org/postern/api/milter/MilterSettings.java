// SPDX-License-Identifier: Apache-2.0
package org.postern.api.milter;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The milter_* parameters of one smtpd service, read by core.
 *
 * @param milters        smtpd_milters (or non_smtpd_milters), one entry per filter as written:
 *                       {@code inet:host:port}, {@code unix:/path}, or Postfix's
 *                       {@code { inet:host:port, connect_timeout=10s, default_action=accept }}
 * @param defaultAction  milter_default_action
 * @param protocol       milter_protocol (2, 3, 4 or 6)
 * @param macros         the macro names each stage sends (milter_*_macros)
 * @param macroDefaults  milter_macro_defaults: values for macros the MTA does not know
 * @param daemonName     milter_macro_daemon_name, the {daemon_name} macro
 * @param version        milter_macro_v, the {v} macro
 */
public record MilterSettings(List<String> milters, DefaultAction defaultAction, int protocol,
                             Duration connectTimeout, Duration commandTimeout, Duration contentTimeout,
                             Map<MilterStage, List<String>> macros, Map<String, String> macroDefaults,
                             String daemonName, String version) {

    public MilterSettings {
        milters = List.copyOf(milters);
        Objects.requireNonNull(defaultAction, "defaultAction");
        macros = Map.copyOf(macros);
        macroDefaults = Map.copyOf(macroDefaults);
    }

    /** The macro names of {@code stage}; empty when none. */
    public List<String> macros(MilterStage stage) {
        return macros.getOrDefault(stage, List.of());
    }
}
