// SPDX-License-Identifier: Apache-2.0
package org.postern.core.smtpd.restrict;

import java.nio.file.Path;
import java.util.List;

import org.postern.api.dns.DnsResolver;
import org.postern.core.config.ConfigEnvironment;
import org.postern.core.config.ConfigException;
import org.postern.core.config.MainCf;
import org.postern.core.config.ParameterTable;
import org.postern.core.config.PostfixConfig;

/** Builds RestrictionChecks from main.cf lines, and SMTP facts to check. */
final class Fixture {

    static final ConfigEnvironment ENV =
            new ConfigEnvironment(Path.of("/etc/postern"), Path.of("/var/lib/postern"), "mx.example.com");

    private Fixture() {
    }

    static PostfixConfig config(String... lines) throws ConfigException {
        return PostfixConfig.of(ParameterTable.standard(), ENV, MainCf.parse(Path.of("/etc/postern/main.cf"), List.of(lines)));
    }

    static RestrictionChecks checks(TableRegistry tables, DnsResolver dns, String... lines) throws ConfigException {
        return RestrictionChecks.create(config(lines), tables, dns);
    }

    /** No tables beyond inline:/static:, no DNS. */
    static RestrictionChecks checks(String... lines) throws ConfigException {
        return checks(new TableRegistry(), null, lines);
    }

    static Facts facts() {
        return new Facts();
    }

    /** Facts of a client outside mynetworks, mid-transaction. */
    static final class Facts {
        String clientAddress = "198.51.100.7";
        String clientName = "mail.example.net";
        String reverseName = "mail.example.net";
        String helo = "mail.example.net";
        String sender = "alice@example.net";
        String recipient = "bob@example.com";
        int recipientCount = 0;
        String sasl = null;
        boolean pipelining = false;
        long size = 0;
        org.postern.core.smtpd.tls.ClientCertificate ccert = null;

        Facts ccert(org.postern.core.smtpd.tls.ClientCertificate c) {
            ccert = c;
            return this;
        }

        Facts client(String address) {
            clientAddress = address;
            return this;
        }

        Facts name(String name) {
            clientName = name;
            reverseName = name;
            return this;
        }

        Facts reverse(String name) {
            reverseName = name;
            return this;
        }

        Facts helo(String h) {
            helo = h;
            return this;
        }

        Facts from(String s) {
            sender = s;
            return this;
        }

        Facts to(String r) {
            recipient = r;
            return this;
        }

        Facts count(int n) {
            recipientCount = n;
            return this;
        }

        Facts sasl(String user) {
            sasl = user;
            return this;
        }

        Facts pipelining() {
            pipelining = true;
            return this;
        }

        Facts size(long s) {
            size = s;
            return this;
        }

        SmtpFacts build() {
            return new SmtpFacts(clientAddress, 40000, clientName, reverseName, helo, sender, recipient, recipientCount,
                    sasl, "ESMTP", pipelining, size, "smtp", java.util.Map.of(), ccert);
        }
    }

    /** The reply as sent on the wire, or "DUNNO"/"PERMIT" when accepted. */
    static String outcome(CheckResult r) {
        return r.accepted() ? r.verdict().name() : r.reply().toString();
    }

    static String rcpt(RestrictionChecks c, Facts f) {
        return outcome(c.check(SmtpStage.RCPT, f.build()));
    }
}
