// SPDX-License-Identifier: Apache-2.0
package org.postern.core.smtpd.restrict;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

import org.postern.api.support.LogText;
import org.postern.core.config.ConfigException;
import org.postern.core.config.PostfixConfig;
import org.postern.core.smtpd.policy.PolicyClient;
import org.postern.core.smtpd.policy.PolicyEndpoint;

/**
 * The check_policy_service clients of one configuration, one per endpoint however often it
 * is named, and the request attributes Postfix sends (SMTPD_POLICY_README, Postfix 3.7 set).
 */
final class PolicyClients implements AutoCloseable {

    private final PostfixConfig config;
    private final Map<String, PolicyClient> clients = new HashMap<>();

    PolicyClients(PostfixConfig config) {
        this.config = config;
    }

    PolicyClient client(String where, String spec) throws ConfigException {
        PolicyClient existing = clients.get(spec);
        if (existing != null) {
            return existing;
        }
        try {
            PolicyClient client = new PolicyClient(PolicyEndpoint.parse(spec, config));
            clients.put(spec, client);
            return client;
        } catch (RuntimeException e) {
            throw new ConfigException(where + ": check_policy_service " + LogText.printable(spec) + ": " + e.getMessage());
        }
    }

    /** The request for one check, in the order Postfix sends the attributes. */
    Map<String, String> request(SmtpStage stage, SmtpFacts facts, String etrnDomain) {
        Map<String, String> extra = facts.policyAttributes();
        Map<String, String> a = new LinkedHashMap<>();
        a.put("request", "smtpd_access_policy");
        a.put("protocol_state", protocolState(stage, facts));
        a.put("protocol_name", facts.protocol() == null ? "" : facts.protocol());
        a.put("helo_name", orEmpty(facts.heloName()));
        a.put("queue_id", extra.getOrDefault("queue_id", ""));
        a.put("sender", orEmpty(facts.sender()));
        a.put("recipient", orEmpty(facts.recipient()));
        a.put("recipient_count", stage == SmtpStage.DATA || stage == SmtpStage.END_OF_DATA
                ? Integer.toString(facts.recipientCount()) : "0");
        a.put("client_address", orEmpty(facts.clientAddress()));
        a.put("client_name", orEmpty(facts.clientName()));
        a.put("reverse_client_name", orEmpty(facts.reverseClientName()));
        a.put("instance", extra.getOrDefault("instance", ""));
        a.put("sasl_method", extra.getOrDefault("sasl_method", ""));
        a.put("sasl_username", orEmpty(facts.saslUsername()));
        a.put("sasl_sender", "");
        a.put("size", Long.toString(Math.max(0, facts.messageSize())));
        a.put("ccert_subject", "");
        a.put("ccert_issuer", "");
        a.put("ccert_fingerprint", "");
        a.put("ccert_pubkey_fingerprint", "");
        a.put("encryption_protocol", extra.getOrDefault("encryption_protocol", ""));
        a.put("encryption_cipher", extra.getOrDefault("encryption_cipher", ""));
        a.put("encryption_keysize", extra.getOrDefault("encryption_keysize", "0"));
        a.put("etrn_domain", orEmpty(etrnDomain));
        a.put("stress", "");
        a.put("server_address", extra.getOrDefault("server_address", ""));
        a.put("server_port", extra.getOrDefault("server_port", ""));
        a.put("client_port", Integer.toString(facts.clientPort()));
        a.put("compatibility_level", config.get("compatibility_level"));
        a.put("mail_version", config.get("mail_version"));
        return a;
    }

    private static String protocolState(SmtpStage stage, SmtpFacts facts) {
        return switch (stage) {
            case CONNECT -> "CONNECT";
            case HELO -> facts.protocol() != null && facts.protocol().startsWith("ESMTP") ? "EHLO" : "HELO";
            case MAIL -> "MAIL";
            case RCPT -> "RCPT";
            case DATA -> "DATA";
            case END_OF_DATA -> "END-OF-MESSAGE";
            case ETRN -> "ETRN";
        };
    }

    private static String orEmpty(String s) {
        return s == null ? "" : s;
    }

    @Override
    public void close() {
        clients.values().forEach(PolicyClient::close);
    }
}
