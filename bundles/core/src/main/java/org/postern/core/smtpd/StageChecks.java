// SPDX-License-Identifier: Apache-2.0
package org.postern.core.smtpd;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.postern.core.smtpd.restrict.CheckResult;
import org.postern.core.smtpd.restrict.SmtpFacts;
import org.postern.core.smtpd.tls.ClientCertificate;
import org.postern.core.smtpd.restrict.SmtpStage;
import org.postern.core.smtpd.restrict.SmtpdChecks;

/**
 * SUMMARY   What the restrictions see of one session at a stage: the {@link SmtpFacts} built
 *           from the client, the SASL and TLS state and the current transaction, with the
 *           attributes only check_policy_service sends (SMTPD_POLICY_README); and the
 *           (blocking) call of the restrictions with them.
 * DESCRIPTION
 *   The policy protocol's "instance" names one transaction: a per-session prefix and the number
 *   of MAIL commands so far.
 */
final class StageChecks {

    private final String service;
    private final SmtpdChecks checks;
    private final ClientIdentity client;
    private final SecurityState security;
    private final String instancePrefix = Long.toHexString(System.currentTimeMillis()) + "."
            + Integer.toHexString(System.identityHashCode(this));
    /** MAIL transactions so far. */
    private int transactions;

    StageChecks(String service, SmtpdChecks checks, ClientIdentity client, SecurityState security) {
        this.service = service;
        this.checks = checks;
        this.client = client;
        this.security = security;
    }

    /** A MAIL command starts a transaction (a new policy "instance"). */
    void transactionStarted() {
        transactions++;
    }

    /**
     * @param tx                the current transaction; null when none
     * @param recipient         the RCPT (or VRFY, ETRN) argument; null at other stages
     * @param local             the server's socket address
     */
    SmtpFacts facts(Transaction tx, String recipient, long size, boolean illegalPipelining, SocketAddress local) {
        return new SmtpFacts(client.address(), client.port(), client.name(), client.reverseName(), client.helo(),
                tx == null ? null : tx.sender(), recipient, tx == null ? 0 : tx.recipients.size(),
                security.saslUsername(), client.protocol(security.tlsActive()), illegalPipelining, size, service,
                policyAttributes(tx, local), security.tlsInfo() == null ? null : security.tlsInfo().client());
    }

    /** Asks the restrictions; blocks. A failure of their own is a deferral ("Server configuration error"). */
    CheckResult check(SmtpStage stage, SmtpFacts facts) {
        try {
            CheckResult r = checks.check(stage, facts);
            return r == null ? CheckResult.DUNNO : r;
        } catch (RuntimeException e) {
            SmtpdLog.warn(service, null, "restriction check " + stage + " failed: " + e);
            return new CheckResult(CheckResult.Verdict.DEFER, SmtpdReplies.SERVER_CONFIGURATION_ERROR,
                    List.of(), List.of());
        }
    }

    private Map<String, String> policyAttributes(Transaction t, SocketAddress localAddress) {
        Map<String, String> a = new HashMap<>();
        if (t != null && t.message != null) {
            a.put("queue_id", t.queueId());
        }
        a.put("instance", instancePrefix + "." + transactions);
        if (security.saslMethod() != null) {
            a.put("sasl_method", security.saslMethod());
        }
        if (localAddress instanceof InetSocketAddress local) {
            a.put("server_address", local.getAddress().getHostAddress());
            a.put("server_port", Integer.toString(local.getPort()));
        }
        if (security.tls() != null) {
            a.put("encryption_protocol", security.tls().getProtocol());
            a.put("encryption_cipher", security.tlsInfo() == null ? security.tls().getCipherSuite()
                    : security.tlsInfo().openSslCipher());
            if (security.tlsInfo() != null) {
                a.put("encryption_keysize", Integer.toString(security.tlsInfo().bits()));
                ClientCertificate cc = security.tlsInfo().client();
                if (cc != null) {
                    // As Postfix: the names only when the certificate is trusted, the fingerprints always.
                    a.put("ccert_subject", cc.trusted() ? cc.subjectCn() : "");
                    a.put("ccert_issuer", cc.trusted() ? cc.issuerCn() : "");
                    a.put("ccert_fingerprint", cc.fingerprint());
                    a.put("ccert_pubkey_fingerprint", cc.pkeyFingerprint());
                }
            }
        }
        return a;
    }
}
