// SPDX-License-Identifier: Apache-2.0
package org.postern.core.smtpd.restrict;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.postern.core.smtpd.restrict.Fixture.checks;
import static org.postern.core.smtpd.restrict.Fixture.facts;
import static org.postern.core.smtpd.restrict.Fixture.outcome;
import static org.postern.core.smtpd.restrict.Fixture.rcpt;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.postern.core.config.ConfigException;

/** Generic restrictions, restriction classes, warn_if_reject, stages (postconf(5), SMTPD_ACCESS_README). */
class GenericRestrictionsTest {

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
        // postconf(5) "Generic restrictions"; the first opinion wins.
        "permit                               | PERMIT",
        "dunno                                | DUNNO",
        "reject                               | 554 5.7.1 <bob@mx.example.com>: Recipient address rejected: Access denied",
        "defer                                | 450 4.3.2 <bob@mx.example.com>: Recipient address rejected: Try again later",
        "defer_if_permit                      | 450 4.7.0 <bob@mx.example.com>: Recipient address rejected: defer_if_permit requested",
        "defer_if_permit permit               | 450 4.7.0 <bob@mx.example.com>: Recipient address rejected: defer_if_permit requested",
        "defer_if_permit reject               | 554 5.7.1 <bob@mx.example.com>: Recipient address rejected: Access denied",
        "defer_if_reject                      | DUNNO",
        "defer_if_reject reject               | 450 4.7.0 <bob@mx.example.com>: Recipient address rejected: defer_if_reject requested",
        "defer_if_reject permit               | PERMIT",
        "permit reject                        | PERMIT",
        "dunno reject                         | 554 5.7.1 <bob@mx.example.com>: Recipient address rejected: Access denied",
        // warn_if_reject applies to the next restriction only.
        "warn_if_reject reject                | DUNNO",
        "warn_if_reject reject reject         | 554 5.7.1 <bob@mx.example.com>: Recipient address rejected: Access denied",
        "warn_if_reject defer_if_permit       | DUNNO",
    })
    void genericRestrictionsShouldDecideAsPostfix(String list, String expected) throws Exception {
        RestrictionChecks c = checks("smtpd_recipient_restrictions = " + list, "local_recipient_maps =");
        assertThat(rcpt(c, facts().to("bob@mx.example.com"))).isEqualTo(expected);
    }

    @Test
    void earlierStageDeferIfPermitShouldDeferAnAcceptedRecipient() throws Exception {
        RestrictionChecks c = checks("smtpd_client_restrictions = defer_if_permit", "local_recipient_maps =",
                "smtpd_recipient_restrictions = permit");
        assertThat(rcpt(c, facts().to("bob@mx.example.com"))).isEqualTo(
                "450 4.7.0 <mail.example.net[198.51.100.7]>: Client host rejected: defer_if_permit requested");
    }

    @Test
    void rejectAndDeferCodesShouldFollowParameters() throws Exception {
        RestrictionChecks c = checks("reject_code = 550", "defer_code = 451",
                "smtpd_client_restrictions = check_client_access inline:{198.51.100.7=reject_code_test}",
                "smtpd_restriction_classes = reject_code_test", "reject_code_test = reject",
                "smtpd_helo_restrictions = defer");
        assertThat(rcpt(c, facts()))
                .isEqualTo("550 5.7.1 <mail.example.net[198.51.100.7]>: Client host rejected: Access denied");
        assertThat(rcpt(c, facts().client("198.51.100.8")))
                .isEqualTo("451 4.3.2 <mail.example.net>: Helo command rejected: Try again later");
    }

    @Test
    void warnIfRejectShouldLogInsteadOfRejecting() throws Exception {
        RestrictionChecks c = checks("smtpd_sender_restrictions = warn_if_reject reject_non_fqdn_sender",
                "local_recipient_maps =");
        CheckResult r = c.check(SmtpStage.RCPT, facts().from("alice@localhost").to("bob@mx.example.com").build());
        assertThat(r.accepted()).isTrue();
        assertThat(r.warnings()).containsExactly(
                "reject_warning: 504 5.5.2 <alice@localhost>: Sender address rejected: need fully-qualified address");
    }

    @Test
    void restrictionClassShouldActAsOneRestriction() throws Exception {
        // postconf(5) smtpd_restriction_classes; SMTPD_ACCESS_README "restriction classes".
        RestrictionChecks local = checks(
                "mydestination = example.com",
                "smtpd_restriction_classes = insiders_only",
                "insiders_only = check_sender_access inline:{example.com=OK}, reject",
                "smtpd_recipient_restrictions = check_recipient_access inline:{staff@example.com=insiders_only}",
                "local_recipient_maps =");
        assertThat(rcpt(local, facts().to("staff@example.com").from("alice@example.com"))).isEqualTo("PERMIT");
        assertThat(rcpt(local, facts().to("staff@example.com").from("alice@example.net")))
                .isEqualTo("554 5.7.1 <staff@example.com>: Recipient address rejected: Access denied");
        assertThat(rcpt(local, facts().to("other@example.com").from("alice@example.net"))).isEqualTo("DUNNO");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "smtpd_recipient_restrictions = reject_foo              | smtpd_recipient_restrictions: unknown restriction \"reject_foo\"",
        "smtpd_sender_restrictions = check_sender_access        | smtpd_sender_restrictions: restriction check_sender_access: bad argument \"\": need maptype:mapname",
        "smtpd_sender_restrictions = check_sender_access reject | restriction check_sender_access: bad argument \"reject\"",
        "smtpd_client_restrictions = reject_rbl_client          | smtpd_client_restrictions: restriction reject_rbl_client requires domain name argument",
        "smtpd_client_restrictions = reject_rbl_client zen.test=127.0.0.x | bad octet pattern",
        "smtpd_client_restrictions = check_policy_service inet:127.0.0.1 | check_policy_service inet:127.0.0.1: need inet:host:port",
        "smtpd_client_restrictions = reject_unverified_sender | is not supported by Postern yet",
        "smtpd_restriction_classes = nothing                    | restriction class `nothing' needs a definition",
        "smtpd_data_restrictions = inline:{a=b}                 | smtpd_data_restrictions: specify one of",
    })
    void badListsShouldBeRefusedAtLoadNamingTheParameter(String line, String message) {
        assertThatThrownBy(() -> checks(line))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining(message);
    }

    @Test
    void classLoopShouldBeRefusedAtLoad() {
        assertThatThrownBy(() -> checks("smtpd_restriction_classes = a, b", "a = b", "b = a"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("restriction class loop");
    }

    @Test
    void delayRejectShouldEvaluateClientRestrictionsAtRcpt() throws Exception {
        // postconf(5) smtpd_delay_reject = yes: reject at RCPT TO, after the client said who it is.
        RestrictionChecks c = checks("smtpd_client_restrictions = reject");
        SmtpFacts f = facts().build();
        assertThat(outcome(c.check(SmtpStage.CONNECT, f))).isEqualTo("DUNNO");
        assertThat(outcome(c.check(SmtpStage.HELO, f))).isEqualTo("DUNNO");
        assertThat(outcome(c.check(SmtpStage.MAIL, f))).isEqualTo("DUNNO");
        assertThat(outcome(c.check(SmtpStage.RCPT, f)))
                .isEqualTo("554 5.7.1 <mail.example.net[198.51.100.7]>: Client host rejected: Access denied");
    }

    @Test
    void noDelayRejectShouldEvaluateEachListAtItsStage() throws Exception {
        RestrictionChecks c = checks("smtpd_delay_reject = no", "smtpd_helo_restrictions = reject_non_fqdn_helo_hostname",
                "local_recipient_maps =",
                "smtpd_sender_restrictions = reject_non_fqdn_sender");
        assertThat(outcome(c.check(SmtpStage.CONNECT, facts().helo(null).from(null).to(null).build()))).isEqualTo("DUNNO");
        assertThat(outcome(c.check(SmtpStage.HELO, facts().helo("box").from(null).to(null).build())))
                .isEqualTo("504 5.5.2 <box>: Helo command rejected: need fully-qualified hostname");
        assertThat(outcome(c.check(SmtpStage.MAIL, facts().from("a@b").to(null).build())))
                .isEqualTo("504 5.5.2 <a@b>: Sender address rejected: need fully-qualified address");
        // At RCPT only relay and recipient restrictions run.
        assertThat(rcpt(c, facts().helo("box").from("a@b").to("bob@mx.example.com"))).isEqualTo("DUNNO");
    }

    @Test
    void messageSizeShouldBeCheckedAtMail() throws Exception {
        RestrictionChecks c = checks("message_size_limit = 1000");
        assertThat(outcome(c.check(SmtpStage.MAIL, facts().size(1001).build())))
                .isEqualTo("552 5.3.4 Message size exceeds fixed limit");
        assertThat(outcome(c.check(SmtpStage.MAIL, facts().size(1000).build()))).isEqualTo("DUNNO");
    }

    @Test
    void unauthPipeliningShouldBeRejected() throws Exception {
        RestrictionChecks c = checks("smtpd_data_restrictions = reject_unauth_pipelining");
        assertThat(outcome(c.check(SmtpStage.DATA, facts().count(1).pipelining().build())))
                .isEqualTo("503 5.5.0 <DATA>: Data command rejected: Improper use of SMTP command pipelining");
        assertThat(outcome(c.check(SmtpStage.DATA, facts().count(1).build()))).isEqualTo("DUNNO");
    }

    @ParameterizedTest(name = "sender <{0}>, {1} recipients at {2} -> {3}")
    @CsvSource(delimiter = '|', value = {
        // postconf(5) reject_multi_recipient_bounce.
        "''              | 1 | DATA | DUNNO",
        "''              | 2 | DATA | 550 5.5.3 <DATA>: Data command rejected: Multi-recipient bounce",
        "''              | 0 | RCPT | DUNNO",
        "''              | 1 | RCPT | 550 5.5.3 <bob@mx.example.com>: Recipient address rejected: Multi-recipient bounce",
        "alice@a.example | 2 | DATA | DUNNO",
    })
    void multiRecipientBounceShouldBeRejected(String sender, int count, SmtpStage stage, String expected)
            throws Exception {
        RestrictionChecks c = checks("smtpd_data_restrictions = reject_multi_recipient_bounce",
                "smtpd_recipient_restrictions = reject_multi_recipient_bounce", "local_recipient_maps =");
        assertThat(outcome(c.check(stage, facts().from(sender).to("bob@mx.example.com").count(count).build())))
                .isEqualTo(expected);
    }

    @Test
    void endOfDataRestrictionsShouldUseEndOfDataNames() throws Exception {
        RestrictionChecks c = checks("smtpd_end_of_data_restrictions = reject");
        assertThat(outcome(c.check(SmtpStage.END_OF_DATA, facts().count(2).build())))
                .isEqualTo("554 5.7.1 <END-OF-MESSAGE>: End-of-data rejected: Access denied");
    }

    @Test
    void softBounceShouldTurnRejectsIntoDeferrals() throws Exception {
        RestrictionChecks c = checks("soft_bounce = yes", "smtpd_sender_restrictions = reject");
        assertThat(rcpt(c, facts()))
                .isEqualTo("454 4.7.1 <alice@example.net>: Sender address rejected: Access denied");
    }

    @Test
    void etrnShouldCheckTheDomainArgument() throws Exception {
        RestrictionChecks c = checks("smtpd_etrn_restrictions = check_etrn_access inline:{example.org=REJECT}, permit");
        assertThat(outcome(c.check(SmtpStage.ETRN, facts().to("example.org").build())))
                .isEqualTo("554 5.7.1 <example.org>: Etrn command rejected: Access denied");
        assertThat(outcome(c.check(SmtpStage.ETRN, facts().to("example.net").build()))).isEqualTo("PERMIT");
    }
}
