// SPDX-License-Identifier: Apache-2.0
package org.postern.transport.smtp;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Supplier;

import org.postern.api.dict.Dict;
import org.postern.api.dict.DictRegistry;
import org.postern.api.dict.LookupResult;
import org.postern.api.support.LogText;

/**
 * SUMMARY   The TLS policy of one delivery: smtp_tls_security_level, or the destination's entry
 *           in smtp_tls_policy_maps (lmtp_ likewise).
 * DESCRIPTION
 *   The policy table is looked up as Postfix's smtp(8) does: with the next-hop destination as
 *   the transport gives it ("[mx.example.com]:587", "example.com"), then, for a domain, with
 *   each parent domain written ".example.com". The first word of the entry is the level; the
 *   others are attributes (match=, ciphers=, protocols= ...).
 *   Levels none, may, encrypt, verify, dane and dane-only are carried out per endpoint
 *   ({@link EndpointTlsPolicy}), secure as verify. fingerprint, and any attribute, are not
 *   implemented yet: such a policy defers the mail (4.7.5) and says why, rather than sending
 *   it under a weaker policy than the administrator configured.
 * SECURITY  Never weaker than configured: what is not understood defers.
 */
record TlsPolicy(ClientSettings.TlsLevel level, String unsupported) {

    /** DSN status of a delivery deferred because its TLS policy cannot be carried out. */
    static final String UNSUPPORTED_DSN = "4.7.5";

    boolean supported() {
        return unsupported.isEmpty();
    }

    /**
     * The policy for {@code destination}: its policy table entry, else {@code configured}.
     *
     * @throws ClientTables.Failure a policy table did not answer
     */
    static TlsPolicy forDestination(List<String> policyMaps, String destination, Supplier<DictRegistry> registry,
                                    TlsPolicy configured) throws ClientTables.Failure {
        if (policyMaps.isEmpty()) {
            return configured;
        }
        Optional<List<Dict>> tables = ClientTables.open(policyMaps, registry);
        if (tables.isEmpty()) {
            throw new ClientTables.Failure("TLS policy lookup: no table service");
        }
        for (String key : keys(destination)) {
            for (Dict table : tables.get()) {
                LookupResult result = table.lookup(key);
                if (result instanceof LookupResult.Found found) {
                    return parse(found.value(), configured.level());
                }
                if (!(result instanceof LookupResult.NotFound)) {
                    throw new ClientTables.Failure("TLS policy lookup for " + LogText.printable(key) + ": "
                            + ClientTables.reason(result));
                }
            }
        }
        return configured;
    }

    /** The destination itself, then for a domain ".parent" for each parent domain. */
    static List<String> keys(String destination) {
        String d = destination.strip().toLowerCase(Locale.ROOT);
        List<String> keys = new ArrayList<>(List.of(d));
        if (!d.startsWith("[") && d.indexOf(':') < 0) {
            for (int dot = d.indexOf('.'); dot >= 0; dot = d.indexOf('.', dot + 1)) {
                keys.add(d.substring(dot));
            }
        }
        return keys;
    }

    /** A level, possibly followed by attributes; {@code empty} for an empty value. */
    static TlsPolicy parse(String value, ClientSettings.TlsLevel empty) {
        String[] words = value.strip().split("[\\s,]+");
        String level = words[0].toLowerCase(Locale.ROOT);
        if (words.length > 1) {
            return unsupported("TLS policy attribute " + LogText.printable(words[1]) + " is not implemented yet");
        }
        return switch (level) {
            case "" -> new TlsPolicy(empty, "");
            case "none" -> new TlsPolicy(ClientSettings.TlsLevel.NONE, "");
            case "may" -> new TlsPolicy(ClientSettings.TlsLevel.MAY, "");
            case "dane" -> new TlsPolicy(ClientSettings.TlsLevel.DANE, "");
            case "dane-only" -> new TlsPolicy(ClientSettings.TlsLevel.DANE_ONLY, "");
            case "encrypt" -> new TlsPolicy(ClientSettings.TlsLevel.ENCRYPT, "");
            case "verify", "secure" -> new TlsPolicy(ClientSettings.TlsLevel.VERIFY, "");
            case "fingerprint" -> unsupported("TLS security level " + level + " is not implemented yet");
            default -> unsupported("unknown TLS security level " + LogText.printable(level));
        };
    }

    private static TlsPolicy unsupported(String why) {
        return new TlsPolicy(ClientSettings.TlsLevel.NONE, why);
    }
}
