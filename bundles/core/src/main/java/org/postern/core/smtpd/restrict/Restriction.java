// SPDX-License-Identifier: Apache-2.0
package org.postern.core.smtpd.restrict;

import org.postern.core.smtpd.policy.PolicyClient;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import org.postern.api.dict.Dict;
import org.postern.api.dict.DictFlag;
import org.postern.api.dict.DictRegistry;
import org.postern.api.support.LogText;
import org.postern.core.config.ConfigException;
import org.postern.core.config.PostfixLists;

/**
 * One parsed element of a restriction list: a built-in restriction (name lower-cased, with
 * its table or DNS-list argument), a restriction class (name as written), or a bare
 * "type:table" that means the list's own check_*_access.
 */
record Restriction(Kind kind, String name, String argument, Dict table, PolicyClient policy) {

    enum Kind { BUILTIN, CLASS, BARE_TABLE }

    /** Restrictions without an argument. */
    static final Set<String> SIMPLE = Set.of(
            "permit", "reject", "defer", "defer_if_permit", "defer_if_reject", "dunno", "warn_if_reject",
            "reject_unauth_pipelining", "permit_mynetworks", "permit_inet_interfaces", "permit_sasl_authenticated",
            "reject_unknown_client_hostname", "reject_unknown_client", "reject_unknown_reverse_client_hostname",
            "reject_invalid_helo_hostname", "reject_invalid_hostname", "reject_unknown_helo_hostname",
            "reject_unknown_hostname", "reject_non_fqdn_helo_hostname", "reject_non_fqdn_hostname",
            "reject_non_fqdn_sender", "reject_unknown_sender_domain", "reject_unknown_address", "reject_unlisted_sender",
            "reject_non_fqdn_recipient", "reject_unknown_recipient_domain", "reject_unlisted_recipient",
            "check_recipient_maps", "permit_auth_destination", "reject_unauth_destination", "defer_unauth_destination",
            "reject_multi_recipient_bounce",
            // Accepted, never permit (see RestrictionChecks BUGS).
            "permit_tls_clientcerts", "permit_tls_all_clientcerts", "permit_mx_backup");

    /** Restrictions that take a DNS list domain, optionally with "=d.d.d.d". */
    static final Set<String> DNS_LIST = Set.of(
            "reject_rbl_client", "reject_rbl", "permit_dnswl_client", "reject_rhsbl_client", "permit_rhswl_client",
            "reject_rhsbl_reverse_client", "reject_rhsbl_helo", "reject_rhsbl_sender", "reject_rhsbl_recipient");

    /** Restrictions that take a table. */
    static final Set<String> TABLE = Set.of(
            "check_client_access", "check_reverse_client_hostname_access", "check_helo_access", "check_sender_access",
            "check_recipient_access", "check_etrn_access");

    /** Postfix restrictions Postern does not implement yet: refused at load time. */
    static final Set<String> UNSUPPORTED = Set.of(
            "reject_unverified_sender", "reject_unverified_recipient", "check_ccert_access",
            "check_sasl_access", "reject_sender_login_mismatch", "reject_authenticated_sender_login_mismatch",
            "reject_known_sender_login_mismatch", "reject_unauthenticated_sender_login_mismatch",
            "check_client_ns_access", "check_client_mx_access", "check_client_a_access",
            "check_reverse_client_hostname_ns_access", "check_reverse_client_hostname_mx_access",
            "check_reverse_client_hostname_a_access", "check_helo_ns_access", "check_helo_mx_access",
            "check_helo_a_access", "check_sender_ns_access", "check_sender_mx_access", "check_sender_a_access",
            "check_recipient_ns_access", "check_recipient_mx_access", "check_recipient_a_access",
            "reject_plaintext_session", "sleep", "check_relay_domains", "reject_maps_rbl", "permit_naked_ip_address");

    /**
     * Parses a restriction list.
     *
     * @param where      the parameter (or "access table x") for error messages
     * @param classNames the smtpd_restriction_classes names
     * @param dicts      opens tables; null when tables are not allowed (access table results)
     */
    static List<Restriction> parseList(String where, List<String> tokens, Set<String> classNames, DictRegistry dicts)
            throws ConfigException {
        return parseList(where, tokens, classNames, dicts, null);
    }

    /**
     * As above; {@code policies} gives the shared client of a check_policy_service endpoint
     * (null where policy services are not allowed).
     */
    static List<Restriction> parseList(String where, List<String> tokens, Set<String> classNames, DictRegistry dicts,
            PolicyClients policies) throws ConfigException {
        List<Restriction> out = new ArrayList<>();
        for (int i = 0; i < tokens.size(); i++) {
            String token = tokens.get(i);
            String lower = token.toLowerCase(Locale.ROOT);
            if (lower.equals("check_policy_service")) {
                if (i + 1 >= tokens.size() || policies == null) {
                    throw new ConfigException(where + ": restriction check_policy_service "
                            + (policies == null ? "is not allowed here" : "requires a server argument (inet:host:port or unix:/path)"));
                }
                String server = tokens.get(++i);
                out.add(new Restriction(Kind.BUILTIN, lower, server, null, policies.client(where, server)));
            } else if (token.startsWith("{") || token.indexOf(':') >= 0) {
                out.add(new Restriction(Kind.BARE_TABLE, "", token, open(where, token, dicts), null));
            } else if (SIMPLE.contains(lower)) {
                out.add(new Restriction(Kind.BUILTIN, lower, null, null, null));
            } else if (TABLE.contains(lower)) {
                if (i + 1 >= tokens.size() || tokens.get(i + 1).indexOf(':') < 0) {
                    String bad = i + 1 < tokens.size() ? tokens.get(i + 1) : "";
                    throw new ConfigException(where + ": restriction " + lower + ": bad argument \""
                            + LogText.printable(bad) + "\": need maptype:mapname");
                }
                String spec = tokens.get(++i);
                out.add(new Restriction(Kind.BUILTIN, lower, spec, open(where, spec, dicts), null));
            } else if (DNS_LIST.contains(lower)) {
                if (i + 1 >= tokens.size()) {
                    throw new ConfigException(where + ": restriction " + lower + " requires domain name argument");
                }
                String arg = tokens.get(++i);
                int eq = arg.indexOf('=');
                String domain = eq < 0 ? arg : arg.substring(0, eq);
                if (domain.isEmpty() || domain.indexOf(':') >= 0 || SIMPLE.contains(arg.toLowerCase(Locale.ROOT))
                        || TABLE.contains(arg.toLowerCase(Locale.ROOT))) {
                    throw new ConfigException(where + ": restriction " + lower + " requires domain name argument, not \""
                            + LogText.printable(arg) + "\"");
                }
                if (eq >= 0) {
                    String problem = DnsChecks.filterError(arg.substring(eq + 1));
                    if (problem != null) {
                        throw new ConfigException(where + ": restriction " + lower + " " + arg + ": " + problem);
                    }
                }
                out.add(new Restriction(Kind.BUILTIN, lower, arg, null, null));
            } else if (UNSUPPORTED.contains(lower)) {
                throw new ConfigException(where + ": restriction \"" + lower + "\" is not supported by Postern yet");
            } else if (classNames.contains(token)) {
                out.add(new Restriction(Kind.CLASS, token, null, null, null));
            } else {
                throw new ConfigException(where + ": unknown restriction \"" + LogText.printable(token) + "\"");
            }
        }
        return List.copyOf(out);
    }

    private static Dict open(String where, String token, DictRegistry dicts) throws ConfigException {
        if (dicts == null) {
            throw new ConfigException(where + ": a lookup table is not allowed here: " + LogText.printable(token));
        }
        String spec = token;
        if (PostfixLists.isGroup(token)) {
            try {
                List<String> inner = PostfixLists.split(PostfixLists.stripBraces(token));
                spec = inner.isEmpty() ? "" : inner.get(0);
            } catch (IllegalArgumentException e) {
                throw new ConfigException(where + ": " + e.getMessage());
            }
        }
        int colon = spec.indexOf(':');
        if (colon <= 0) {
            throw new ConfigException(where + ": bad table \"" + LogText.printable(token) + "\": need maptype:mapname");
        }
        return dicts.open(spec, EnumSet.of(DictFlag.FOLD_CASE));
    }
}
