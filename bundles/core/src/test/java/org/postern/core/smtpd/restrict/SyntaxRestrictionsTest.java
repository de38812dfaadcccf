// SPDX-License-Identifier: Apache-2.0
package org.postern.core.smtpd.restrict;

import static org.assertj.core.api.Assertions.assertThat;
import static org.postern.core.smtpd.restrict.Fixture.checks;
import static org.postern.core.smtpd.restrict.Fixture.facts;
import static org.postern.core.smtpd.restrict.Fixture.rcpt;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** reject_non_fqdn_*, reject_invalid_helo_hostname (postconf(5)); no DNS involved. */
class SyntaxRestrictionsTest {

    @ParameterizedTest(name = "HELO {0} -> {1}")
    @CsvSource(delimiter = '|', value = {
        // postconf(5) reject_non_fqdn_helo_hostname, non_fqdn_reject_code (504).
        "mail.example.net    | DUNNO",
        "mail.example.net.   | DUNNO",
        "localhost           | 504 5.5.2 <localhost>: Helo command rejected: need fully-qualified hostname",
        "box.                | 504 5.5.2 <box.>: Helo command rejected: need fully-qualified hostname",
        "bad_.example..net   | 504 5.5.2 <bad_.example..net>: Helo command rejected: need fully-qualified hostname",
        "192.0.2.1           | 504 5.5.2 <192.0.2.1>: Helo command rejected: need fully-qualified hostname",
        // Address literals are checked for syntax only (invalid_hostname_reject_code, 501).
        "[192.0.2.1]         | DUNNO",
        "[IPv6:2001:db8::1]  | DUNNO",
        "[192.0.2.256]       | 501 5.5.2 <[192.0.2.256]>: Helo command rejected: invalid ip address",
    })
    void nonFqdnHeloShouldBeRejected(String helo, String expected) throws Exception {
        RestrictionChecks c = checks("smtpd_helo_restrictions = reject_non_fqdn_helo_hostname");
        assertThat(rcpt(c, facts().helo(helo).client("127.0.0.1"))).isEqualTo(expected);
    }

    @ParameterizedTest(name = "HELO {0} -> {1}")
    @CsvSource(delimiter = '|', value = {
        // postconf(5) reject_invalid_helo_hostname, invalid_hostname_reject_code (501).
        "mail.example.net    | DUNNO",
        "localhost           | DUNNO",
        "192.0.2.1           | DUNNO",
        "under_score.example | DUNNO",
        "-bad.example        | 501 5.5.2 <-bad.example>: Helo command rejected: Invalid name",
        "bad..example        | 501 5.5.2 <bad..example>: Helo command rejected: Invalid name",
        "spaced name         | 501 5.5.2 <spaced name>: Helo command rejected: Invalid name",
        "123.456             | 501 5.5.2 <123.456>: Helo command rejected: Invalid name",
        "[not-an-ip]         | 501 5.5.2 <[not-an-ip]>: Helo command rejected: invalid ip address",
    })
    void invalidHeloShouldBeRejected(String helo, String expected) throws Exception {
        RestrictionChecks c = checks("smtpd_helo_restrictions = reject_invalid_helo_hostname");
        assertThat(rcpt(c, facts().helo(helo).client("127.0.0.1"))).isEqualTo(expected);
    }

    @ParameterizedTest(name = "MAIL FROM:<{0}> -> {1}")
    @CsvSource(delimiter = '|', value = {
        // postconf(5) reject_non_fqdn_sender: the null sender and address literals pass.
        "alice@example.net       | DUNNO",
        "alice@example.net.      | DUNNO",
        "''                      | DUNNO",
        "alice@[192.0.2.1]       | DUNNO",
        "alice                   | 504 5.5.2 <alice>: Sender address rejected: need fully-qualified address",
        "alice@localhost         | 504 5.5.2 <alice@localhost>: Sender address rejected: need fully-qualified address",
        "alice@bad..example      | 504 5.5.2 <alice@bad..example>: Sender address rejected: need fully-qualified address",
    })
    void nonFqdnSenderShouldBeRejected(String sender, String expected) throws Exception {
        RestrictionChecks c = checks("smtpd_sender_restrictions = reject_non_fqdn_sender");
        assertThat(rcpt(c, facts().from(sender).client("127.0.0.1"))).isEqualTo(expected);
    }

    @ParameterizedTest(name = "RCPT TO:<{0}> -> {1}")
    @CsvSource(delimiter = '|', value = {
        "bob@example.org         | DUNNO",
        "bob                     | 504 5.5.2 <bob>: Recipient address rejected: need fully-qualified address",
        "bob@printer             | 504 5.5.2 <bob@printer>: Recipient address rejected: need fully-qualified address",
    })
    void nonFqdnRecipientShouldBeRejected(String rcpt, String expected) throws Exception {
        RestrictionChecks c = checks("smtpd_recipient_restrictions = reject_non_fqdn_recipient",
                "local_recipient_maps =");
        assertThat(rcpt(c, facts().to(rcpt).client("127.0.0.1"))).isEqualTo(expected);
    }
}
