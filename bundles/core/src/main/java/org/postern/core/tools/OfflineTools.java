// SPDX-License-Identifier: Apache-2.0
package org.postern.core.tools;

import java.io.IOException;
import java.io.PrintWriter;
import java.util.List;
import java.util.Optional;

import org.postern.api.dict.DictFactory;
import org.postern.core.config.ConfigEnvironment;
import org.postern.core.config.LoadedConfig;
import org.postern.core.config.Postconf;
import org.postern.core.config.PostfixConfig;
import org.postern.core.dict.DictRegistryImpl;
import org.postern.core.dict.PostmapBuild;
import org.postern.core.dict.TableTool;
import org.postern.core.dict.builtin.CoreTables;

/**
 * SUMMARY   The tools that run in the caller's own process: postconf and "postfix check" while
 *           Postern is stopped, postmap/postalias/newaliases always for building tables and for
 *           callers who are not administrators, as Postfix's tools do (they read and write files).
 * DESCRIPTION
 *   Table types: core's own, and the file-based plugin types whose classes are on the class
 *   path (lmdb, cidr, regexp, pcre: bin/ puts their jars there). Other types (ldap:, mysql:
 *   ...) are queried through the running Postern by administrators.
 * SECURITY  Runs with the caller's own identity and file permissions; nothing here is trusted
 *           more than the caller.
 * BUGS      Only core's parameters are known to postconf here (no plugin runs).
 */
public final class OfflineTools {

    /** File-based plugin table types that work without a running Postern, by factory class. */
    private static final List<String[]> FILE_TYPES = List.of(
            new String[] {"lmdb", "org.postern.maps.lmdb.LmdbDictFactory"},
            new String[] {"cidr", "org.postern.maps.cidr.CidrDictFactory"},
            new String[] {"regexp", "org.postern.maps.regexp.RegexpDictFactory"},
            new String[] {"pcre", "org.postern.maps.regexp.PcreDictFactory"});

    private final ConfigEnvironment environment;

    public OfflineTools(ConfigEnvironment environment) {
        this.environment = environment;
    }

    /** Whether {@code tool} can run here; the others need the running Postern. */
    public static boolean runsOffline(String tool, List<String> args) {
        return switch (tool) {
            case "postconf", "postmap", "postalias", "newaliases" -> true;
            case "postfix" -> !args.isEmpty() && args.get(0).equals("check");
            default -> false;
        };
    }

    public int run(ToolCall call) throws IOException {
        return switch (call.tool()) {
            case "postconf" -> Postconf.run(environment.configDirectory(), environment, call.args(), call.out(),
                    call.err());
            case "postfix" -> check(call.err());
            case "postmap" -> table(call, PostmapBuild.Format.POSTMAP, call.args());
            case "postalias" -> table(call, PostmapBuild.Format.POSTALIAS, call.args());
            case "newaliases", "sendmail" -> newaliases(call);
            default -> throw new IllegalArgumentException(call.tool());
        };
    }

    private int check(PrintWriter err) {
        List<String> problems = LoadedConfig.check(environment);
        problems.forEach(p -> err.println("postfix: " + p));
        return problems.stream().anyMatch(p -> p.startsWith("fatal:")) ? 1 : 0;
    }

    private int table(ToolCall call, PostmapBuild.Format format, List<String> args) throws IOException {
        TableTool.Options options;
        try {
            options = TableTool.parse(call.tool(), args);
        } catch (TableTool.UsageException e) {
            call.err().println(call.tool() + ": fatal: " + e.getMessage());
            return 1;
        }
        String defaultType = main().map(m -> m.get("default_database_type")).orElse("lmdb");
        return new TableTool(tables(), format, defaultType, call::resolve)
                .run(options, call::stdinReader, call.out(), call.err());
    }

    /** newaliases (sendmail -bi): postalias of every alias_database entry. */
    private int newaliases(ToolCall call) throws IOException {
        Optional<PostfixConfig> main = main();
        List<String> databases = main.map(m -> m.list("alias_database")).orElse(List.of());
        if (main.isEmpty()) {
            call.err().println("newaliases: fatal: cannot read main.cf (see postfix check)");
            return 1;
        }
        int status = 0;
        for (String database : databases) {
            int s = table(call.as("postalias", List.of(database)), PostmapBuild.Format.POSTALIAS, List.of(database));
            status = Math.max(status, s);
        }
        return status;
    }

    private Optional<PostfixConfig> main() {
        try {
            return Optional.of(LoadedConfig.load(environment).main());
        } catch (Exception e) {
            return Optional.empty();
        }
    }

    /** Core's table types and the file-based plugin types found on the class path. */
    DictRegistryImpl tables() {
        DictRegistryImpl registry = new DictRegistryImpl(environment.configDirectory());
        CoreTables.factories().forEach((type, factory) -> registry.register(type, factory.get(), "postern-core"));
        for (String[] type : FILE_TYPES) {
            try {
                Object factory = Class.forName(type[1]).getConstructor().newInstance();
                registry.register(type[0], (DictFactory) factory, "postern-map-" + type[0]);
            } catch (ReflectiveOperationException | LinkageError e) {
                // that plugin's jar is not on the class path: its type is unsupported here
            }
        }
        return registry;
    }
}
