// SPDX-License-Identifier: Apache-2.0
package org.postern.transport.smtp;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Supplier;

import org.postern.api.dict.Dict;
import org.postern.api.dict.DictFlag;
import org.postern.api.dict.DictRegistry;
import org.postern.api.dict.LookupResult;
import org.postern.api.support.IpAddresses;
import org.postern.api.support.LogText;

/**
 * SUMMARY   smtp_requiretls_policy (lmtp_requiretls_policy): how a message that asked for
 *           REQUIRETLS is sent to one next-hop destination (Postfix 3.11 and later).
 * DESCRIPTION
 *   The policy is a list of actions and type:table lookups, tried in order for the next-hop
 *   name without [ ], :service or :port (myhostname for an LMTP UNIX-domain socket). The first
 *   action reached wins. A table is asked for the name, then, unless it is a pattern table
 *   (regexp, pcre, cidr, socketmap) or the name is an address, for each parent domain written
 *   ".parent"; its answer must be one action, never a table or a list. When nothing matches,
 *   the action is enforce, as in Postfix 3.11's released code and REQUIRETLS_README.
 *   Actions ({@link Action}): enforce, opportunistic+starttls, opportunistic, disable.
 *   An unknown action, a table that does not answer, or a nested or composite answer is an
 *   error: the delivery is deferred with the reason logged (Postfix ignores the rest of the
 *   policy too), never carried out under a weaker action than the administrator wrote.
 * SECURITY  Table answers are untrusted text: logged through LogText.
 * SEE ALSO  Postfix postconf(5) smtp_requiretls_policy, REQUIRETLS_README.
 */
final class RequireTlsPolicy {

    /** What a REQUIRETLS message asks of the connection, strongest first. */
    enum Action {
        /**
         * RFC 8689 section 4.2 in full: TLS authenticated by the TLS policy (DANE, MTA-STS
         * enforce, verify, secure, fingerprint) to a server that offers REQUIRETLS; otherwise the
         * host is skipped, and without a host the message is returned (5.7.10).
         */
        ENFORCE("enforce"),
        /**
         * TLS is required (a host without STARTTLS is skipped, without a host the message is
         * returned); REQUIRETLS is sent where offered, otherwise the message goes without it.
         */
        OPPORTUNISTIC_STARTTLS("opportunistic+starttls"),
        /** The TLS policy as configured; REQUIRETLS is sent where the TLS session offers it. */
        OPPORTUNISTIC("opportunistic"),
        /** REQUIRETLS is never sent (a server whose support is broken). */
        DISABLE("disable");

        private final String word;

        Action(String word) {
            this.word = word;
        }

        String word() {
            return word;
        }

        /** Whether a host without STARTTLS is skipped. */
        boolean requiresTls() {
            return this == ENFORCE || this == OPPORTUNISTIC_STARTTLS;
        }

        /** Whether REQUIRETLS goes on MAIL FROM when the TLS session offers it. */
        boolean requests() {
            return this != DISABLE;
        }

        static Optional<Action> of(String word) {
            String w = word.toLowerCase(Locale.ROOT);
            for (Action a : values()) {
                if (a.word.equals(w)) {
                    return Optional.of(a);
                }
            }
            return Optional.empty();
        }
    }

    private RequireTlsPolicy() {
    }

    /**
     * The action for {@code nexthopName}.
     *
     * @param policy the parameter's value, not yet split
     * @throws ClientTables.Failure an unknown action, a table that did not answer, or a table
     *                              answer that is not one action
     */
    static Action evaluate(String policy, String nexthopName, Supplier<DictRegistry> registry)
            throws ClientTables.Failure {
        List<String> items;
        try {
            items = split(policy);
        } catch (IllegalArgumentException e) {
            throw new ClientTables.Failure("malformed REQUIRETLS policy: " + e.getMessage());
        }
        String name = nexthopName.toLowerCase(Locale.ROOT);
        for (String item : items) {
            Optional<Action> action = Action.of(item);
            if (action.isPresent()) {
                return action.get();
            }
            if (item.indexOf(':') < 0) {
                throw new ClientTables.Failure("unknown REQUIRETLS policy action: " + LogText.printable(item));
            }
            Optional<Action> found = lookup(item, name, registry);
            if (found.isPresent()) {
                return found.get();
            }
        }
        return Action.ENFORCE;
    }

    private static Optional<Action> lookup(String spec, String name, Supplier<DictRegistry> registry)
            throws ClientTables.Failure {
        Optional<List<Dict>> tables = ClientTables.open(List.of(spec), registry);
        if (tables.isEmpty()) {
            throw new ClientTables.Failure("REQUIRETLS policy lookup: no table service");
        }
        Dict table = tables.get().get(0);
        for (String key : keys(name, table.flags().contains(DictFlag.PATTERN))) {
            LookupResult result = table.lookup(key);
            if (result instanceof LookupResult.Found found) {
                String value = found.value().strip();
                if (value.indexOf(':') >= 0 || value.split("[\\s,]+").length != 1) {
                    throw new ClientTables.Failure("table " + LogText.printable(spec) + ": lookup result \""
                            + LogText.printable(value) + "\" is not one REQUIRETLS policy action");
                }
                return Optional.of(Action.of(value).orElseThrow(() -> new ClientTables.Failure(
                        "unknown REQUIRETLS policy action: " + LogText.printable(value))));
            }
            if (!(result instanceof LookupResult.NotFound)) {
                throw new ClientTables.Failure("REQUIRETLS policy lookup for " + LogText.printable(key) + " in "
                        + LogText.printable(spec) + ": " + ClientTables.reason(result));
            }
        }
        return Optional.empty();
    }

    /** The name, then ".parent" for each parent domain (not for a pattern table or an address). */
    static List<String> keys(String name, boolean pattern) {
        List<String> keys = new ArrayList<>(List.of(name));
        if (!pattern && IpAddresses.parse(name) == null) {
            for (int dot = name.indexOf('.', 1); dot >= 0; dot = name.indexOf('.', dot + 1)) {
                keys.add(name.substring(dot));
            }
        }
        return keys;
    }

    /**
     * Splits at commas and whitespace, keeping "{...}" groups (inline:{...}, cidr:{...}) whole.
     *
     * @throws IllegalArgumentException on unbalanced braces
     */
    static List<String> split(String text) {
        List<String> items = new ArrayList<>();
        StringBuilder item = new StringBuilder();
        int depth = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '{') {
                depth++;
            } else if (c == '}' && --depth < 0) {
                throw new IllegalArgumentException("unexpected '}'");
            }
            if (depth == 0 && (c == ',' || Character.isWhitespace(c))) {
                if (!item.isEmpty()) {
                    items.add(item.toString());
                    item.setLength(0);
                }
            } else {
                item.append(c);
            }
        }
        if (depth != 0) {
            throw new IllegalArgumentException("missing '}'");
        }
        if (!item.isEmpty()) {
            items.add(item.toString());
        }
        return items;
    }
}
