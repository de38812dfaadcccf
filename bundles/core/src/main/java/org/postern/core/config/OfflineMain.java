// SPDX-License-Identifier: Apache-2.0
package org.postern.core.config;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * SUMMARY   postconf and "postfix check" without a running Postern (plain java -cp postern-core.jar).
 * DESCRIPTION
 *   Postfix admins run postconf and "postfix check" before "postfix start"; the bin/ wrappers
 *   use this entry point when no Postern answers. Directories come from the system properties
 *   postern.configDirectory and postern.dataDirectory (the distribution's etc/postern and
 *   data/postern).
 *   Usage: OfflineMain postconf [postconf options] | OfflineMain check
 * BUGS      No plugin is running here, so only core's parameters are known: a setting of a
 *           plugin's parameter is reported as unused and is not validated until Postern runs.
 */
public final class OfflineMain {

    private OfflineMain() {
    }

    public static void main(String[] args) {
        PrintWriter out = new PrintWriter(System.out, true, StandardCharsets.UTF_8);
        PrintWriter err = new PrintWriter(System.err, true, StandardCharsets.UTF_8);
        ConfigEnvironment env = new ConfigEnvironment(
                Path.of(System.getProperty("postern.configDirectory", "etc/postern")).toAbsolutePath(),
                Path.of(System.getProperty("postern.dataDirectory", "data/postern")).toAbsolutePath(),
                HostNames.local());
        String tool = args.length == 0 ? "" : args[0];
        List<String> rest = Arrays.asList(args).subList(Math.min(1, args.length), args.length);
        int status = switch (tool) {
            case "postconf" -> Postconf.run(env.configDirectory(), env, rest, out, err);
            case "check" -> check(env, err);
            default -> {
                err.println("usage: OfflineMain postconf [options] | OfflineMain check");
                yield 1;
            }
        };
        out.flush();
        err.flush();
        System.exit(status);
    }

    private static int check(ConfigEnvironment env, PrintWriter err) {
        List<String> problems = LoadedConfig.check(env);
        problems.forEach(p -> err.println("postfix: " + p));
        return problems.stream().anyMatch(p -> p.startsWith("fatal:")) ? 1 : 0;
    }
}
