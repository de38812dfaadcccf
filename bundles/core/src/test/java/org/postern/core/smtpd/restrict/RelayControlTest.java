// SPDX-License-Identifier: Apache-2.0
package org.postern.core.smtpd.restrict;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.postern.core.smtpd.restrict.Fixture.checks;
import static org.postern.core.smtpd.restrict.Fixture.facts;
import static org.postern.core.smtpd.restrict.Fixture.rcpt;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.postern.core.config.ConfigException;

/** Relay control: smtpd_relay_restrictions, mynetworks, relay_domains (postconf(5), SMTPD_ACCESS_README). */
class RelayControlTest {

    @Test
    void defaultConfigShouldNeverRelayForClientOutsideMynetworks() throws Exception {
        // postconf(5) smtpd_relay_restrictions default: permit_mynetworks, permit_sasl_authenticated,
        // defer_unauth_destination. Postern applies it at every compatibility_level, even 0.
        RestrictionChecks c = checks();
        assertThat(rcpt(c, facts().to("victim@example.org")))
                .isEqualTo("454 4.7.1 <victim@example.org>: Relay access denied");
    }

    @Test
    void defaultConfigShouldNeverRelayAtCurrentCompatibilityLevel() throws Exception {
        RestrictionChecks c = checks("compatibility_level = 3.6");
        assertThat(rcpt(c, facts().to("victim@example.org")))
                .isEqualTo("454 4.7.1 <victim@example.org>: Relay access denied");
    }

    @Test
    void rejectUnauthDestinationShouldAnswer554() throws Exception {
        // postconf(5) relay_domains_reject_code (554), 5.7.1.
        RestrictionChecks c = checks("smtpd_relay_restrictions = permit_mynetworks, reject_unauth_destination");
        assertThat(rcpt(c, facts().to("victim@example.org")))
                .isEqualTo("554 5.7.1 <victim@example.org>: Relay access denied");
    }

    @Test
    void relayDomainsRejectCodeShouldApplyToBothForms() throws Exception {
        RestrictionChecks c = checks("relay_domains_reject_code = 550",
                "smtpd_relay_restrictions = reject_unauth_destination");
        assertThat(rcpt(c, facts().to("victim@example.org")))
                .isEqualTo("550 5.7.1 <victim@example.org>: Relay access denied");
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
        // Loopback is the static mynetworks default in ParameterTable.
        "127.0.0.1       | DUNNO",
        "::1             | DUNNO",
        "198.51.100.7    | 454 4.7.1 <victim@example.org>: Relay access denied",
    })
    void mynetworksDefaultShouldTrustLoopbackOnly(String client, String expected) throws Exception {
        RestrictionChecks c = checks();
        assertThat(rcpt(c, facts().client(client).to("victim@example.org"))).isEqualTo(expected);
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
        // postconf(5) mynetworks: net/mask, [ipv6]/len, host names, type:table, "!" exclusions, first match wins.
        "192.0.2.10               | mail.example.net    | DUNNO",
        "192.0.2.66               | mail.example.net    | 454 4.7.1 <victim@example.org>: Relay access denied",
        "::ffff:192.0.2.10        | mail.example.net    | DUNNO",
        "2001:db8:1::5            | mail.example.net    | DUNNO",
        "2001:db9::5              | mail.example.net    | 454 4.7.1 <victim@example.org>: Relay access denied",
        "203.0.113.9              | mail.example.net    | DUNNO",
        "198.51.100.99            | relay.trusted.test  | DUNNO",
        "198.51.100.99            | unknown             | 454 4.7.1 <victim@example.org>: Relay access denied",
    })
    void mynetworksShouldMatchPatternsInOrder(String client, String name, String expected) throws Exception {
        RestrictionChecks c = checks("mynetworks = !192.0.2.66, 192.0.2.0/24, [2001:db8::]/32, "
                + "inline:{203.0.113.9=yes}, relay.trusted.test");
        assertThat(rcpt(c, facts().client(client).name(name).to("victim@example.org"))).isEqualTo(expected);
    }

    @Test
    void mynetworksTableFailureShouldDeferNotReject() throws Exception {
        TableRegistry t = new TableRegistry().down("ldap:trusted");
        RestrictionChecks c = checks(t, null, "mynetworks = ldap:trusted");
        assertThat(rcpt(c, facts().to("victim@example.org")))
                .isEqualTo("451 4.3.0 <victim@example.org>: Temporary lookup failure");
    }

    @Test
    void saslAuthenticatedClientShouldRelay() throws Exception {
        RestrictionChecks c = checks();
        assertThat(rcpt(c, facts().sasl("alice").to("victim@example.org"))).isEqualTo("DUNNO");
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
        // relay_domains is in parent_domain_matches_subdomains: example.org covers its subdomains.
        "bob@example.org          | DUNNO",
        "bob@sub.example.org      | DUNNO",
        "bob@EXAMPLE.ORG.         | DUNNO",
        "bob@example.org.evil.test| 454 4.7.1 <bob@example.org.evil.test>: Relay access denied",
        // Final destinations: mydestination (default $myhostname...), virtual domains.
        "bob@mx.example.com       | DUNNO",
        "bob@localhost            | DUNNO",
        "bob@[127.0.0.1]          | DUNNO",
        "bob                      | DUNNO",
        "bob@virtual.test         | DUNNO",
        // Source routing through a local domain is an attempt to relay.
        "bob%victim.test@mx.example.com | 454 4.7.1 <bob%victim.test@mx.example.com>: Relay access denied",
        "victim.test!bob@mx.example.com | 454 4.7.1 <victim.test!bob@mx.example.com>: Relay access denied",
    })
    void authorizedDestinationsShouldBeAccepted(String rcpt, String expected) throws Exception {
        RestrictionChecks c = checks("relay_domains = example.org", "virtual_mailbox_domains = virtual.test",
                "local_recipient_maps =", "smtpd_reject_unlisted_recipient = no");
        assertThat(rcpt(c, facts().to(rcpt))).isEqualTo(expected);
    }

    @Test
    void permitAuthDestinationShouldPermitOnlyOurDomains() throws Exception {
        RestrictionChecks c = checks("smtpd_relay_restrictions = permit_auth_destination, reject",
                "relay_domains = example.org", "relay_recipient_maps =");
        assertThat(rcpt(c, facts().to("bob@example.org"))).isEqualTo("DUNNO");
        assertThat(rcpt(c, facts().to("bob@example.net")))
                .isEqualTo("554 5.7.1 <bob@example.net>: Recipient address rejected: Access denied");
    }

    @Test
    void relayRestrictionsShouldRunBeforeRecipientRestrictions() throws Exception {
        // postconf(5): smtpd_relay_restrictions are applied before smtpd_recipient_restrictions.
        RestrictionChecks c = checks("smtpd_recipient_restrictions = reject");
        assertThat(rcpt(c, facts().to("victim@example.org")))
                .isEqualTo("454 4.7.1 <victim@example.org>: Relay access denied");
    }

    @Test
    void permitInRelayRestrictionsShouldStillApplyRecipientRestrictions() throws Exception {
        RestrictionChecks c = checks("smtpd_recipient_restrictions = check_recipient_access inline:{victim@example.org=REJECT}");
        assertThat(rcpt(c, facts().client("127.0.0.1").to("victim@example.org")))
                .isEqualTo("554 5.7.1 <victim@example.org>: Recipient address rejected: Access denied");
    }

    @Test
    void relayRestrictionsWithoutAnyRejectShouldBeRefusedAtLoad() {
        // smtpd_check.c fail_required(): an explicitly empty relay list needs a working recipient list.
        assertThatThrownBy(() -> checks("smtpd_relay_restrictions =", "smtpd_recipient_restrictions = permit_mynetworks"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("specify at least one working instance of: reject_unauth_destination");
        assertThatThrownBy(() -> checks("smtpd_relay_restrictions = permit, reject_unauth_destination"))
                .isInstanceOf(ConfigException.class);
    }

    @Test
    void classicRecipientRestrictionsShouldStillProtect() throws Exception {
        RestrictionChecks c = checks("smtpd_relay_restrictions =",
                "smtpd_recipient_restrictions = permit_mynetworks, reject_unauth_destination");
        assertThat(rcpt(c, facts().to("victim@example.org")))
                .isEqualTo("554 5.7.1 <victim@example.org>: Relay access denied");
    }

    @Test
    void requiredRestrictionInsideClassShouldCount() throws Exception {
        RestrictionChecks c = checks("smtpd_restriction_classes = guard", "guard = reject_unauth_destination",
                "smtpd_relay_restrictions = permit_mynetworks, guard");
        assertThat(rcpt(c, facts().to("victim@example.org")))
                .isEqualTo("554 5.7.1 <victim@example.org>: Relay access denied");
    }

    @Test
    void postmasterShouldAlwaysBeAccepted() throws Exception {
        // RFC 5321 4.5.1; smtpd_check_rcpt() accepts a bare "postmaster" before any restriction.
        RestrictionChecks c = checks("smtpd_client_restrictions = reject");
        assertThat(rcpt(c, facts().to("Postmaster"))).isEqualTo("DUNNO");
    }
}
