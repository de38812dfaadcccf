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
    void aBadCommandLineShouldGetTheUsage() {
        assertThat(run(Optional.of(recording), "-x", "example.com")).isEqualTo(64);
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
