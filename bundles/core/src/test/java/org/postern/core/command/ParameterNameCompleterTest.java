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

class ParameterNameCompleterTest {

    @TempDir
    Path dir;

    private PosternConfiguration configuration;

    @BeforeEach
    void loadConfiguration() throws IOException {
        Path etc = Files.createDirectories(dir.resolve("etc"));
        Files.writeString(etc.resolve("main.cf"), "site_banner_text = hello\nsmtpd_banner = $myhostname ESMTP $site_banner_text\n");
        Files.writeString(etc.resolve("master.cf"), "smtp inet n - n - - smtpd\nslowrelay unix - - n - - smtp\n");
        configuration = new PosternConfiguration(new ConfigEnvironment(etc, dir.resolve("data"), "mx.example.org"));
        assertThat(configuration.reload()).isEmpty();
    }

    @Test
    void completeShouldOfferKnownParameterNamesWithThePrefix() {
        assertThat(values(new ParameterNameCompleter(configuration), "postern:postconf smtpd_bann"))
                .containsExactly("smtpd_banner");
    }

    @Test
    void completeShouldOfferNamesSetInMainCf() {
        assertThat(values(new ParameterNameCompleter(configuration), "postern:postconf site_"))
                .containsExactly("site_banner_text");
    }

    @Test
    void completeShouldOfferTheParametersOfMasterCfDeliveryServices() {
        assertThat(values(new ParameterNameCompleter(configuration), "postern:postconf -n slowrelay_destination_c"))
                .contains("slowrelay_destination_concurrency_limit",
                        "slowrelay_destination_concurrency_failed_cohort_limit")
                .allMatch(name -> name.startsWith("slowrelay_destination_c"));
    }

    @Test
    void completeShouldOfferTheStandardNamesWithoutALoadedConfiguration() {
        PosternConfiguration none = new PosternConfiguration(
                new ConfigEnvironment(dir.resolve("missing"), dir.resolve("data"), "mx.example.org"));

        assertThat(values(new ParameterNameCompleter(none), "postern:postconf myhostn")).containsExactly("myhostname");
        assertThat(values(new ParameterNameCompleter(none), "postern:postconf site_")).isEmpty();
    }

    @Test
    void completeShouldOfferEveryNameForAnEmptyWord() {
        assertThat(values(new ParameterNameCompleter(configuration), "postern:postconf "))
                .contains("myhostname", "site_banner_text", "slowrelay_recipient_limit")
                .hasSizeGreaterThan(100);
    }
}
