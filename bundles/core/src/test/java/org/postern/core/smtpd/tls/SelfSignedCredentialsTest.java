// SPDX-License-Identifier: Apache-2.0
package org.postern.core.smtpd.tls;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The placeholder certificate is short-lived and renewed before it expires. */
class SelfSignedCredentialsTest {

    @TempDir
    Path tls;

    private final AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2026-12-06T00:00:00Z"));
    private final Clock clock = new Clock() {
        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now.get();
        }
    };

    @Test
    void placeholderShouldBeValidThirtyDays() throws Exception {
        SelfSignedCredentials s = new SelfSignedCredentials("mx.example.org", tls, clock);

        Credential c = s.current().credentials().get(0);
        assertThat(Duration.between(now.get(), c.leaf().getNotAfter().toInstant())).isEqualTo(Duration.ofDays(30));
        assertThat(c.leaf().getSubjectX500Principal().getName()).isEqualTo("CN=mx.example.org");
    }

    @Test
    void placeholderShouldBeRenewedWhenLessThanTenDaysAreLeft() throws Exception {
        SelfSignedCredentials s = new SelfSignedCredentials("mx.example.org", tls, clock);
        CredentialSource.Snapshot first = s.current();

        now.set(now.get().plus(Duration.ofDays(19)));
        CredentialSource.Snapshot stillFirst = s.current();
        now.set(now.get().plus(Duration.ofDays(2)));
        CredentialSource.Snapshot renewed = s.current();

        assertThat(stillFirst).isSameAs(first);
        assertThat(renewed.generation()).isEqualTo(first.generation() + 1);
        assertThat(renewed.credentials().get(0).leaf().getNotAfter().toInstant())
                .isEqualTo(now.get().plus(Duration.ofDays(30)));
    }

    @Test
    void pairOnDiskShouldBeReusedAcrossRestartsWhileValid() throws Exception {
        var first = new SelfSignedCredentials("mx.example.org", tls, clock).current().credentials().get(0);

        var again = new SelfSignedCredentials("mx.example.org", tls, clock).current().credentials().get(0);

        assertThat(again.leaf()).isEqualTo(first.leaf());
    }

    @Test
    void tenYearCertificateOfAnOlderVersionShouldBeReplaced() throws Exception {
        SelfSignedCredentials.generate("mx.example.org", tls, tls.resolve(SelfSignedCredentials.CERT_NAME),
                tls.resolve(SelfSignedCredentials.KEY_NAME), now.get(), Duration.ofDays(3650));

        Credential c = new SelfSignedCredentials("mx.example.org", tls, clock).current().credentials().get(0);

        assertThat(c.leaf().getNotAfter().toInstant()).isEqualTo(now.get().plus(Duration.ofDays(30)));
    }
}
