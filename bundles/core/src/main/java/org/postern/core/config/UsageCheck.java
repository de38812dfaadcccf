// SPDX-License-Identifier: Apache-2.0
package org.postern.core.config;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * SUMMARY   postconf's "unused parameter" and "undefined parameter" warnings.
 * DESCRIPTION
 *   A user-defined parameter (one not in the {@link ParameterTable}: neither core's nor an
 *   active plugin's) counts as used when some
 *   value in main.cf or in a master.cf "-o" refers to it as $name (in any branch of a
 *   conditional), when smtpd_restriction_classes names it, or when it is a per-transport
 *   setting of a master.cf service ("relay_destination_rate_delay"). Otherwise its setting is
 *   reported, in Postfix's words: "/x/main.cf: unused parameter: foo=bar", and likewise for
 *   master.cf "-o" settings. Every $name in main.cf that nothing defines gives
 *   "/x/main.cf: undefined parameter: name". Settings of parameters Postern declares but does
 *   not act on are reported by {@link UnsupportedParameters}. Messages lack the
 *   "postconf: warning: " prefix.
 * BUGS      Postfix knows hundreds more parameters than the table, so settings of Postfix
 *           parameters that Postern does not implement are reported as unused.
 */
public final class UsageCheck {

    private UsageCheck() {
    }

    /** The names that count as used (see the class description). */
    public static Set<String> used(PostfixConfig config, MasterCf master) {
        Set<String> used = new HashSet<>();
        for (ConfigEntry e : config.mainCf().entries()) {
            used.addAll(references(config, e.name(), e.value()));
        }
        if (master != null) {
            for (MasterService s : master.services()) {
                s.overrides().forEach((name, value) -> used.addAll(references(config, name, value)));
                for (String suffix : ServiceParameters.suffixes()) {
                    used.add(s.service() + suffix);
                }
            }
        }
        used.addAll(config.list("smtpd_restriction_classes"));
        return used;
    }

    /** True when postconf would list {@code name}: known to the table or a used user-defined setting. */
    public static boolean isListed(PostfixConfig config, Set<String> used, String name) {
        return isKnown(config, name) || used.contains(name);
    }

    private static boolean isKnown(PostfixConfig config, String name) {
        return config.table().isKnown(name);
    }

    /** All warnings, main.cf first, in file order. */
    public static List<String> warnings(PostfixConfig config, MasterCf master) {
        List<String> warnings = new ArrayList<>(duplicateWarnings(config.mainCf()));
        Set<String> used = used(config, master);
        for (ConfigEntry e : config.mainCf().entries()) {
            for (String ref : references(config, e.name(), e.value())) {
                if (config.find(ref).isEmpty()) {
                    warnings.add(e.file() + ": undefined parameter: " + ref);
                }
            }
        }
        for (ConfigEntry e : config.mainCf().effective().values()) {
            if (!isKnown(config, e.name()) && !used.contains(e.name())) {
                warnings.add(e.file() + ": unused parameter: " + e.name() + "=" + e.value());
            }
        }
        warnings.addAll(masterWarnings(config, master, used));
        warnings.addAll(UnsupportedParameters.warnings(config, master));
        return warnings;
    }

    /** "line N: overriding earlier entry: name=value" for each setting made again later, as Postfix warns. */
    public static List<String> duplicateWarnings(MainCf mainCf) {
        List<String> warnings = new ArrayList<>();
        java.util.Map<String, ConfigEntry> seen = new java.util.HashMap<>();
        for (ConfigEntry e : mainCf.entries()) {
            ConfigEntry earlier = seen.put(e.name(), e);
            if (earlier != null) {
                warnings.add(ConfigException.location(e.file(), e.line()) + "overriding earlier entry: "
                        + earlier.name() + "=" + earlier.value());
            }
        }
        return warnings;
    }

    /** The unused "-o" settings of master.cf (none without a master.cf). */
    public static List<String> masterWarnings(PostfixConfig config, MasterCf master) {
        return masterWarnings(config, master, used(config, master));
    }

    private static List<String> masterWarnings(PostfixConfig config, MasterCf master, Set<String> used) {
        List<String> warnings = new ArrayList<>();
        if (master != null) {
            for (MasterService s : master.services()) {
                s.overrides().forEach((name, value) -> {
                    if (!isKnown(config, name) && !used.contains(name)) {
                        warnings.add(master.file() + ": unused parameter: " + name + "=" + value);
                    }
                });
            }
        }
        return warnings;
    }

    /** The $names in a setting; none for templates the delivery agent expands itself. */
    private static List<String> references(PostfixConfig config, String name, String value) {
        return config.table().isTemplate(name) ? List.of() : referencesOrNone(value);
    }

    private static List<String> referencesOrNone(String value) {
        try {
            return Expander.references(value);
        } catch (ConfigException e) {
            return List.of();
        }
    }
}
