// SPDX-License-Identifier: Apache-2.0
package org.postern.core.smtpd.restrict;

import static org.assertj.core.api.Assertions.assertThat;
import static org.postern.core.smtpd.restrict.Fixture.checks;
import static org.postern.core.smtpd.restrict.Fixture.facts;
import static org.postern.core.smtpd.restrict.Fixture.rcpt;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.postern.api.dns.DnsRecordType;

/** Restrictions that ask the DNS: unknown domains and hosts, DNS block lists (postconf(5)). */
class DnsRestrictionsTest {

    private static ZoneMapResolver zone() {
        return new ZoneMapResolver()
                .add("example.net", DnsRecordType.MX, 10, "mx.example.net")
                .add("a-only.example", DnsRecordType.A, "192.0.2.80")
                .add("v6-only.example", DnsRecordType.AAAA, "2001:db8::80")
                .add("exists.example", DnsRecordType.TXT, "v=spf1 -all")
                .add("nullmx.example", DnsRecordType.MX, 0, ".")
                .broken("broken.example")
                .add("mail.example.net", DnsRecordType.A, "198.51.100.7")
                .add("7.100.51.198.in-addr.arpa", DnsRecordType.PTR, "mail.example.net")
                .add("9.100.51.198.in-addr.arpa", DnsRecordType.PTR, "forged.example.net")
                .add("forged.example.net", DnsRecordType.A, "203.0.113.1")
                .broken("8.100.51.198.in-addr.arpa")
                // zen.example lists 198.51.100.66 (127.0.0.2) and 198.51.100.67 (127.0.0.10).
                .add("66.100.51.198.zen.example", DnsRecordType.A, "127.0.0.2")
                .add("66.100.51.198.zen.example", DnsRecordType.TXT, "https://zen.example/q?198.51.100.66")
                .add("67.100.51.198.zen.example", DnsRecordType.A, "127.0.0.10")
                .broken("68.100.51.198.zen.example")
                .add("5.2.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.zen.example", DnsRecordType.A, "127.0.0.4")
                .add("spammer.example.dbl.example", DnsRecordType.A, "127.0.1.2");
    }

    @ParameterizedTest(name = "MAIL FROM:<{0}> -> {1}")
    @CsvSource(delimiter = '|', value = {
        // postconf(5) reject_unknown_sender_domain: no MX and no A/AAAA; unknown_address_reject_code (450).
        "alice@example.net       | DUNNO",
        "alice@a-only.example    | DUNNO",
        "alice@v6-only.example   | DUNNO",
        "alice@nowhere.example   | 450 4.1.8 <alice@nowhere.example>: Sender address rejected: Domain not found",
        "alice@exists.example    | 450 4.1.8 <alice@exists.example>: Sender address rejected: Domain not found",
        "alice@nullmx.example    | 550 5.7.27 <alice@nullmx.example>: Sender address rejected: Domain nullmx.example does not accept mail (nullMX)",
        "alice@broken.example    | 450 4.1.8 <alice@broken.example>: Sender address rejected: Domain not found",
        // Our own domains and address literals are not looked up.
        "alice@mx.example.com    | DUNNO",
        "alice@[192.0.2.1]       | DUNNO",
        "''                      | DUNNO",
    })
    void unknownSenderDomainShouldBeRejected(String sender, String expected) throws Exception {
        RestrictionChecks c = checks(new TableRegistry(), zone(), "smtpd_sender_restrictions = reject_unknown_sender_domain",
                "local_recipient_maps =");
        assertThat(rcpt(c, facts().from(sender).to("bob@mx.example.com"))).isEqualTo(expected);
    }

    @Test
    void unknownAddressRejectCodeShouldApply() throws Exception {
        RestrictionChecks c = checks(new TableRegistry(), zone(), "unknown_address_reject_code = 550",
                "smtpd_sender_restrictions = reject_unknown_sender_domain", "local_recipient_maps =");
        assertThat(rcpt(c, facts().from("alice@nowhere.example").to("bob@mx.example.com")))
                .isEqualTo("550 5.1.8 <alice@nowhere.example>: Sender address rejected: Domain not found");
        // A temporary DNS failure is never a 5xx.
        assertThat(rcpt(c, facts().from("alice@broken.example").to("bob@mx.example.com")))
                .isEqualTo("450 4.1.8 <alice@broken.example>: Sender address rejected: Domain not found");
    }

    @Test
    void temporaryFailureShouldYieldToALaterReject() throws Exception {
        // unknown_address_tempfail_action = defer_if_permit: a later rejection wins.
        RestrictionChecks c = checks(new TableRegistry(), zone(),
                "smtpd_sender_restrictions = reject_unknown_sender_domain, check_sender_access inline:{broken.example=REJECT}",
                "local_recipient_maps =");
        assertThat(rcpt(c, facts().from("alice@broken.example").to("bob@mx.example.com")))
                .isEqualTo("554 5.7.1 <alice@broken.example>: Sender address rejected: Access denied");
        RestrictionChecks defer = checks(new TableRegistry(), zone(), "unknown_address_tempfail_action = defer",
                "smtpd_sender_restrictions = reject_unknown_sender_domain, check_sender_access inline:{broken.example=REJECT}",
                "local_recipient_maps =");
        assertThat(rcpt(defer, facts().from("alice@broken.example").to("bob@mx.example.com")))
                .isEqualTo("450 4.1.8 <alice@broken.example>: Sender address rejected: Domain not found");
    }

    @Test
    void withoutResolverDnsRestrictionsShouldDefer() throws Exception {
        RestrictionChecks c = checks("smtpd_sender_restrictions = reject_unknown_sender_domain",
                "smtpd_recipient_restrictions = reject_unknown_recipient_domain");
        assertThat(rcpt(c, facts().client("127.0.0.1").to("bob@example.org")))
                .isEqualTo("450 4.1.8 <alice@example.net>: Sender address rejected: Domain not found");
        RestrictionChecks client = checks("smtpd_client_restrictions = reject_unknown_client_hostname");
        assertThat(rcpt(client, facts().name("unknown")))
                .isEqualTo("450 4.7.25 Client host rejected: cannot find your hostname, [198.51.100.7]");
    }

    @ParameterizedTest(name = "RCPT TO:<{0}> -> {1}")
    @CsvSource(delimiter = '|', value = {
        // postconf(5) reject_unknown_recipient_domain.
        "bob@example.net       | DUNNO",
        "bob@nowhere.example   | 450 4.1.2 <bob@nowhere.example>: Recipient address rejected: Domain not found",
        "bob@nullmx.example    | 556 5.1.10 <bob@nullmx.example>: Recipient address rejected: Domain nullmx.example does not accept mail (nullMX)",
    })
    void unknownRecipientDomainShouldBeRejected(String rcpt, String expected) throws Exception {
        RestrictionChecks c = checks(new TableRegistry(), zone(),
                "smtpd_recipient_restrictions = reject_unknown_recipient_domain");
        assertThat(rcpt(c, facts().client("127.0.0.1").to(rcpt))).isEqualTo(expected);
    }

    @ParameterizedTest(name = "{0} [{1}] -> {2}")
    @CsvSource(delimiter = '|', value = {
        // postconf(5) reject_unknown_client_hostname: the PTR name must resolve back to the address;
        // unknown_client_reject_code for a permanent failure, 450 for a temporary one.
        "mail.example.net | 198.51.100.7 | DUNNO",
        "unknown          | 198.51.100.9 | 550 5.7.25 Client host rejected: cannot find your hostname, [198.51.100.9]",
        "unknown          | 198.51.100.10| 550 5.7.25 Client host rejected: cannot find your hostname, [198.51.100.10]",
        "unknown          | 198.51.100.8 | 450 4.7.25 Client host rejected: cannot find your hostname, [198.51.100.8]",
    })
    void unknownClientHostnameShouldBeRejected(String name, String addr, String expected) throws Exception {
        RestrictionChecks c = checks(new TableRegistry(), zone(),
                "smtpd_client_restrictions = reject_unknown_client_hostname", "unknown_client_reject_code = 550",
                "local_recipient_maps =");
        assertThat(rcpt(c, facts().name(name).client(addr).to("bob@mx.example.com"))).isEqualTo(expected);
    }

    @ParameterizedTest(name = "reverse {0} [{1}] -> {2}")
    @CsvSource(delimiter = '|', value = {
        // postconf(5) reject_unknown_reverse_client_hostname: any PTR name will do.
        "unknown          | 198.51.100.9 | DUNNO",
        "unknown          | 198.51.100.10| 450 4.7.1 Client host rejected: cannot find your reverse hostname, [198.51.100.10]",
        "unknown          | 198.51.100.8 | 450 4.7.1 Client host rejected: cannot find your reverse hostname, [198.51.100.8]",
    })
    void unknownReverseClientHostnameShouldBeRejected(String name, String addr, String expected) throws Exception {
        RestrictionChecks c = checks(new TableRegistry(), zone(),
                "smtpd_client_restrictions = reject_unknown_reverse_client_hostname", "local_recipient_maps =");
        assertThat(rcpt(c, facts().reverse(name).client(addr).to("bob@mx.example.com"))).isEqualTo(expected);
    }

    @ParameterizedTest(name = "HELO {0} -> {1}")
    @CsvSource(delimiter = '|', value = {
        // postconf(5) reject_unknown_helo_hostname, unknown_hostname_reject_code (450).
        "mail.example.net    | DUNNO",
        "example.net         | DUNNO",
        "ghost.example       | 450 4.7.1 <ghost.example>: Helo command rejected: Host not found",
        "broken.example      | 450 4.7.1 <broken.example>: Helo command rejected: Host not found",
    })
    void unknownHeloHostnameShouldBeRejected(String helo, String expected) throws Exception {
        RestrictionChecks c = checks(new TableRegistry(), zone(), "smtpd_helo_restrictions = reject_unknown_helo_hostname",
                "local_recipient_maps =");
        assertThat(rcpt(c, facts().helo(helo).to("bob@mx.example.com"))).isEqualTo(expected);
    }

    @ParameterizedTest(name = "[{0}] {1} -> {2}")
    @CsvSource(delimiter = '|', value = {
        // postconf(5) reject_rbl_client, default_rbl_reply, maps_rbl_reject_code (554).
        "198.51.100.66 | zen.example              | 554 5.7.1 Service unavailable; Client host [198.51.100.66] blocked using zen.example; https://zen.example/q?198.51.100.66",
        "198.51.100.67 | zen.example              | 554 5.7.1 Service unavailable; Client host [198.51.100.67] blocked using zen.example",
        "198.51.100.7  | zen.example              | DUNNO",
        // A lookup error gives the client the benefit of the doubt.
        "198.51.100.68 | zen.example              | DUNNO",
        // domain=d.d.d.d filters on the answer; [n;m..k] octet sets.
        "198.51.100.66 | zen.example=127.0.0.2    | 554 5.7.1 Service unavailable; Client host [198.51.100.66] blocked using zen.example; https://zen.example/q?198.51.100.66",
        "198.51.100.67 | zen.example=127.0.0.2    | DUNNO",
        "198.51.100.67 | zen.example=127.0.0.[2..11] | 554 5.7.1 Service unavailable; Client host [198.51.100.67] blocked using zen.example",
        "198.51.100.67 | zen.example=127.0.0.[2;4] | DUNNO",
        "2001:db8::25  | zen.example              | 554 5.7.1 Service unavailable; Client host [2001:db8::25] blocked using zen.example",
    })
    void rblClientShouldRejectListedAddresses(String client, String list, String expected) throws Exception {
        RestrictionChecks c = checks(new TableRegistry(), zone(), "smtpd_client_restrictions = reject_rbl_client " + list,
                "smtpd_relay_restrictions = permit", "smtpd_recipient_restrictions = reject_unauth_destination",
                "local_recipient_maps =");
        assertThat(rcpt(c, facts().client(client).to("bob@mx.example.com"))).isEqualTo(expected);
    }

    @Test
    void rblReplyMapsShouldOverrideTheTemplate() throws Exception {
        RestrictionChecks c = checks(new TableRegistry(), zone(), "smtpd_client_restrictions = reject_rbl_client zen.example",
                "rbl_reply_maps = inline:{ {zen.example=$$rbl_code 5.7.9 see http://zen.example/$$client_address ($$rbl_what)} }",
                "maps_rbl_reject_code = 550");
        assertThat(rcpt(c, facts().client("198.51.100.66")))
                .isEqualTo("550 5.7.9 see http://zen.example/198.51.100.66 (198.51.100.66)");
    }

    @Test
    void rhsblShouldCheckSenderDomainAndHelo() throws Exception {
        RestrictionChecks c = checks(new TableRegistry(), zone(), "smtpd_sender_restrictions = reject_rhsbl_sender dbl.example",
                "smtpd_helo_restrictions = reject_rhsbl_helo dbl.example=127.0.1.2", "local_recipient_maps =");
        assertThat(rcpt(c, facts().from("x@spammer.example").to("bob@mx.example.com"))).isEqualTo(
                "554 5.7.1 Service unavailable; Sender address [x@spammer.example] blocked using dbl.example");
        assertThat(rcpt(c, facts().helo("spammer.example").to("bob@mx.example.com"))).isEqualTo(
                "554 5.7.1 Service unavailable; Helo command [spammer.example] blocked using dbl.example");
        assertThat(rcpt(c, facts().from("x@[192.0.2.1]").to("bob@mx.example.com"))).isEqualTo("DUNNO");
    }

    @Test
    void dnswlShouldPermitOnlyAuthorizedDestinations() throws Exception {
        RestrictionChecks c = checks(new TableRegistry(), zone(),
                "smtpd_relay_restrictions = permit_dnswl_client zen.example, reject_unauth_destination",
                "smtpd_recipient_restrictions = reject", "local_recipient_maps =");
        assertThat(rcpt(c, facts().client("198.51.100.66").to("bob@mx.example.com")))
                .isEqualTo("554 5.7.1 <bob@mx.example.com>: Recipient address rejected: Access denied");
        assertThat(rcpt(c, facts().client("198.51.100.66").to("bob@example.org")))
                .isEqualTo("554 5.7.1 <bob@example.org>: Relay access denied");
    }
}
