// SPDX-License-Identifier: Apache-2.0
package org.postern.core.smtpd.sasl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postern.testing.TimeoutBounds;

/** The Dovecot auth protocol client against a real Dovecot, and against servers that misbehave. */
class DovecotAuthClientTest {

    private static final ClientInfo LOCAL = new ClientInfo("127.0.0.1", "127.0.0.1", false);

    /** A client address of its own per test: Dovecot delays answers to an address after failures. */
    private static ClientInfo client(int n) {
        return new ClientInfo("127.0.0.1", "192.0.2." + n, false);
    }

    @TempDir
    static Path dovecotDir;
    static PrivateDovecot dovecot;

    @TempDir
    Path dir;

    @BeforeAll
    static void startDovecot() throws Exception {
        PrivateDovecot.assumeInstalled();
        dovecot = PrivateDovecot.start(dovecotDir, "joe", "secret");
    }

    @AfterAll
    static void stopDovecot() throws Exception {
        if (dovecot != null) {
            dovecot.close();
        }
    }

    private static SaslSettings settings(Path socket, String options) {
        SecurityOptions o = SecurityOptions.parse("smtpd_sasl_security_options", List.of(options.split(" ")));
        return new SaslSettings(true, DovecotEndpoint.parse(socket.toString(), Path.of("/nonexistent")), o, o,
                false, false, "", false, "smtp", 12288);
    }

    private static String b64(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void mechanismsShouldBeDovecotsAfterTheSecurityOptions() throws Exception {
        try (DovecotAuthClient c = new DovecotAuthClient(settings(dovecot.socket(), "noanonymous"), Duration.ofSeconds(5))) {
            assertThat(c.mechanisms(false)).containsExactly("PLAIN", "LOGIN");
        }
        try (DovecotAuthClient c = new DovecotAuthClient(settings(dovecot.socket(), "noplaintext"), Duration.ofSeconds(5))) {
            assertThat(c.mechanisms(false)).isEmpty();
            assertThat(c.start("PLAIN", b64("\0joe\0secret"), LOCAL))
                    .isEqualTo(new AuthStep.Failure("Invalid authentication mechanism", null));
        }
    }

    @Test
    void plainShouldSucceedWithTheRightPasswordOnly() {
        try (DovecotAuthClient c = new DovecotAuthClient(settings(dovecot.socket(), "noanonymous"), Duration.ofSeconds(10))) {
            assertThat(c.start("plain", b64("\0joe\0guess"), client(10))).isInstanceOf(AuthStep.Failure.class)
                    .extracting(s -> ((AuthStep.Failure) s).username()).isEqualTo("joe");
            assertThat(c.start("PLAIN", b64("\0joe\0secret"), client(11))).isEqualTo(new AuthStep.Success("joe"));
        }
    }

    @Test
    void loginShouldAskForUserThenPassword() {
        try (DovecotAuthClient c = new DovecotAuthClient(settings(dovecot.socket(), "noanonymous"), Duration.ofSeconds(10))) {
            assertThat(c.start("LOGIN", null, LOCAL)).isEqualTo(new AuthStep.Challenge(b64("Username:")));
            assertThat(c.next(b64("joe"))).isEqualTo(new AuthStep.Challenge(b64("Password:")));
            assertThat(c.next(b64("secret"))).isEqualTo(new AuthStep.Success("joe"));
        }
    }

    @Test
    void userNameInAFailureShouldBeUnescaped() {
        // Dovecot refuses the TAB in a user name and sends the name back tab-escaped.
        try (DovecotAuthClient c = new DovecotAuthClient(settings(dovecot.socket(), "noanonymous"), Duration.ofSeconds(10))) {
            assertThat(c.start("PLAIN", b64("\0tab\tuser\0pw"), client(12))).isInstanceOf(AuthStep.Failure.class)
                    .extracting(s -> ((AuthStep.Failure) s).username()).isEqualTo("tab\tuser");
        }
    }

    @Test
    void missingSocketShouldBeReportedAndBeATemporaryFailure() {
        try (DovecotAuthClient c = new DovecotAuthClient(settings(dir.resolve("nothing"), "noanonymous"),
                Duration.ofSeconds(2))) {
            assertThatThrownBy(() -> c.mechanisms(false)).isInstanceOf(IOException.class)
                    .hasMessageStartingWith("SASL: Connect to Dovecot auth socket '" + dir.resolve("nothing") + "' failed");
            assertThat(c.start("PLAIN", "", LOCAL))
                    .isEqualTo(new AuthStep.TemporaryFailure("Can't connect to authentication server", null));
        }
    }

    @Test
    void silentServerShouldTimeOut() throws Exception {
        Path socket = dir.resolve("silent");
        try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            server.bind(UnixDomainSocketAddress.of(socket));
            Duration timeout = Duration.ofMillis(300);
            try (DovecotAuthClient c = new DovecotAuthClient(settings(socket, "noanonymous"), timeout)) {
                long start = System.nanoTime();
                assertThat(c.start("PLAIN", "", LOCAL)).isInstanceOf(AuthStep.TemporaryFailure.class);
                assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(TimeoutBounds.givingUp(timeout, 1));
            }
        }
    }

    @Test
    void serverGoingAwayMidExchangeShouldBeConnectionLost() throws Exception {
        Path socket = dir.resolve("flaky");
        try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            server.bind(UnixDomainSocketAddress.of(socket));
            Thread fake = new Thread(() -> {
                try (SocketChannel ch = server.accept()) {
                    ch.write(ByteBuffer.wrap("VERSION\t1\t2\nMECH\tPLAIN\tplaintext\nSPID\t1\nCUID\t1\nCOOKIE\tx\nDONE\n"
                            .getBytes(StandardCharsets.US_ASCII)));
                    ch.read(ByteBuffer.allocate(100)); // the client's handshake, then hang up
                    Thread.sleep(200);
                } catch (IOException | InterruptedException e) {
                    // the test sees the result
                }
            });
            fake.start();
            try (DovecotAuthClient c = new DovecotAuthClient(settings(socket, "noanonymous"), Duration.ofSeconds(5))) {
                assertThat(c.mechanisms(false)).containsExactly("PLAIN");
                assertThat(c.start("PLAIN", b64("\0joe\0secret"), LOCAL))
                        .isEqualTo(new AuthStep.TemporaryFailure("Connection lost to authentication server", null));
            }
            fake.join(5000);
        }
    }

    @Test
    void wrongProtocolVersionShouldBeRefused() throws Exception {
        Path socket = dir.resolve("v2");
        try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            server.bind(UnixDomainSocketAddress.of(socket));
            Thread fake = new Thread(() -> {
                try (SocketChannel ch = server.accept()) {
                    ch.write(ByteBuffer.wrap("VERSION\t2\t0\nDONE\n".getBytes(StandardCharsets.US_ASCII)));
                    Thread.sleep(200);
                } catch (IOException | InterruptedException e) {
                    // the test sees the result
                }
            });
            fake.start();
            try (DovecotAuthClient c = new DovecotAuthClient(settings(socket, "noanonymous"), Duration.ofSeconds(5))) {
                assertThatThrownBy(() -> c.mechanisms(false)).hasMessageContaining("Protocol version mismatch (2 vs. 1)");
            }
            fake.join(5000);
        }
    }
}
