// SPDX-License-Identifier: Apache-2.0
package org.postern.core.smtpd.restrict;

import static org.assertj.core.api.Assertions.assertThat;
import static org.postern.core.smtpd.restrict.Fixture.checks;
import static org.postern.core.smtpd.restrict.Fixture.facts;
import static org.postern.core.smtpd.restrict.Fixture.rcpt;

import org.junit.jupiter.api.Test;
import org.postern.core.smtpd.tls.ClientCertificate;

/**
 * check_ccert_access, permit_tls_clientcerts with relay_clientcerts, permit_tls_all_clientcerts
 * (postconf(5); fingerprints as smtpd_tls_fingerprint_digest gives them, "AB:CD:...").
 */
class ClientCertificateRestrictionsTest {

    private static final String FP = "3D:95:34:51:24:66:33:B9:D2:40:99:C0:C1:17:0B:D1";
    private static final String PKEY = "AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99";
    private static final ClientCertificate UNTRUSTED = new ClientCertificate("client.example", "Some CA", FP, PKEY, false);
    private static final ClientCertificate TRUSTED = new ClientCertificate("client.example", "Our CA", FP, PKEY, true);
    private static final String RELAY = "smtpd_relay_restrictions = permit_tls_clientcerts, reject_unauth_destination";

    @Test
    void permitTlsClientcertsShouldRelayForAListedFingerprintEvenUntrusted() throws Exception {
        RestrictionChecks c = checks(RELAY, "relay_clientcerts = inline:{" + FP + "=client.example}");

        assertThat(rcpt(c, facts().to("victim@example.org").ccert(UNTRUSTED))).isEqualTo("DUNNO");
    }

    @Test
    void permitTlsClientcertsShouldAlsoMatchThePublicKeyFingerprint() throws Exception {
        RestrictionChecks c = checks(RELAY, "relay_clientcerts = inline:{" + PKEY + "=client.example}");

        assertThat(rcpt(c, facts().to("victim@example.org").ccert(UNTRUSTED))).isEqualTo("DUNNO");
    }

    @Test
    void permitTlsClientcertsShouldNotRelayForAnUnlistedCertificateOrNone() throws Exception {
        RestrictionChecks c = checks(RELAY, "relay_clientcerts = inline:{11:22=other.example}");

        assertThat(rcpt(c, facts().to("victim@example.org").ccert(TRUSTED)))
                .isEqualTo("554 5.7.1 <victim@example.org>: Relay access denied");
        assertThat(rcpt(c, facts().to("victim@example.org")))
                .isEqualTo("554 5.7.1 <victim@example.org>: Relay access denied");
    }

    @Test
    void permitTlsAllClientcertsShouldRelayOnlyForATrustedCertificate() throws Exception {
        RestrictionChecks c = checks("smtpd_relay_restrictions = permit_tls_all_clientcerts, reject_unauth_destination");

        assertThat(rcpt(c, facts().to("victim@example.org").ccert(TRUSTED))).isEqualTo("DUNNO");
        assertThat(rcpt(c, facts().to("victim@example.org").ccert(UNTRUSTED)))
                .isEqualTo("554 5.7.1 <victim@example.org>: Relay access denied");
    }

    @Test
    void checkCcertAccessShouldApplyTheAccessResultOfTheFingerprint() throws Exception {
        RestrictionChecks c = checks("smtpd_client_restrictions = check_ccert_access inline:{" + FP + "=REJECT}",
                "smtpd_relay_restrictions = permit_mynetworks, reject_unauth_destination");

        assertThat(rcpt(c, facts().to("postmaster@mx.example.com").ccert(UNTRUSTED)))
                .isEqualTo("554 5.7.1 <mail.example.net[198.51.100.7]>: Client certificate rejected: Access denied");
        assertThat(rcpt(c, facts().to("postmaster@mx.example.com"))).isEqualTo("DUNNO");
    }

    @Test
    void checkCcertAccessOkShouldPermitRelaying() throws Exception {
        RestrictionChecks c = checks("smtpd_relay_restrictions = check_ccert_access inline:{" + PKEY + "=OK},"
                + " reject_unauth_destination");

        assertThat(rcpt(c, facts().to("victim@example.org").ccert(UNTRUSTED))).isEqualTo("DUNNO");
    }
}
