// SPDX-License-Identifier: Apache-2.0
package org.postern.core.milter;

import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.postern.api.milter.DefaultAction;
import org.postern.api.milter.MilterSettings;
import org.postern.api.milter.MilterStage;
import org.postern.core.config.PostfixConfig;
import org.postern.core.config.PostfixLists;

/**
 * SUMMARY   The milter_* parameters of one service as the api's {@link MilterSettings}.
 * CONFIGURATION PARAMETERS
 *   smtpd_milters, non_smtpd_milters (empty), internal_mail_filter_classes (empty, never
 *   applied), milter_header_checks (empty; applied by cleanup), milter_protocol (6), milter_default_action
 *   (tempfail), milter_connect_timeout (30s), milter_command_timeout (30s),
 *   milter_content_timeout (300s), milter_*_macros, milter_macro_defaults (name=value list),
 *   milter_macro_daemon_name ($myhostname), milter_macro_v ($mail_name $mail_version).
 */
public final class MilterConfig {

    private MilterConfig() {
    }

    /**
     * Says that a milter parameter is set that is not applied (internal_mail_filter_classes: mail
     * Postern makes itself, such as bounces, is never filtered), so that nothing configured is
     * skipped silently.
     */
    public static void warnUnsupported(PostfixConfig config, java.util.function.Consumer<String> warn) {
        for (String name : List.of("internal_mail_filter_classes")) {
            if (!config.get(name).isBlank()) {
                warn.accept("warning: " + name + " is not supported yet and is ignored: " + config.get(name));
            }
        }
    }

    /** smtpd_milters of {@code config}; null when none is configured. */
    public static MilterSettings smtpd(PostfixConfig config) {
        return of(config, "smtpd_milters");
    }

    /** non_smtpd_milters of {@code config}; null when none is configured. */
    public static MilterSettings nonSmtpd(PostfixConfig config) {
        return of(config, "non_smtpd_milters");
    }

    private static MilterSettings of(PostfixConfig c, String parameter) {
        List<String> milters = PostfixLists.split(c.get(parameter));
        if (milters.isEmpty()) {
            return null;
        }
        Map<MilterStage, List<String>> macros = new EnumMap<>(MilterStage.class);
        macros.put(MilterStage.CONNECT, c.list("milter_connect_macros"));
        macros.put(MilterStage.HELO, c.list("milter_helo_macros"));
        macros.put(MilterStage.MAIL, c.list("milter_mail_macros"));
        macros.put(MilterStage.RCPT, c.list("milter_rcpt_macros"));
        macros.put(MilterStage.DATA, c.list("milter_data_macros"));
        macros.put(MilterStage.END_OF_HEADERS, c.list("milter_end_of_header_macros"));
        macros.put(MilterStage.END_OF_DATA, c.list("milter_end_of_data_macros"));
        macros.put(MilterStage.UNKNOWN, c.list("milter_unknown_command_macros"));
        Map<String, String> defaults = new LinkedHashMap<>();
        for (String entry : c.list("milter_macro_defaults")) {
            int eq = entry.indexOf('=');
            if (eq > 0) {
                defaults.put(entry.substring(0, eq).trim(), entry.substring(eq + 1).trim());
            }
        }
        return new MilterSettings(milters, DefaultAction.of(c.get("milter_default_action")),
                Integer.parseInt(c.get("milter_protocol").trim()), c.time("milter_connect_timeout"),
                c.time("milter_command_timeout"), c.time("milter_content_timeout"), macros, defaults,
                c.get("milter_macro_daemon_name"), c.get("milter_macro_v"));
    }
}
