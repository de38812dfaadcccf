// SPDX-License-Identifier: Apache-2.0
package org.postern.testing.dns;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.postern.testing.RequiredService;

/**
 * Real DNSSEC on loopback for tests: zones signed with ldns-signzone (ldnsutils), served by
 * nsd, and unbound validating them from their KSKs' DS records as trust anchors (stub zones,
 * no root: names outside the zones get no answer; zones are best put under RFC 6761's .test). Both servers run as child processes in a
 * private directory, on free 127.0.0.1 ports, and stop on {@link #close()}. Skips the test (or
 * fails it in CI) when nsd, unbound or ldns-signzone is missing.
 */
public final class SignedDns implements AutoCloseable {

    private static final String NSD = "/usr/sbin/nsd";
    private static final String UNBOUND = "/usr/sbin/unbound";
    private static final String SIGNZONE = "/usr/bin/ldns-signzone";
    private static final String KEYGEN = "/usr/bin/ldns-keygen";

    private final Path dir;
    private final int authoritativePort;
    private final int resolverPort;
    private final Path trustAnchors;
    private final List<Process> processes = new ArrayList<>();

    private SignedDns(Path dir, int authoritativePort, int resolverPort, Path trustAnchors) {
        this.dir = dir;
        this.authoritativePort = authoritativePort;
        this.resolverPort = resolverPort;
        this.trustAnchors = trustAnchors;
    }

    /** Signs and serves {@code zones} from {@code dir} (a fresh temporary directory). */
    public static SignedDns start(Path dir, List<TestZone> zones) throws IOException, InterruptedException {
        RequiredService.assume(Files.isExecutable(Path.of(NSD)) && Files.isExecutable(Path.of(UNBOUND))
                && Files.isExecutable(Path.of(SIGNZONE)), "nsd, unbound and ldns-signzone are needed "
                + "(apt-get install nsd unbound ldnsutils)");
        List<String> anchors = new ArrayList<>();
        StringBuilder nsdZones = new StringBuilder();
        StringBuilder stubs = new StringBuilder();
        int nsdPort = freePort();
        for (TestZone zone : zones) {
            String file = zone.origin() + ".zone";
            Files.writeString(dir.resolve(file), zoneText(zone), StandardCharsets.US_ASCII);
            if (zone.signed()) {
                anchors.add(sign(dir, zone.origin(), file));
                String signed = Files.readString(dir.resolve(file + ".signed"), StandardCharsets.US_ASCII);
                Files.writeString(dir.resolve(file + ".signed"), zone.afterSigning().apply(signed), StandardCharsets.US_ASCII);
                file = file + ".signed";
            }
            nsdZones.append("zone:\n  name: \"").append(zone.origin()).append("\"\n  zonefile: \"").append(file).append("\"\n");
            stubs.append("stub-zone:\n  name: \"").append(zone.origin()).append("\"\n  stub-addr: 127.0.0.1@")
                    .append(nsdPort).append("\n");
        }
        Path anchorFile = dir.resolve("trust-anchors");
        Files.write(anchorFile, anchors, StandardCharsets.US_ASCII);
        int unboundPort = freePort();
        SignedDns dns = new SignedDns(dir, nsdPort, unboundPort, anchorFile);
        try {
            dns.startNsd(nsdZones.toString());
            dns.startUnbound(stubs.toString(), anchors);
        } catch (IOException | RuntimeException e) {
            dns.close();
            throw e;
        }
        return dns;
    }

    /** nsd's port on 127.0.0.1: authoritative, no validation (dnssec_validation = local points here). */
    public int authoritativePort() {
        return authoritativePort;
    }

    /** unbound's port on 127.0.0.1: recursive and validating, sets the AD bit. */
    public int resolverPort() {
        return resolverPort;
    }

    /** The signed zones' DS records, one per line, in master-file form. */
    public Path trustAnchors() {
        return trustAnchors;
    }

    @Override
    public void close() {
        for (Process p : processes) {
            p.destroy();
            try {
                if (!p.waitFor(5, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                }
            } catch (InterruptedException e) {
                p.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
    }

    private static String zoneText(TestZone zone) {
        String o = zone.origin() + ".";
        StringBuilder text = new StringBuilder("$ORIGIN ").append(o).append("\n$TTL 300\n")
                .append("@ IN SOA ns.").append(o).append(" hostmaster.").append(o).append(" 1 3600 600 86400 300\n")
                .append("@ IN NS ns.").append(o).append('\n')
                .append("ns IN A 127.0.0.1\n");
        zone.records().forEach(r -> text.append(r).append('\n'));
        return text.toString();
    }

    /** Generates a KSK and a ZSK, signs {@code file} into {@code file.signed}; returns the KSK's DS record. */
    private static String sign(Path dir, String origin, String file) throws IOException, InterruptedException {
        String ksk = run(dir, KEYGEN, "-a", "ECDSAP256SHA256", "-k", origin).strip();
        String zsk = run(dir, KEYGEN, "-a", "ECDSAP256SHA256", origin).strip();
        run(dir, SIGNZONE, "-n", file, zsk, ksk);
        return Files.readString(dir.resolve(ksk + ".ds"), StandardCharsets.US_ASCII).strip();
    }

    private void startNsd(String zones) throws IOException, InterruptedException {
        String conf = "server:\n  ip-address: 127.0.0.1@" + authoritativePort + "\n  port: " + authoritativePort
                + "\n  zonesdir: \"" + dir + "\"\n  pidfile: \"" + dir.resolve("nsd.pid") + "\"\n  username: \"\"\n"
                + "  chroot: \"\"\n  logfile: \"" + dir.resolve("nsd.log") + "\"\n  xfrdfile: \"" + dir.resolve("xfrd.state")
                + "\"\n  zonelistfile: \"" + dir.resolve("zone.list") + "\"\n  database: \"\"\n  server-count: 1\n"
                + "  verbosity: 1\nremote-control:\n  control-enable: no\n" + zones;
        Path file = dir.resolve("nsd.conf");
        Files.writeString(file, conf, StandardCharsets.US_ASCII);
        processes.add(spawn("nsd", NSD, "-d", "-c", file.toString()));
        awaitTcp(authoritativePort, "nsd");
    }

    private void startUnbound(String stubs, List<String> anchors) throws IOException, InterruptedException {
        StringBuilder conf = new StringBuilder("server:\n  interface: 127.0.0.1\n  port: " + resolverPort
                + "\n  do-ip6: no\n  do-daemonize: no\n  username: \"\"\n  chroot: \"\"\n  directory: \"" + dir
                + "\"\n  pidfile: \"" + dir.resolve("unbound.pid") + "\"\n  use-syslog: no\n  logfile: \""
                + dir.resolve("unbound.log") + "\"\n  verbosity: 1\n  val-log-level: 2\n  ede: yes\n"
                + "  do-not-query-localhost: no\n  qname-minimisation: no\n  access-control: 127.0.0.0/8 allow\n"
                + "  module-config: \"validator iterator\"\n  cache-max-ttl: 1\n  cache-max-negative-ttl: 1\n"
                + "  infra-host-ttl: 1\n"
                // unbound answers RFC 6761's test. itself unless told not to
                + "  local-zone: \"test.\" nodefault\n");
        for (String anchor : anchors) {
            conf.append("  trust-anchor: \"").append(anchor.replace('\t', ' ')).append("\"\n");
        }
        conf.append("remote-control:\n  control-enable: no\n").append(stubs);
        Path file = dir.resolve("unbound.conf");
        Files.writeString(file, conf, StandardCharsets.US_ASCII);
        processes.add(spawn("unbound", UNBOUND, "-d", "-c", file.toString()));
        awaitTcp(resolverPort, "unbound");
    }

    private Process spawn(String name, String... command) throws IOException {
        return new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(dir.resolve(name + ".out").toFile()).start();
    }

    private void awaitTcp(int port, String what) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        while (System.nanoTime() < deadline) {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 200);
                return;
            } catch (IOException e) {
                Thread.sleep(50);
            }
        }
        Path out = dir.resolve(what + ".out");
        throw new IOException(what + " did not start on 127.0.0.1:" + port + ": "
                + (Files.exists(out) ? Files.readString(out) : ""));
    }

    private static String run(Path dir, String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException(String.join(" ", command) + " failed: " + out);
        }
        return out;
    }

    /** A port free for both TCP and UDP on 127.0.0.1. */
    private static int freePort() throws IOException {
        for (int i = 0; i < 20; i++) {
            try (ServerSocket tcp = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
                 DatagramSocket udp = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(),
                         tcp.getLocalPort()))) {
                return tcp.getLocalPort();
            } catch (IOException e) {
                // taken for UDP: try another
            }
        }
        throw new IOException("no free port on 127.0.0.1");
    }
}
