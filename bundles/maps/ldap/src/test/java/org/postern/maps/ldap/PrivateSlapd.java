// SPDX-License-Identifier: Apache-2.0
package org.postern.maps.ldap;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import com.unboundid.ldap.sdk.LDAPConnection;

import org.postern.testing.RequiredService;

/**
 * A private OpenLDAP slapd for tests: slapd.conf, an mdb database and the test schema in a
 * temporary directory, listening on a free 127.0.0.1 port in the foreground (-d 0), loaded
 * with directory.ldif as the root DN. {@link #close()} stops it. Never touches the system's
 * slapd configuration or daemon.
 */
final class PrivateSlapd implements AutoCloseable {

    static final Path SLAPD = Path.of("/usr/sbin/slapd");
    static final Path SCHEMA_DIR = Path.of("/etc/ldap/schema");
    static final Path MODULE_DIR = Path.of("/usr/lib/ldap");
    static final String ROOT_DN = "cn=manager," + LdapTestDirectory.SUFFIX;
    static final String ROOT_PW = "manager-secret";

    private final Process process;
    private final int port;

    private PrivateSlapd(Process process, int port) {
        this.process = process;
        this.port = port;
    }

    /** Skips (or fails in CI) when OpenLDAP's slapd is not installed. */
    static void assumeInstalled() {
        RequiredService.assume(Files.isExecutable(SLAPD) && Files.isRegularFile(SCHEMA_DIR.resolve("inetorgperson.schema")),
                SLAPD + " and " + SCHEMA_DIR + " are missing (apt-get install slapd ldap-utils)");
    }

    static PrivateSlapd start(Path dir) throws Exception {
        Path db = Files.createDirectories(dir.resolve("db"));
        Path conf = dir.resolve("slapd.conf");
        Files.writeString(conf, config(dir, db));
        int port = freePort();
        Process process = new ProcessBuilder(SLAPD.toString(), "-h", "ldap://127.0.0.1:" + port + "/", "-f", conf.toString(), "-d", "0")
                .redirectErrorStream(true).redirectOutput(dir.resolve("slapd.log").toFile()).start();
        PrivateSlapd slapd = new PrivateSlapd(process, port);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!RequiredService.isListening(port)) {
            if (!process.isAlive() || System.nanoTime() > deadline) {
                slapd.close();
                throw new IllegalStateException("slapd did not start: " + Files.readString(dir.resolve("slapd.log")));
            }
            Thread.sleep(50);
        }
        try (LDAPConnection manager = new LDAPConnection("127.0.0.1", port, ROOT_DN, ROOT_PW)) {
            LdapTestDirectory.load(manager);
        } catch (Exception e) {
            slapd.close();
            throw e;
        }
        return slapd;
    }

    private static String config(Path dir, Path db) {
        StringBuilder conf = new StringBuilder();
        for (String schema : new String[] {"core", "cosine", "inetorgperson"}) {
            conf.append("include ").append(SCHEMA_DIR.resolve(schema + ".schema")).append('\n');
        }
        LdapTestDirectory.ATTRIBUTE_TYPES.forEach(type -> conf.append("attributetype ").append(type).append('\n'));
        LdapTestDirectory.OBJECT_CLASSES.forEach(type -> conf.append("objectclass ").append(type).append('\n'));
        conf.append("modulepath ").append(MODULE_DIR).append('\n')
                .append("moduleload back_mdb\n")
                .append("pidfile ").append(dir.resolve("slapd.pid")).append('\n')
                .append("argsfile ").append(dir.resolve("slapd.args")).append('\n')
                .append("database mdb\n")
                .append("maxsize 16777216\n")
                .append("suffix \"").append(LdapTestDirectory.SUFFIX).append("\"\n")
                .append("rootdn \"").append(ROOT_DN).append("\"\n")
                .append("rootpw ").append(ROOT_PW).append('\n')
                .append("directory ").append(db).append('\n')
                .append("access to attrs=userPassword by anonymous auth by * none\n")
                .append("access to * by * read\n");
        return conf.toString();
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    int port() {
        return port;
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }
}
