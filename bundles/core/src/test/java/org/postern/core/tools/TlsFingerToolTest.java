// SPDX-License-Identifier: Apache-2.0
package org.postern.core.tools;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postern.api.delivery.ServiceSettings;
import org.postern.api.tls.TlsFinger;
import org.postern.core.config.ConfigEnvironment;
import org.postern.core.runtime.PosternConfiguration;

/**
 * posttls-finger's command line: -w and -l override main.cf for this run only; the rest is the
 * smtp bundle's service, which its own tests cover (here a recording stand-in, since core cannot
 * load the smtp bundle).
 */
class TlsFingerToolTest {

    @TempDir
    Path dir;

    private PosternConfiguration configuration;
    private final AtomicReference<String> destination = new AtomicReference<>();
    private final AtomicReference<ServiceSettings> settings = new AtomicReference<>();
    private final TlsFinger recording = (d, s, out) -> {
        destination.set(d);
        settings.set(s);
        return 0;
    };
    private final StringWriter err = new StringWriter();

    @BeforeEach
    void load() throws IOException {
        Path etc = Files.createDirectories(dir.resolve("etc"));
        Files.writeString(etc.resolve("main.cf"), "myhostname = mx.example.org\n");
        Files.writeString(etc.resolve("master.cf"), "");
        configuration = new PosternConfiguration(new ConfigEnvironment(etc, dir.resolve("data"), "mx.example.org"));
        assertThat(configuration.reload()).isEmpty();
    }

    private int run(Optional<TlsFinger> finger, String... args) {
        return TlsFingerTool.run(finger, configuration, List.of(args), new PrintWriter(new StringWriter()),
                new PrintWriter(err, true));
    }

    @Test
    void optionsShouldOverrideMainCfForThisRunOnly() {
        assertThat(run(Optional.of(recording), "-w", "-l", "dane-only", "[mx.example.com]:465")).isZero();

        assertThat(destination.get()).isEqualTo("[mx.example.com]:465");
        assertThat(settings.get().get("smtp_tls_wrappermode")).isEqualTo("yes");
        assertThat(settings.get().get("smtp_tls_security_level")).isEqualTo("dane-only");
        assertThat(settings.get().get("myhostname")).isEqualTo("mx.example.org");
    }

    @Test
    void theSmtpServicesMasterCfOverridesShouldApplyUnderTheOptions() throws IOException {
        Files.writeString(dir.resolve("etc/master.cf"), "smtp unix - - n - - smtp\n"
                + "  -o smtp_tls_security_level=encrypt\n  -o smtp_tls_loglevel=1\n"
                + "relay unix - - n - - smtp\n  -o smtp_tls_security_level=verify\n");
        assertThat(configuration.reload()).isEmpty();

        assertThat(run(Optional.of(recording), "example.com")).isZero();
        assertThat(settings.get().get("smtp_tls_security_level")).isEqualTo("encrypt");
        assertThat(settings.get().get("smtp_tls_loglevel")).isEqualTo("1");

        assertThat(run(Optional.of(recording), "-x", "relay", "example.com")).isZero();
        assertThat(settings.get().get("smtp_tls_security_level")).isEqualTo("verify");

        assertThat(run(Optional.of(recording), "-o", "smtp_tls_security_level=dane", "-o", "smtp_tls_loglevel = 2",
                "example.com")).isZero();
        assertThat(settings.get().get("smtp_tls_security_level")).isEqualTo("dane");
        assertThat(settings.get().get("smtp_tls_loglevel")).isEqualTo("2");
    }

    @Test
    void anUnknownServiceShouldBeAnErrorNotMainCfAlone() {
        assertThat(run(Optional.of(recording), "-x", "nosuch", "example.com")).isEqualTo(1);
        assertThat(err.toString()).contains("no unix service \"nosuch\" in master.cf");
        assertThat(destination.get()).isNull();
    }

    @Test
    void aBadCommandLineShouldGetTheUsage() {
        assertThat(run(Optional.of(recording), "-Z", "example.com")).isEqualTo(64);
        assertThat(run(Optional.of(recording), "-o", "novalue", "example.com")).isEqualTo(64);
        assertThat(run(Optional.of(recording))).isEqualTo(64);
        assertThat(run(Optional.of(recording), "a.example", "b.example")).isEqualTo(64);
        assertThat(err.toString()).contains(TlsFingerTool.USAGE);
        assertThat(destination.get()).isNull();
    }

    @Test
    void withoutTheSmtpBundleItShouldSaySo() {
        assertThat(run(Optional.empty(), "example.com")).isEqualTo(1);
        assertThat(err.toString()).contains("the smtp transport (feature postern-transport-smtp) is not active");
    }
}
