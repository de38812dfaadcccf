// SPDX-License-Identifier: Apache-2.0
package org.postern.itest;

import static org.ops4j.pax.exam.CoreOptions.systemProperty;
import static org.ops4j.pax.exam.CoreOptions.vmOption;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.configureConsole;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.editConfigurationFilePut;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.karafDistributionConfiguration;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.security.PrivilegedActionException;
import java.security.PrivilegedExceptionAction;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.inject.Inject;
import javax.security.auth.Subject;

import org.apache.karaf.jaas.boot.principal.RolePrincipal;
import org.apache.karaf.jaas.boot.principal.UserPrincipal;

import org.apache.karaf.shell.api.console.Session;
import org.apache.karaf.shell.api.console.SessionFactory;
import org.ops4j.pax.exam.Option;

/**
 * Boots the real assembly (karaf-assembly/target/*.tar.gz) and runs postern: commands in a
 * shell session, the way an administrator or the bin/ wrappers do.
 */
public abstract class PosternKarafSupport {

    @Inject
    protected SessionFactory sessionFactory;

    /** What a command printed and the exit status it reported. */
    public record Result(int status, String out, String err) {
    }

    protected static Option[] posternDistribution() {
        String assembly = requiredProperty("postern.assembly");
        String localRepo = requiredProperty("org.ops4j.pax.url.mvn.localRepository");
        return new Option[] {
            karafDistributionConfiguration()
                    .frameworkUrl(new File(assembly).toURI().toString())
                    .name("Postern")
                    .unpackDirectory(new File("target/exam"))
                    .useDeployFolder(false),
            configureConsole().ignoreLocalConsole(),
            // Pitfall 4: stay off unreachable repositories.
            editConfigurationFilePut("etc/org.ops4j.pax.url.mvn.cfg", "org.ops4j.pax.url.mvn.localRepository", localRepo),
            editConfigurationFilePut("etc/org.ops4j.pax.url.mvn.cfg", "org.ops4j.pax.url.mvn.repositories",
                    "https://repo1.maven.org/maven2@id=central"),
            // Do not collide with a Postern the developer runs on 8101.
            editConfigurationFilePut("etc/org.apache.karaf.shell.cfg", "sshPort", "0"),
            // Pitfall 1: the test runs inside Karaf; pass what it needs explicitly.
            systemProperty("postern.demoBundle").value(requiredProperty("postern.demoBundle")),
            // Pax Exam does not source bin/setenv: the lmdb: plugin's flags (lmdbjava), as there.
            vmOption("--add-opens=java.base/java.nio=ALL-UNNAMED"),
            vmOption("--add-opens=java.base/sun.nio.ch=ALL-UNNAMED"),
        };
    }

    private static String requiredProperty(String name) {
        String value = System.getProperty(name);
        if (value == null) {
            throw new IllegalStateException("system property " + name + " is not set (run through Maven failsafe)");
        }
        return value;
    }

    private static final Subject ADMIN = new Subject(true,
            Set.of(new UserPrincipal("admin"), new RolePrincipal("admin"), new RolePrincipal("manager"),
                    new RolePrincipal("viewer"), new RolePrincipal("systembundles")),
            Set.of(), Set.of());

    private static final Pattern STATUS = Pattern.compile("@@postern-status=(\\d+)");
    private static final String ERR_MARKER = "@@postern-err:";

    /**
     * Runs one command line; the status comes from postern: commands (0 for others that succeed).
     * Karaf registers shell commands asynchronously after boot, so a command that is not there
     * yet is retried for up to 30 s.
     */
    protected Result run(String commandLine) throws Exception {
        return run(commandLine, java.util.Map.of());
    }

    /** As {@link #run(String)}, with session variables set first (e.g. POSTERN_STDIN_FILE). */
    protected Result run(String commandLine, java.util.Map<String, Object> variables) throws Exception {
        long deadline = System.currentTimeMillis() + 30_000;
        Result r = runOnce(commandLine, variables);
        while (r.err().contains("CommandNotFoundException") && System.currentTimeMillis() < deadline) {
            Thread.sleep(200);
            r = runOnce(commandLine, variables);
        }
        return r;
    }

    private Result runOnce(String commandLine, java.util.Map<String, Object> variables) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream outStream = new PrintStream(out, true, StandardCharsets.UTF_8);
        PrintStream errStream = new PrintStream(err, true, StandardCharsets.UTF_8);
        // Pitfall 2: never hand the session System.in.
        Session session = sessionFactory.create(new ByteArrayInputStream(new byte[0]), outStream, errStream);
        int status = 0;
        try {
            session.put("POSTERN_STATUS_MARKER", Boolean.TRUE);
            variables.forEach(session::put);
            // Commands under Karaf's ACLs (bundle:*, feature:*) exist only for a logged-in admin.
            Object result = Subject.doAs(ADMIN, (PrivilegedExceptionAction<Object>) () -> session.execute(commandLine));
            if (result != null) {
                outStream.println(result);
            }
        } catch (PrivilegedActionException e) {
            errStream.println(e.getException());
            status = 1;
        } catch (Exception e) {
            errStream.println(e);
            status = 1;
        } finally {
            outStream.flush();
            errStream.flush();
            session.close();
        }
        // Wrapper mode: stderr lines arrive on stdout marked "@@postern-err:", the status last.
        StringBuilder stdout = new StringBuilder();
        StringBuilder stderr = new StringBuilder(err.toString(StandardCharsets.UTF_8));
        for (String line : out.toString(StandardCharsets.UTF_8).split("\\R", -1)) {
            Matcher m = STATUS.matcher(line);
            if (m.matches()) {
                status = Integer.parseInt(m.group(1));
            } else if (line.startsWith(ERR_MARKER)) {
                stderr.append(line.substring(ERR_MARKER.length())).append('\n');
            } else {
                stdout.append(line).append('\n');
            }
        }
        return new Result(status, stdout.toString().strip(), stderr.toString());
    }
}
