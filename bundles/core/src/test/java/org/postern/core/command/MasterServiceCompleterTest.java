// SPDX-License-Identifier: Apache-2.0
package org.postern.core.command;

import static org.assertj.core.api.Assertions.assertThat;
import static org.postern.core.command.TypedCommandLine.values;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postern.core.config.ConfigEnvironment;
import org.postern.core.runtime.PosternConfiguration;

/** master.cf service names, and postconf's choice between them and parameter names. */
class MasterServiceCompleterTest {

    @TempDir
    Path dir;

    private PosternConfiguration configuration;

    @BeforeEach
    void loadConfiguration() throws IOException {
        Path etc = Files.createDirectories(dir.resolve("etc"));
        Files.writeString(etc.resolve("main.cf"), "");
        Files.writeString(etc.resolve("master.cf"), """
                smtp      inet  n       -       n       -       -       smtpd
                submission inet n       -       n       -       -       smtpd
                  -o smtpd_tls_security_level=encrypt
                smtp      unix  -       -       n       -       -       smtp
                relay     unix  -       -       n       -       -       smtp
                """);
        configuration = new PosternConfiguration(new ConfigEnvironment(etc, dir.resolve("data"), "mx.example.org"));
        assertThat(configuration.reload()).isEmpty();
    }

    @Test
    void completeShouldOfferServiceNamesAndServiceTypes() {
        assertThat(values(new MasterServiceCompleter(configuration), "postern:postconf -M s"))
                .containsExactly("smtp", "smtp/inet", "smtp/unix", "submission", "submission/inet");
    }

    @Test
    void completeShouldOfferTheTypesOfOneService() {
        assertThat(values(new MasterServiceCompleter(configuration), "postern:postconf -M smtp/"))
                .containsExactly("smtp/inet", "smtp/unix");
    }

    @Test
    void completeShouldOfferNothingWithoutALoadedMasterCf() {
        PosternConfiguration none = new PosternConfiguration(
                new ConfigEnvironment(dir.resolve("missing"), dir.resolve("data"), "mx.example.org"));

        assertThat(values(new MasterServiceCompleter(none), "postern:postconf -M ")).isEmpty();
    }

    @Test
    void postconfOperandsShouldBeServicesAfterMasterOptionsAndParametersOtherwise() {
        PostconfOperandCompleter operands = new PostconfOperandCompleter(configuration);

        assertThat(values(operands, "postern:postconf -M re")).containsExactly("relay", "relay/unix");
        assertThat(values(operands, "postern:postconf -P sub")).containsExactly("submission", "submission/inet");
        assertThat(values(operands, "postern:postconf relay_destination_rate"))
                .containsExactly("relay_destination_rate_delay");
    }
}
