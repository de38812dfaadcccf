// SPDX-License-Identifier: Apache-2.0
package org.postern.core.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * SUMMARY   main.cf and master.cf of one configuration directory, loaded and validated together.
 * DESCRIPTION
 *   master.cf is optional (postconf -d and a bare main.cf work without it). The warnings are
 *   postconf's ("unused parameter", "undefined parameter"); errors are thrown, naming file,
 *   line and parameter.
 */
public record LoadedConfig(PostfixConfig main, Optional<MasterCf> master, List<String> warnings) {

    public static LoadedConfig load(ConfigEnvironment env) throws IOException, ConfigException {
        PostfixConfig main = PostfixConfig.load(env);
        Path masterFile = env.configDirectory().resolve("master.cf");
        Optional<MasterCf> master = Files.exists(masterFile) ? Optional.of(MasterCf.read(masterFile)) : Optional.empty();
        List<String> warnings = master.map(m -> UsageCheck.warnings(main, m)).orElse(List.of());
        return new LoadedConfig(main, master, List.copyOf(warnings));
    }

    /** "postfix check": "fatal: ..." for an error that stops loading, then "warning: ..." lines. */
    public static List<String> check(ConfigEnvironment env) {
        List<String> problems = new ArrayList<>();
        try {
            load(env).warnings().forEach(w -> problems.add("warning: " + w));
        } catch (IOException | ConfigException e) {
            problems.add("fatal: " + e.getMessage());
        }
        return problems;
    }
}
