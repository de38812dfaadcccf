// SPDX-License-Identifier: Apache-2.0
package org.postern.transport.smtp.sts;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.postern.testing.RequiredService;

/**
 * A private nginx serving MTA-STS policies over HTTPS on 127.0.0.1 (a port of 3500-3599), with
 * certificates of a {@link TestCa}: its own configuration, pid, logs and document root in a
 * temporary directory; a child process that {@link #close} stops. Policies live at
 * www/mta-sts.DOMAIN/.well-known/mta-sts.txt (written by {@link #policy}). Special hosts:
 * mta-sts.redirect.test answers 301, mta-sts.wrongtype.test serves text/html,
 * mta-sts.chunked.test answers with chunked transfer coding (sub_filter drops the length),
 * mta-sts.badcert.test presents a certificate of another CA.
 */
public final class NginxPolicyServer implements AutoCloseable {

    static final Path NGINX = Path.of("/usr/sbin/nginx");

    private final Path dir;
    private final int port;
    private final Process process;

    private NginxPolicyServer(Path dir, int port, Process process) {
        this.dir = dir;
        this.port = port;
        this.process = process;
    }

    /** Skips (or fails under postern.itest.requireServices) when nginx is not installed. */
    public static NginxPolicyServer start(Path dir, TestCa ca, List<String> domains) throws Exception {
        RequiredService.assume(Files.isExecutable(NGINX), "nginx is not installed (apt-get install nginx)");
        String[] hosts = domains.stream().map(d -> "mta-sts." + d).toArray(String[]::new);
        TestCa.Issued good = ca.issue(hosts);
        TestCa.Issued bad = new TestCa("Unknown CA").issue("mta-sts.badcert.test");
        Files.writeString(dir.resolve("good.pem"), good.chainPem());
        Files.writeString(dir.resolve("good.key"), good.keyPem());
        Files.writeString(dir.resolve("bad.pem"), bad.chainPem());
        Files.writeString(dir.resolve("bad.key"), bad.keyPem());
        Files.createDirectories(dir.resolve("www"));
        Files.createDirectories(dir.resolve("tmp"));
        int port = freePort();
        String listen = "listen 127.0.0.1:" + port + " ssl";
        String d = dir.toAbsolutePath().toString();
        String conf = "daemon off;\nmaster_process off;\nworker_processes 1;\npid " + d + "/nginx.pid;\n"
                + "error_log " + d + "/error.log;\nevents { worker_connections 64; }\nhttp {\n"
                + "  access_log " + d + "/access.log;\n"
                + "  client_body_temp_path " + d + "/tmp/body;\n  proxy_temp_path " + d + "/tmp/proxy;\n"
                + "  fastcgi_temp_path " + d + "/tmp/fastcgi;\n  uwsgi_temp_path " + d + "/tmp/uwsgi;\n"
                + "  scgi_temp_path " + d + "/tmp/scgi;\n"
                + "  types { text/plain txt; }\n  default_type application/octet-stream;\n"
                + "  ssl_certificate " + d + "/good.pem;\n  ssl_certificate_key " + d + "/good.key;\n"
                + "  server { " + listen + " default_server; server_name _; root " + d + "/www/$host; }\n"
                + "  server { " + listen + "; server_name mta-sts.redirect.test;\n"
                + "    location / { return 301 https://mta-sts.example.test/.well-known/mta-sts.txt; } }\n"
                + "  server { " + listen + "; server_name mta-sts.wrongtype.test; root " + d + "/www/$host;\n"
                + "    types { } default_type text/html; }\n"
                + "  server { " + listen + "; server_name mta-sts.chunked.test; root " + d + "/www/$host;\n"
                + "    sub_filter_types text/plain; sub_filter 'STSv1' 'STSv1'; }\n"
                + "  server { " + listen + "; server_name mta-sts.badcert.test; root " + d + "/www/$host;\n"
                + "    ssl_certificate " + d + "/bad.pem; ssl_certificate_key " + d + "/bad.key; }\n"
                + "}\n";
        Files.writeString(dir.resolve("nginx.conf"), conf);
        Process p = new ProcessBuilder(NGINX.toString(), "-p", d, "-c", d + "/nginx.conf", "-e", d + "/error.log")
                .redirectErrorStream(true).redirectOutput(dir.resolve("stdout.log").toFile()).start();
        long until = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!RequiredService.isListening(port)) {
            if (!p.isAlive() || System.nanoTime() > until) {
                p.destroy();
                throw new IllegalStateException("nginx did not start: " + Files.readString(dir.resolve("stdout.log"))
                        + (Files.exists(dir.resolve("error.log")) ? Files.readString(dir.resolve("error.log")) : ""));
            }
            Thread.sleep(50);
        }
        return new NginxPolicyServer(dir, port, p);
    }

    public int port() {
        return port;
    }

    /** Serves {@code text} as the policy of {@code domain}. */
    public void policy(String domain, String text) throws IOException {
        Path file = dir.resolve("www/mta-sts." + domain + "/.well-known/mta-sts.txt");
        Files.createDirectories(file.getParent());
        Files.writeString(file, text, StandardCharsets.UTF_8);
    }

    /** Serves 404 for {@code domain}'s policy. */
    public void remove(String domain) throws IOException {
        Files.deleteIfExists(dir.resolve("www/mta-sts." + domain + "/.well-known/mta-sts.txt"));
    }

    /** How many policy requests nginx logged (for all hosts). */
    public long policyRequests() throws IOException {
        Path log = dir.resolve("access.log");
        if (!Files.exists(log)) {
            return 0;
        }
        return Files.readAllLines(log).stream().filter(l -> l.contains("/.well-known/mta-sts.txt")).count();
    }

    /**
     * The policy request count once it reached {@code atLeast} (nginx logs after answering), or
     * after one second; then a pause, so that a request that would follow is counted too.
     */
    public long awaitPolicyRequests(long atLeast) throws Exception {
        long until = System.nanoTime() + Duration.ofSeconds(1).toNanos();
        while (policyRequests() < atLeast && System.nanoTime() < until) {
            Thread.sleep(20);
        }
        Thread.sleep(200);
        return policyRequests();
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(5, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }

    private static int freePort() throws IOException {
        for (int port = 3500; port < 3600; port++) {
            try (ServerSocket s = new ServerSocket()) {
                s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
                return port;
            } catch (IOException e) {
                // taken: next
            }
        }
        throw new IOException("no free port in 3500-3599");
    }
}
