// SPDX-License-Identifier: Apache-2.0
package org.postern.core.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * SUMMARY   main.cf and master.cf of one configuration directory, loaded and validated together.
 * DESCRIPTION
 *   master.cf is optional (postconf -d and a bare main.cf work without it). Validation is
 *   against a {@link ParameterTable}: core's, plus the declarations of the plugins active now.
 *   A declared parameter's value must fit its declaration both in main.cf and in each master.cf
 *   service's "-o" overrides. The warnings are postconf's ("unused parameter", "undefined
 *   parameter"); errors are thrown, naming file, line and parameter. Before anything is read,
 *   files that others could have written are refused ({@link ConfigFileSafety}), as errors.
 */
public record LoadedConfig(PostfixConfig main, Optional<MasterCf> master, List<String> warnings) {

    /** Against core's table only. */
    public static LoadedConfig load(ConfigEnvironment env) throws IOException, ConfigException {
        return load(env, ParameterTable.standard());
    }

    /**
     * Reads and validates both files, after {@link ConfigFileSafety} has found the directory and
     * the files writable by their owner only, and owned by root or by the user Postern runs as.
     */
    public static LoadedConfig load(ConfigEnvironment env, ParameterTable table) throws IOException, ConfigException {
        ConfigFileSafety.forThisProcess().check(env.configDirectory());
        PostfixConfig main = PostfixConfig.of(table, env, MainCf.read(env.configDirectory().resolve("main.cf")));
        Path masterFile = env.configDirectory().resolve("master.cf");
        Optional<MasterCf> master = Files.exists(masterFile) ? Optional.of(MasterCf.read(masterFile)) : Optional.empty();
        return validated(main, master);
    }

    /** The same files validated against another table (a plugin came or went). */
    public LoadedConfig withTable(ParameterTable table) throws ConfigException {
        return validated(PostfixConfig.of(table, main.environment(), main.mainCf()), master);
    }

    private static LoadedConfig validated(PostfixConfig main, Optional<MasterCf> master) throws ConfigException {
        TlsCipherCheck.check(main);
        if (master.isPresent()) {
            Map<String, String> perService = ServiceParameters.of(master.get());
            checkServiceParameters(main, perService);
            for (MasterService s : master.get().services()) {
                if (!s.overrides().isEmpty()) {
                    // throws for a malformed declared -o value
                    PostfixConfig service = main.withOverrides(s.overrideEntries());
                    checkServiceParameters(service, perService);
                    TlsCipherCheck.check(service);
                }
            }
        }
        List<String> warnings = master.map(m -> UsageCheck.warnings(main, m)).orElse(List.of());
        return new LoadedConfig(main, master, List.copyOf(warnings));
    }

    /**
     * The per-service scheduler parameters ({@code relay_destination_concurrency_limit}) are
     * not in the table; each is checked with the syntax of the global one it defaults to, so
     * that a malformed value is an error here, not a silent default in the queue manager.
     */
    private static void checkServiceParameters(PostfixConfig config, Map<String, String> perService)
            throws ConfigException {
        for (Map.Entry<String, String> p : perService.entrySet()) {
            config.validateLike(p.getKey(), p.getValue().substring(1));   // the default is "$global"
        }
    }

    /** "postfix check" against core's table only. */
    public static List<String> check(ConfigEnvironment env) {
        return check(env, ParameterTable.standard());
    }

    /** "postfix check": "fatal: ..." for an error that stops loading, then "warning: ..." lines. */
    public static List<String> check(ConfigEnvironment env, ParameterTable table) {
        List<String> problems = new ArrayList<>();
        try {
            load(env, table).warnings().forEach(w -> problems.add("warning: " + w));
        } catch (IOException | ConfigException e) {
            problems.add("fatal: " + e.getMessage());
        }
        return problems;
    }
}
