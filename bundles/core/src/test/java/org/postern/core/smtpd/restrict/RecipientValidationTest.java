// SPDX-License-Identifier: Apache-2.0
package org.postern.core.smtpd.restrict;

import static org.assertj.core.api.Assertions.assertThat;
import static org.postern.core.smtpd.restrict.Fixture.checks;
import static org.postern.core.smtpd.restrict.Fixture.facts;
import static org.postern.core.smtpd.restrict.Fixture.rcpt;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * reject_unlisted_recipient / reject_unlisted_sender and smtpd_reject_unlisted_recipient
 * (postconf(5), LOCAL_RECIPIENT_README, VIRTUAL_README, ADDRESS_CLASS_README).
 */
class RecipientValidationTest {

    private static final String[] DOMAINS = {
        "mydestination = $myhostname, example.com",
        "local_recipient_maps = inline:{alice=x, bob=x}",
        "recipient_delimiter = +",
        "virtual_alias_domains = alias.example",
        "virtual_alias_maps = inline:{sales@alias.example=bob, @catchall.example=bob}",
        "virtual_mailbox_domains = mailbox.example",
        "virtual_mailbox_maps = inline:{carol@mailbox.example=carol/}",
        "relay_domains = relayed.example",
        "relay_recipient_maps = inline:{dave@relayed.example=x}",
    };

    private static String[] with(String... more) {
        String[] all = new String[DOMAINS.length + more.length];
        System.arraycopy(DOMAINS, 0, all, 0, DOMAINS.length);
        System.arraycopy(more, 0, all, DOMAINS.length, more.length);
        return all;
    }

    @ParameterizedTest(name = "RCPT TO:<{0}> -> {1}")
    @CsvSource(delimiter = '|', value = {
        // Local domains: local_recipient_maps holds user names (mail_addr_find local-part keys).
        "alice@example.com          | DUNNO",
        "Alice+news@EXAMPLE.com     | DUNNO",
        "alice@mx.example.com       | DUNNO",
        "alice                      | DUNNO",
        "zed@example.com            | 550 5.1.1 <zed@example.com>: Recipient address rejected: User unknown in local recipient table",
        "postmaster@example.com     | DUNNO",
        "MAILER-DAEMON@example.com  | DUNNO",
        "double-bounce@example.com  | DUNNO",
        // Virtual alias domains: unknown users resolve to the error transport.
        "sales@alias.example        | DUNNO",
        "zed@alias.example          | 550 5.1.1 <zed@alias.example>: Recipient address rejected: User unknown in virtual alias table",
        // Virtual mailbox domains.
        "carol@mailbox.example      | DUNNO",
        "zed@mailbox.example        | 550 5.1.1 <zed@mailbox.example>: Recipient address rejected: User unknown in virtual mailbox table",
        // Relay domains.
        "dave@relayed.example       | DUNNO",
        "zed@relayed.example        | 550 5.1.1 <zed@relayed.example>: Recipient address rejected: User unknown in relay recipient table",
    })
    void unlistedRecipientsShouldBeRejectedByDefault(String rcpt, String expected) throws Exception {
        RestrictionChecks c = checks(DOMAINS);
        assertThat(rcpt(c, facts().to(rcpt))).isEqualTo(expected);
    }

    @Test
    void codesAndTableNamesShouldFollowParameters() throws Exception {
        RestrictionChecks c = checks(with("unknown_local_recipient_reject_code = 450",
                "show_user_unknown_table_name = no", "unknown_relay_recipient_reject_code = 551"));
        assertThat(rcpt(c, facts().to("zed@example.com")))
                .isEqualTo("450 4.1.1 <zed@example.com>: Recipient address rejected: User unknown");
        assertThat(rcpt(c, facts().to("zed@relayed.example")))
                .isEqualTo("551 5.1.1 <zed@relayed.example>: Recipient address rejected: User unknown");
    }

    @Test
    void emptyTablesShouldAcceptAnyUserAsPostfixDoes() throws Exception {
        RestrictionChecks c = checks("mydestination = example.com", "local_recipient_maps =",
                "relay_domains = relayed.example", "compatibility_level = 3.6");
        assertThat(rcpt(c, facts().to("zed@example.com"))).isEqualTo("DUNNO");
        assertThat(rcpt(c, facts().to("zed@relayed.example"))).isEqualTo("DUNNO");
    }

    @ParameterizedTest(name = "compatibility_level = {0} -> {1}")
    @CsvSource(delimiter = '|', value = {
        // Postern wishlist: from level 4 an empty relay_recipient_maps means "no valid recipients".
        "3.6   | DUNNO",
        "4     | 550 5.1.1 <zed@relayed.example>: Recipient address rejected: User unknown in relay recipient table",
        "4.1   | 550 5.1.1 <zed@relayed.example>: Recipient address rejected: User unknown in relay recipient table",
    })
    void emptyRelayRecipientMapsShouldRejectFromLevel4(String level, String expected) throws Exception {
        RestrictionChecks c = checks("relay_domains = relayed.example", "compatibility_level = " + level);
        assertThat(rcpt(c, facts().to("zed@relayed.example"))).isEqualTo(expected);
    }

    @Test
    void tableFailureShouldDeferNeverReject() throws Exception {
        TableRegistry t = new TableRegistry().down("ldap:users");
        RestrictionChecks c = checks(t, null, "mydestination = example.com", "local_recipient_maps = ldap:users");
        CheckResult r = c.check(SmtpStage.RCPT, facts().to("zed@example.com").build());
        assertThat(r.verdict()).isEqualTo(CheckResult.Verdict.DEFER);
        assertThat(r.reply().toString()).isEqualTo("451 4.3.0 <zed@example.com>: Temporary lookup failure");
    }

    @Test
    void defaultLocalRecipientMapsWithMissingTableTypesShouldDefer() throws Exception {
        // The default "proxy:unix:passwd.byname $alias_maps" names table types this registry lacks.
        RestrictionChecks c = checks();
        assertThat(rcpt(c, facts().to("zed@mx.example.com")))
                .isEqualTo("451 4.3.0 <zed@mx.example.com>: Temporary lookup failure");
    }

    @Test
    void rejectUnlistedRecipientNoShouldAcceptUnknownUsers() throws Exception {
        RestrictionChecks c = checks(with("smtpd_reject_unlisted_recipient = no"));
        assertThat(rcpt(c, facts().to("zed@example.com"))).isEqualTo("DUNNO");
        assertThat(rcpt(c, facts().to("zed@mailbox.example"))).isEqualTo("DUNNO");
    }

    @Test
    void explicitRejectUnlistedRecipientShouldWorkWhenImplicitOneIsOff() throws Exception {
        RestrictionChecks c = checks(with("smtpd_reject_unlisted_recipient = no",
                "smtpd_recipient_restrictions = reject_unlisted_recipient"));
        assertThat(rcpt(c, facts().to("zed@example.com")))
                .isEqualTo("550 5.1.1 <zed@example.com>: Recipient address rejected: User unknown in local recipient table");
    }

    @Test
    void permitBeforeValidationShouldNotSkipIt() throws Exception {
        // The implicit reject_unlisted_recipient runs after a permit in smtpd_recipient_restrictions.
        RestrictionChecks c = checks(with("smtpd_recipient_restrictions = permit"));
        assertThat(rcpt(c, facts().to("zed@example.com")))
                .isEqualTo("550 5.1.1 <zed@example.com>: Recipient address rejected: User unknown in local recipient table");
    }

    @Test
    void warnIfRejectShouldNotCountAsValidation() throws Exception {
        RestrictionChecks c = checks(with("smtpd_recipient_restrictions = warn_if_reject reject_unlisted_recipient"));
        CheckResult r = c.check(SmtpStage.RCPT, facts().to("zed@example.com").build());
        assertThat(r.reply().toString())
                .isEqualTo("550 5.1.1 <zed@example.com>: Recipient address rejected: User unknown in local recipient table");
        assertThat(r.warnings()).hasSize(1);
    }

    @ParameterizedTest(name = "{0} with {1} -> {2}")
    @CsvSource(delimiter = '|', value = {
        // Postern wishlist: with smtpd_reject_unlisted_recipient = no, recipients that resolve to
        // the error or retry transport are still refused, with the transport's text.
        "gone@example.com       | no  | 550 5.1.1 <gone@example.com>: Recipient address rejected: this user has left",
        "moved@example.com      | no  | 550 5.1.6 <moved@example.com>: Recipient address rejected: moved to example.net",
        "later@example.com      | no  | 450 4.1.1 <later@example.com>: Recipient address rejected: mailbox migration",
        "x@closed.example       | no  | 550 5.1.1 <x@closed.example>: Recipient address rejected: domain closed",
        // transport_maps is not in parent_domain_matches_subdomains: "closed.example" is that domain only.
        "x@sub.closed.example   | no  | DUNNO",
        "alice@example.com      | no  | DUNNO",
        "gone@example.com       | yes | 550 5.1.1 <gone@example.com>: Recipient address rejected: this user has left",
    })
    void errorAndRetryTransportsShouldRefuseRecipients(String rcpt, String reject, String expected) throws Exception {
        RestrictionChecks c = checks("mydestination = example.com", "smtpd_reject_unlisted_recipient = " + reject,
                "local_recipient_maps = inline:{alice=x, gone=x, moved=x, later=x}",
                "relay_domains = closed.example",
                "transport_maps = inline:{ {gone@example.com=error:this user has left}, "
                        + "{moved@example.com=error:5.1.6 moved to example.net}, "
                        + "{later@example.com=retry:mailbox migration}, {closed.example=error:domain closed} }",
                "smtpd_relay_restrictions = permit_auth_destination, reject");
        assertThat(rcpt(c, facts().to(rcpt))).isEqualTo(expected);
    }

    @Test
    void errorLocalTransportShouldRefuseLocalRecipients() throws Exception {
        // A common null-client setting: local_transport = error:local delivery is disabled.
        RestrictionChecks c = checks("local_transport = error:local delivery is disabled", "local_recipient_maps =",
                "smtpd_reject_unlisted_recipient = no");
        assertThat(rcpt(c, facts().to("bob@mx.example.com")))
                .isEqualTo("550 5.1.1 <bob@mx.example.com>: Recipient address rejected: local delivery is disabled");
    }

    @Test
    void transportMapsFailureShouldDefer() throws Exception {
        TableRegistry t = new TableRegistry().down("ldap:transport");
        RestrictionChecks c = checks(t, null, "transport_maps = ldap:transport", "local_recipient_maps =");
        assertThat(rcpt(c, facts().to("bob@mx.example.com")))
                .isEqualTo("451 4.3.0 <bob@mx.example.com>: Temporary lookup failure");
    }

    @Test
    void unlistedSenderShouldBeRejectedWhenAsked() throws Exception {
        // postconf(5) smtpd_reject_unlisted_sender (default no) and reject_unlisted_sender.
        RestrictionChecks c = checks(with("smtpd_reject_unlisted_sender = yes"));
        assertThat(rcpt(c, facts().from("zed@example.com").to("alice@example.com")))
                .isEqualTo("550 5.1.0 <zed@example.com>: Sender address rejected: User unknown in local recipient table");
        assertThat(rcpt(c, facts().from("bob@example.com").to("alice@example.com"))).isEqualTo("DUNNO");
        assertThat(rcpt(c, facts().from("").to("alice@example.com"))).isEqualTo("DUNNO");
        RestrictionChecks explicit = checks(with("smtpd_sender_restrictions = reject_unlisted_sender"));
        assertThat(rcpt(explicit, facts().from("zed@alias.example").to("alice@example.com")))
                .isEqualTo("550 5.1.0 <zed@alias.example>: Sender address rejected: User unknown in virtual alias table");
    }

    @Test
    void canonicalMappedRecipientsShouldBeAccepted() throws Exception {
        RestrictionChecks c = checks(with("recipient_canonical_maps = inline:{old@example.com=alice@example.com}"));
        assertThat(rcpt(c, facts().to("old@example.com"))).isEqualTo("DUNNO");
    }
}
