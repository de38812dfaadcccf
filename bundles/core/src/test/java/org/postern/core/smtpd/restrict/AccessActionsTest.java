// SPDX-License-Identifier: Apache-2.0
package org.postern.core.smtpd.restrict;

import static org.assertj.core.api.Assertions.assertThat;
import static org.postern.core.smtpd.restrict.Fixture.checks;
import static org.postern.core.smtpd.restrict.Fixture.facts;
import static org.postern.core.smtpd.restrict.Fixture.outcome;
import static org.postern.core.smtpd.restrict.Fixture.rcpt;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** check_*_access with the access(5) actions and lookup keys. */
class AccessActionsTest {

    private static final String TABLE = "hash:/etc/postern/sender_access";

    private static RestrictionChecks senderTable(String value, String... more) throws Exception {
        TableRegistry t = new TableRegistry().fixed(TABLE, "alice@example.net", value);
        String[] lines = new String[more.length + 2];
        lines[0] = "smtpd_sender_restrictions = check_sender_access " + TABLE;
        lines[1] = "local_recipient_maps =";
        System.arraycopy(more, 0, lines, 2, more.length);
        return checks(t, null, lines);
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
        // access(5) ACCEPT ACTIONS: OK, all-numerical.
        "OK                           | DUNNO",
        "ok with trailing text        | DUNNO",
        "RELAY                        | DUNNO",
        "1234567                      | DUNNO",
        // access(5) REJECT ACTIONS.
        "REJECT                       | 554 5.7.1 <alice@example.net>: Sender address rejected: Access denied",
        "REJECT go away               | 554 5.7.1 <alice@example.net>: Sender address rejected: go away",
        "REJECT 5.7.9 go away         | 554 5.7.9 <alice@example.net>: Sender address rejected: go away",
        "DEFER                        | 450 4.7.1 <alice@example.net>: Sender address rejected: Access denied",
        "DEFER come back later        | 450 4.7.1 <alice@example.net>: Sender address rejected: come back later",
        "550 no such sender           | 550 5.7.1 <alice@example.net>: Sender address rejected: no such sender",
        "550 5.1.1 no such sender     | 550 5.1.0 <alice@example.net>: Sender address rejected: no such sender",
        "421 4.3.2 system busy        | 421 4.3.2 <alice@example.net>: Sender address rejected: system busy",
        "451 5.7.1 mismatched         | 451 4.7.1 <alice@example.net>: Sender address rejected: mismatched",
        "DEFER_IF_PERMIT try later    | 450 4.7.1 <alice@example.net>: Sender address rejected: try later",
        "DEFER_IF_REJECT maybe        | DUNNO",
        // access(5) OTHER ACTIONS: a restriction list as result, DUNNO.
        "DUNNO                        | DUNNO",
        "reject_non_fqdn_recipient    | DUNNO",
        "reject_unauth_destination    | DUNNO",
        // Action names are case-insensitive: "defer_if_permit" is the DEFER_IF_PERMIT action.
        "defer_if_permit              | 450 4.7.1 <alice@example.net>: Sender address rejected: Service unavailable",
        "permit_mynetworks            | DUNNO",
        "reject                       | 554 5.7.1 <alice@example.net>: Sender address rejected: Access denied",
        // Junk results are a server configuration error (4xx), never a 5xx.
        "hash:/etc/other              | 451 4.3.5 Server configuration error",
        "frobnicate                   | 451 4.3.5 Server configuration error",
        "250 fine                     | 451 4.3.5 Server configuration error",
    })
    void accessResultShouldBeInterpretedAsAccess5Says(String value, String expected) throws Exception {
        assertThat(rcpt(senderTable(value), facts().to("bob@mx.example.com"))).isEqualTo(expected);
    }

    @Test
    void accessMapCodesShouldFollowParameters() throws Exception {
        RestrictionChecks r = senderTable("REJECT", "access_map_reject_code = 550");
        assertThat(rcpt(r, facts().to("bob@mx.example.com")))
                .isEqualTo("550 5.7.1 <alice@example.net>: Sender address rejected: Access denied");
        RestrictionChecks d = senderTable("DEFER", "access_map_defer_code = 421");
        assertThat(rcpt(d, facts().to("bob@mx.example.com")))
                .isEqualTo("421 4.7.1 <alice@example.net>: Sender address rejected: Access denied");
    }

    @Test
    void deferIfRejectShouldTurnALaterRejectIntoDeferral() throws Exception {
        RestrictionChecks c = senderTable("DEFER_IF_REJECT ask again",
                "smtpd_sender_restrictions = check_sender_access " + TABLE + ", reject");
        assertThat(rcpt(c, facts().to("bob@mx.example.com")))
                .isEqualTo("450 4.7.1 <alice@example.net>: Sender address rejected: ask again");
        // Each stage starts afresh: a rejection by a later list stands.
        RestrictionChecks later = senderTable("DEFER_IF_REJECT ask again", "smtpd_recipient_restrictions = reject");
        assertThat(rcpt(later, facts().to("bob@mx.example.com")))
                .isEqualTo("554 5.7.1 <bob@mx.example.com>: Recipient address rejected: Access denied");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        // access(5): HOLD, DISCARD, FILTER, REDIRECT, BCC, PREPEND, WARN are message actions.
        "HOLD                              | Hold[reason=<alice@example.net>: Sender address triggers HOLD action]",
        "HOLD spam score high              | Hold[reason=<alice@example.net>: Sender address spam score high]",
        "DISCARD                           | Discard[reason=<alice@example.net>: Sender address triggers DISCARD action]",
        "FILTER smtp:[127.0.0.1]:10025     | Filter[nexthop=smtp:[127.0.0.1]:10025]",
        "REDIRECT abuse@example.com        | Redirect[address=abuse@example.com]",
        "BCC archive@example.com           | Bcc[address=archive@example.com]",
        "PREPEND X-Checked: yes            | Prepend[headerLine=X-Checked: yes]",
    })
    void messageActionsShouldBeCollected(String value, String action) throws Exception {
        CheckResult r = senderTable(value).check(SmtpStage.RCPT, facts().to("bob@mx.example.com").build());
        assertThat(r.accepted()).isTrue();
        assertThat(r.actions()).hasSize(1);
        assertThat(r.actions().get(0).toString()).isEqualTo(action);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        // Malformed actions are warned about and skipped, as in smtpd.
        "FILTER",
        "FILTER no-colon",
        "REDIRECT nobody",
        "BCC nobody",
        "PREPEND not a header",
    })
    void malformedMessageActionsShouldBeSkipped(String value) throws Exception {
        CheckResult r = senderTable(value).check(SmtpStage.RCPT, facts().to("bob@mx.example.com").build());
        assertThat(r.accepted()).isTrue();
        assertThat(r.actions()).isEmpty();
    }

    @Test
    void discardShouldStopFurtherRestrictionsAndRecipientValidation() throws Exception {
        // access(5) DISCARD: "claim successful delivery and silently discard"; no later restriction applies.
        RestrictionChecks c = senderTable("DISCARD", "smtpd_recipient_restrictions = reject",
                "local_recipient_maps = inline:{nobody=x}");
        CheckResult r = c.check(SmtpStage.RCPT, facts().to("bob@mx.example.com").build());
        assertThat(outcome(r)).isEqualTo("DUNNO");
        assertThat(r.actions()).hasSize(1);
    }

    @Test
    void warnShouldLogAndContinue() throws Exception {
        RestrictionChecks c = senderTable("WARN suspicious sender", "smtpd_recipient_restrictions = reject");
        CheckResult r = c.check(SmtpStage.RCPT, facts().to("bob@mx.example.com").build());
        assertThat(outcome(r)).isEqualTo("554 5.7.1 <bob@mx.example.com>: Recipient address rejected: Access denied");
        assertThat(r.warnings()).containsExactly("warn: suspicious sender");
    }

    @Test
    void actionsInClientRestrictionsShouldBeSkippedWithoutDelayReject() throws Exception {
        // smtpd_check.c not_in_client_helo(): with smtpd_delay_reject = no there is no transaction yet.
        TableRegistry t = new TableRegistry().fixed("hash:c", "198.51.100.7", "HOLD");
        RestrictionChecks c = checks(t, null, "smtpd_delay_reject = no", "smtpd_client_restrictions = check_client_access hash:c");
        CheckResult r = c.check(SmtpStage.CONNECT, facts().helo(null).from(null).to(null).build());
        assertThat(r.actions()).isEmpty();
    }

    @Test
    void senderKeysShouldBeTriedInAccess5Order() throws Exception {
        // access(5) EMAIL ADDRESS PATTERNS: user@domain, domain, parents, user@ (with
        // parent_domain_matches_subdomains naming smtpd_access_maps, "example.net" covers subdomains).
        TableRegistry t = new TableRegistry().fixed(TABLE);
        RestrictionChecks c = checks(t, null, "smtpd_sender_restrictions = check_sender_access " + TABLE,
                "recipient_delimiter = +", "local_recipient_maps =");
        rcpt(c, facts().from("alice+tag@Sub.Example.NET").to("bob@mx.example.com"));
        assertThat(t.asked).containsExactly("alice+tag@sub.example.net", "alice@sub.example.net", "sub.example.net",
                "example.net", "net", "alice+tag@", "alice@");
    }

    @Test
    void senderKeysShouldUseDotParentsWhenNotParentStyle() throws Exception {
        TableRegistry t = new TableRegistry().fixed(TABLE, ".example.net", "REJECT");
        RestrictionChecks c = checks(t, null, "smtpd_sender_restrictions = check_sender_access " + TABLE,
                "parent_domain_matches_subdomains =", "local_recipient_maps =");
        assertThat(rcpt(c, facts().from("alice@sub.example.net").to("bob@mx.example.com")))
                .isEqualTo("554 5.7.1 <alice@sub.example.net>: Sender address rejected: Access denied");
        assertThat(rcpt(c, facts().from("alice@example.net").to("bob@mx.example.com"))).isEqualTo("DUNNO");
    }

    @Test
    void patternTablesShouldSeeOnlyTheFullKey() throws Exception {
        TableRegistry t = new TableRegistry().pattern("regexp:/etc/postern/senders");
        RestrictionChecks c = checks(t, null, "smtpd_sender_restrictions = check_sender_access regexp:/etc/postern/senders",
                "local_recipient_maps =");
        rcpt(c, facts().from("alice@sub.example.net").to("bob@mx.example.com"));
        assertThat(t.asked).containsExactly("alice@sub.example.net");
    }

    @Test
    void nullSenderShouldUseNullAccessLookupKey() throws Exception {
        // postconf(5) smtpd_null_access_lookup_key (default <>).
        TableRegistry t = new TableRegistry().fixed(TABLE, "<>", "REJECT no bounces here");
        RestrictionChecks c = checks(t, null, "smtpd_sender_restrictions = check_sender_access " + TABLE,
                "local_recipient_maps =");
        assertThat(rcpt(c, facts().from("").to("bob@mx.example.com")))
                .isEqualTo("554 5.7.1 <>: Sender address rejected: no bounces here");
        assertThat(t.asked).containsExactly("<>");
        RestrictionChecks other = checks(new TableRegistry().fixed(TABLE, "MAILER-DAEMON", "REJECT"), null,
                "smtpd_sender_restrictions = check_sender_access " + TABLE, "smtpd_null_access_lookup_key = MAILER-DAEMON",
                "local_recipient_maps =");
        assertThat(rcpt(other, facts().from("").to("bob@mx.example.com")))
                .isEqualTo("554 5.7.1 <>: Sender address rejected: Access denied");
    }

    @Test
    void clientKeysShouldBeNameParentsThenAddressPrefixes() throws Exception {
        // access(5) HOST NAME/ADDRESS PATTERNS; smtpd_check.c check_namadr_access().
        TableRegistry t = new TableRegistry().fixed("hash:c");
        RestrictionChecks c = checks(t, null, "smtpd_client_restrictions = check_client_access hash:c");
        rcpt(c, facts().name("mail.example.net").client("198.51.100.7"));
        assertThat(t.asked).containsExactly("mail.example.net", "example.net", "net", "198.51.100.7", "198.51.100",
                "198.51", "198");
    }

    @ParameterizedTest(name = "{0} [{1}] -> {2}")
    @CsvSource(delimiter = '|', value = {
        "mail.example.net | 198.51.100.7  | 554 5.7.1 <mail.example.net[198.51.100.7]>: Client host rejected: Access denied",
        "unknown          | 198.51.100.7  | 554 5.7.1 <unknown[198.51.100.7]>: Client host rejected: Access denied",
        "unknown          | 192.0.2.1     | 550 5.7.1 <unknown[192.0.2.1]>: Client host rejected: go away",
        "unknown          | 2001:db8::25  | 550 5.7.1 <unknown[2001:db8::25]>: Client host rejected: v6 net",
        "unknown          | 203.0.113.1   | 454 4.7.1 <bob@example.com>: Relay access denied",
    })
    void clientAccessShouldMatchNamesAndNetworks(String name, String addr, String expected) throws Exception {
        TableRegistry t = new TableRegistry().fixed("hash:c", "example.net", "REJECT", "198.51.100", "REJECT",
                "192.0.2.1", "550 go away", "2001:db8", "550 v6 net");
        RestrictionChecks c = checks(t, null, "smtpd_client_restrictions = check_client_access hash:c");
        assertThat(rcpt(c, facts().name(name).client(addr))).isEqualTo(expected);
    }

    @Test
    void clientNameFoundShouldDecideEvenWhenItsClassFindsNothing() throws Exception {
        // smtpd_check.c check_namadr_access(): a name that is in the table decides; its address
        // is looked up only when the name is not there, whatever tables the name's result uses.
        TableRegistry t = new TableRegistry().fixed("hash:c", "mail.example.net", "sender_class",
                "198.51.100.7", "REJECT");
        RestrictionChecks c = checks(t, null, "smtpd_client_restrictions = check_client_access hash:c",
                "smtpd_restriction_classes = sender_class",
                "sender_class = check_sender_access inline:{ {listed@example.org=REJECT} }",
                "local_recipient_maps =");
        assertThat(rcpt(c, facts().to("bob@mx.example.com"))).isEqualTo("DUNNO");
        assertThat(rcpt(c, facts().from("listed@example.org").to("bob@mx.example.com")))
                .isEqualTo("554 5.7.1 <listed@example.org>: Sender address rejected: Access denied");
    }

    @Test
    void bareTableShouldMeanTheListsOwnAccessCheck() throws Exception {
        // postconf(5): "type:table" alone in smtpd_helo_restrictions is check_helo_access type:table.
        RestrictionChecks c = checks("smtpd_helo_restrictions = inline:{ {localhost=REJECT you are not me} }");
        assertThat(rcpt(c, facts().helo("localhost")))
                .isEqualTo("554 5.7.1 <localhost>: Helo command rejected: you are not me");
    }

    @Test
    void reverseClientHostnameAccessShouldRefuseOk() throws Exception {
        // smtpd_check.c forbid_allowlist(): OK from check_reverse_client_hostname_access is unsafe.
        RestrictionChecks c = checks("smtpd_client_restrictions = check_reverse_client_hostname_access "
                + "inline:{ {dynamic.example.net=REJECT dialup}, good.example.net=OK }");
        assertThat(rcpt(c, facts().reverse("host1.dynamic.example.net")))
                .isEqualTo("554 5.7.1 <host1.dynamic.example.net>: Unverified Client host rejected: dialup");
        assertThat(rcpt(c, facts().reverse("good.example.net"))).isEqualTo("451 4.3.5 Server configuration error");
    }

    @Test
    void recipientAccessOkShouldNotAuthorizeSourceRoutedRecipients() throws Exception {
        // smtpd_check.c check_mail_access() SUSPICIOUS(): OK for a routed recipient is DUNNO.
        RestrictionChecks c = checks("smtpd_relay_restrictions = check_recipient_access inline:{victim.test=OK}, "
                + "reject_unauth_destination");
        assertThat(rcpt(c, facts().to("bob@victim.test"))).isEqualTo("DUNNO");
        assertThat(rcpt(c, facts().to("bob%victim.test@mx.example.com")))
                .isEqualTo("554 5.7.1 <bob%victim.test@mx.example.com>: Relay access denied");
    }

    @Test
    void tableFailureShouldDeferNeverReject() throws Exception {
        TableRegistry t = new TableRegistry().down("ldap:senders");
        RestrictionChecks c = checks(t, null, "smtpd_sender_restrictions = check_sender_access ldap:senders",
                "local_recipient_maps =");
        CheckResult r = c.check(SmtpStage.RCPT, facts().to("bob@mx.example.com").build());
        assertThat(r.verdict()).isEqualTo(CheckResult.Verdict.DEFER);
        assertThat(outcome(r)).isEqualTo("451 4.3.5 <alice@example.net>: Sender address rejected: Server configuration error");
    }

    @Test
    void missingTableTypeShouldDeferNeverReject() throws Exception {
        RestrictionChecks c = checks("smtpd_recipient_restrictions = check_recipient_access mysql:/etc/postern/m.cf",
                "local_recipient_maps =");
        assertThat(rcpt(c, facts().to("bob@mx.example.com")))
                .startsWith("451 4.3.5 <bob@mx.example.com>: Recipient address rejected:");
    }

    @Test
    void actionsShouldNotBeReportedWithARefusal() throws Exception {
        RestrictionChecks c = senderTable("HOLD", "smtpd_recipient_restrictions = reject");
        CheckResult r = c.check(SmtpStage.RCPT, facts().to("bob@mx.example.com").build());
        assertThat(r.accepted()).isFalse();
        assertThat(r.actions()).isEqualTo(List.of());
    }
}
