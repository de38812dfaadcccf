// SPDX-License-Identifier: Apache-2.0
package org.postern.deliveryhelper;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import org.postern.transport.delivery.Setpriv;
import org.postern.transport.delivery.privileged.HelperProtocol.AppendMbox;
import org.postern.transport.delivery.privileged.HelperProtocol.DeliverMaildir;
import org.postern.transport.delivery.privileged.UserIdentity;

/**
 * SUMMARY   The command lines of the helper's children: setpriv(1) to the user, then the
 *           command asked for, the file-delivery JVM ({@link FileDeliveryMain}) or cat(1).
 * DESCRIPTION
 *   The file-delivery JVM is this helper's own java with its own class path, tuned to start
 *   fast (serial GC, C1 only, no perf data file, class data sharing). A command's
 *   environment is set by env(1) after the switch ("setpriv ... -- /usr/bin/env -i NAME=VALUE
 *   ... command"): setpriv itself, which starts as root, runs with the helper's fixed
 *   environment.
 * SECURITY  The environment a request asks for never reaches a process running as root:
 *   LD_PRELOAD, GCONV_PATH and the like would otherwise make root's setpriv load the
 *   requester's code. Names must be plain identifiers and the command must not look like an
 *   assignment to env(1).
 */
final class ChildCommands {

    static final List<String> JVM_OPTIONS = List.of("-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
            "-XX:-UsePerfData", "-Xshare:auto", "-Xmx64m", "-Xss512k");

    private final Path setpriv;
    private final Path java;
    private final String classPath;

    ChildCommands(Path setpriv, Path java, String classPath) {
        this.setpriv = setpriv;
        this.java = java;
        this.classPath = classPath;
    }

    /** setpriv's words for {@code as} (callers have refused root). */
    List<String> switchTo(UserIdentity as) {
        return Setpriv.prefix(setpriv, as.uid(), as.gid(), as.groups());
    }

    /** env(1), which sets a command's environment after the switch. */
    static final String ENV = "/usr/bin/env";
    private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    /**
     * {@code argv} as {@code as} with exactly {@code environment}.
     *
     * @throws IllegalArgumentException an environment name that is not an identifier, or a
     *                                  command name env(1) would take for an assignment
     */
    List<String> command(UserIdentity as, List<String> argv, Map<String, String> environment) {
        List<String> out = new ArrayList<>(switchTo(as));
        out.addAll(List.of(ENV, "-i"));
        for (Map.Entry<String, String> e : new TreeMap<>(environment).entrySet()) {
            if (!NAME.matcher(e.getKey()).matches()) {
                throw new IllegalArgumentException("bad environment name");
            }
            out.add(e.getKey() + "=" + e.getValue());
        }
        if (argv.get(0).indexOf('=') >= 0 || argv.get(0).startsWith("-")) {
            throw new IllegalArgumentException("bad command name");
        }
        out.addAll(argv);
        return out;
    }

    /** {@code argv} as {@code as}, in the environment setpriv was given (the helper's fixed one). */
    private List<String> plain(UserIdentity as, List<String> argv) {
        List<String> out = new ArrayList<>(switchTo(as));
        out.addAll(argv);
        return out;
    }

    List<String> mbox(AppendMbox m) {
        String methods = m.locks().methods().stream().map(Enum::name).collect(Collectors.joining(","));
        return fileDelivery(m.as(), List.of("mbox", m.file().toString(), Long.toString(m.sizeLimit()), methods,
                Integer.toString(m.locks().attempts()), Long.toString(m.locks().delay().toMillis()),
                Long.toString(m.locks().staleAfter().toMillis())));
    }

    List<String> maildir(DeliverMaildir d) {
        return fileDelivery(d.as(), List.of("maildir", d.directory().toString(), d.host(), Long.toString(d.sizeLimit())));
    }

    /** cat(1) of one file as the user; "--" so that the path is never an option. */
    List<String> read(UserIdentity as, Path file) {
        return plain(as, List.of("/bin/cat", "--", file.toString()));
    }

    private List<String> fileDelivery(UserIdentity as, List<String> args) {
        List<String> out = new ArrayList<>(switchTo(as));
        out.add(java.toString());
        out.addAll(JVM_OPTIONS);
        out.addAll(List.of("-cp", classPath, FileDeliveryMain.class.getName()));
        out.addAll(args);
        return out;
    }
}
