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
 *           in smtp_tls_policy_maps (lmtp_ likewise), with its attributes.
 * DESCRIPTION
 *   The policy table is looked up as Postfix's smtp(8) does: with the next-hop destination as
 *   the transport gives it ("[mx.example.com]:587", "example.com"), then, for a domain, with
 *   each parent domain written ".example.com". The first word of the entry is the level; the
 *   others are attributes: match= (names separated by ":" for verify and secure, fingerprints
 *   separated by "|" for fingerprint), protocols=, ciphers=, exclude=, servername=, tafile=,
 *   connection_reuse=, and Postern's wrappermode= (yes or no: this destination's
 *   smtp_tls_wrappermode). Every level is carried out ({@link EndpointTlsPolicy}).
 *   An unknown level or attribute defers that destination's mail (4.7.5) and says why, rather
 *   than sending it under a weaker policy than the administrator configured; other
 *   destinations are not affected.
 * SECURITY  Never weaker than configured: what is not understood defers.
 */
record TlsPolicy(ClientSettings.TlsLevel level, Attributes attributes, String unsupported) {

    /** DSN status of a delivery deferred because its TLS policy cannot be carried out. */
    static final String UNSUPPORTED_DSN = "4.7.5";

    /** A policy entry's attributes; empty ones leave main.cf's setting. */
    record Attributes(Optional<List<String>> match, Optional<String> protocols, Optional<String> ciphers,
                      Optional<List<String>> exclude, Optional<String> servername, Optional<List<String>> tafile,
                      Optional<Boolean> connectionReuse, Optional<Boolean> wrapperMode) {

        static final Attributes NONE = new Attributes(Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty());
    }

    TlsPolicy(ClientSettings.TlsLevel level, String unsupported) {
        this(level, Attributes.NONE, unsupported);
    }

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
        String name = words[0].toLowerCase(Locale.ROOT);
        ClientSettings.TlsLevel level = switch (name) {
            case "" -> empty;
            case "none" -> ClientSettings.TlsLevel.NONE;
            case "may" -> ClientSettings.TlsLevel.MAY;
            case "encrypt" -> ClientSettings.TlsLevel.ENCRYPT;
            case "dane" -> ClientSettings.TlsLevel.DANE;
            case "dane-only" -> ClientSettings.TlsLevel.DANE_ONLY;
            case "fingerprint" -> ClientSettings.TlsLevel.FINGERPRINT;
            case "verify" -> ClientSettings.TlsLevel.VERIFY;
            case "secure" -> ClientSettings.TlsLevel.SECURE;
            default -> null;
        };
        if (level == null) {
            return unsupported("unknown TLS security level " + LogText.printable(name));
        }
        Optional<List<String>> match = Optional.empty();
        Optional<String> protocols = Optional.empty();
        Optional<String> ciphers = Optional.empty();
        Optional<List<String>> exclude = Optional.empty();
        Optional<String> servername = Optional.empty();
        Optional<List<String>> tafile = Optional.empty();
        Optional<Boolean> reuse = Optional.empty();
        Optional<Boolean> wrapper = Optional.empty();
        for (int i = 1; i < words.length; i++) {
            int eq = words[i].indexOf('=');
            String attribute = (eq < 0 ? words[i] : words[i].substring(0, eq)).toLowerCase(Locale.ROOT);
            String v = eq < 0 ? "" : words[i].substring(eq + 1);
            switch (attribute) {
                case "match" -> match = Optional.of(List.of(v.split(level == ClientSettings.TlsLevel.FINGERPRINT
                        ? "\\|" : ":")));
                case "protocols" -> protocols = Optional.of(v.replace(':', ' '));
                case "ciphers" -> ciphers = Optional.of(v);
                case "exclude" -> exclude = Optional.of(List.of(v.split(":")));
                case "servername" -> servername = Optional.of(v);
                case "tafile" -> tafile = Optional.of(List.of(v.split(":")));
                case "connection_reuse", "wrappermode" -> {
                    Optional<Boolean> yes = yesNo(v);
                    if (yes.isEmpty()) {
                        return unsupported("TLS policy attribute " + attribute + ": bad value " + LogText.printable(v));
                    }
                    if (attribute.equals("wrappermode")) {
                        wrapper = yes;
                    } else {
                        reuse = yes;
                    }
                }
                default -> {
                    return unsupported("unknown TLS policy attribute " + LogText.printable(attribute));
                }
            }
        }
        return new TlsPolicy(level, new Attributes(match, protocols, ciphers, exclude, servername, tafile, reuse, wrapper),
                "");
    }

    private static Optional<Boolean> yesNo(String v) {
        return switch (v.toLowerCase(Locale.ROOT)) {
            case "yes", "true" -> Optional.of(true);
            case "no", "false" -> Optional.of(false);
            default -> Optional.empty();
        };
    }

    private static TlsPolicy unsupported(String why) {
        return new TlsPolicy(ClientSettings.TlsLevel.NONE, why);
    }
}
