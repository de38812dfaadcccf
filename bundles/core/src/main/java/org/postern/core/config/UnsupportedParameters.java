// SPDX-License-Identifier: Apache-2.0
package org.postern.core.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Predicate;

/**
 * SUMMARY   Parameters core declares but does not act on, and postconf's warning when a
 *           setting asks for their effect.
 * DESCRIPTION
 *   These stay in the {@link ParameterTable} so that "postconf -d" answers as Postfix does and
 *   configurations written for Postfix load; but a setting that asks for what Postern does not
 *   do would otherwise be silently ignored. Each is reported, for main.cf and for master.cf
 *   "-o" settings, as "/x/main.cf: unsupported parameter: debug_peer_list=10.0.0.1: no
 *   per-client verbose logging" (without postconf's "warning: " prefix, like the other usage
 *   warnings). A setting that asks for nothing (biff = no, an empty list) is not reported.
 * BUGS      Not listed on purpose, though Postern does not use them either: syslog_name and
 *           multi_instance_name (log lines name Postern's services; setting syslog_name per
 *           master.cf service is too common to warn about), data_directory, mail_owner (the
 *           user bin/postern-install runs Postern as), process_name and service_name
 *           (descriptive).
 */
final class UnsupportedParameters {

    /** A parameter, when a value asks for its effect, and what Postern does instead. */
    private record Unsupported(String name, Predicate<String> asksForIt, String why) {
    }

    private static final Predicate<String> NON_EMPTY = v -> !v.isBlank();
    private static final Predicate<String> YES = v -> v.strip().toLowerCase(Locale.ROOT).matches("yes|true");

    private static final Map<String, Unsupported> TABLE = Map.of(
            "debug_peer_list", new Unsupported("debug_peer_list", NON_EMPTY,
                    "no per-client verbose logging (raise the postern loggers' level instead)"),
            "maillog_file", new Unsupported("maillog_file", NON_EMPTY,
                    "logging goes through the OSGi log service (etc/org.ops4j.pax.logging.cfg)"),
            "biff", new Unsupported("biff", YES, "local delivery does not notify comsat"),
            "append_dot_mydomain", new Unsupported("append_dot_mydomain", YES,
                    "addresses are not completed with .$mydomain"));

    private UnsupportedParameters() {
    }

    /** The warnings for main.cf's settings, then for each master.cf "-o" setting (none without a master.cf). */
    static List<String> warnings(PostfixConfig config, MasterCf master) {
        List<String> warnings = new ArrayList<>();
        for (ConfigEntry e : config.mainCf().effective().values()) {
            warning(config, e.file().toString(), e.name(), e.value()).ifPresent(warnings::add);
        }
        if (master != null) {
            for (MasterService s : master.services()) {
                s.overrides().forEach((name, value) ->
                        warning(config, master.file().toString(), name, value).ifPresent(warnings::add));
            }
        }
        return warnings;
    }

    private static java.util.Optional<String> warning(PostfixConfig config, String file, String name, String value) {
        Unsupported u = TABLE.get(name);
        if (u == null || !u.asksForIt().test(expanded(config, value))) {
            return java.util.Optional.empty();
        }
        return java.util.Optional.of(file + ": unsupported parameter: " + name + "=" + value + ": " + u.why());
    }

    private static String expanded(PostfixConfig config, String value) {
        try {
            return config.expand(value);
        } catch (ConfigException e) {
            return value;
        }
    }
}
