// SPDX-License-Identifier: Apache-2.0
package org.postern.maps.ldap;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.UnaryOperator;

import com.unboundid.ldap.sdk.DN;
import com.unboundid.ldap.sdk.DereferencePolicy;
import com.unboundid.ldap.sdk.Filter;
import com.unboundid.ldap.sdk.LDAPException;
import com.unboundid.ldap.sdk.SearchScope;
import com.unboundid.util.ssl.SSLUtil;

import org.postern.api.dict.DictContext;
import org.postern.api.dict.DictException;
import org.postern.api.support.DomainFilter;
import org.postern.api.support.LogText;
import org.postern.api.support.QueryTemplate;
import org.postern.api.support.TableConfig;

/**
 * SUMMARY   The parameters of an ldap: table, read once at open and checked.
 * DESCRIPTION
 *   Every ldap_table(5) parameter with Postfix's default. search_base and query_filter take
 *   %s %u %d %1..%9 and Postern's %l (the key's domain as dc= components); a filter without
 *   outer parentheses gets them. Attribute lists are split on commas and spaces.
 *   Unknown parameters are reported through {@link DictContext#warn}, naming the file.
 *   Obsolete or ignored ones (cache, cache_expiry, cache_size, debuglevel,
 *   tls_random_file, tls_cipher_suite, sasl_*) are accepted; version = 2 is accepted with
 *   a warning, as the UnboundID SDK speaks LDAPv3 only (so does Postern when version is unset,
 *   Postfix's default being 2). bind = sasl is refused: SASL binds are not supported.
 * SECURITY  bind_pw is never put into a message.
 * CONFIGURATION PARAMETERS
 *   server_host (localhost), server_port (389), timeout (10), search_base (""),
 *   query_filter (mailacceptinggeneralid=%s), result_attribute (maildrop),
 *   special_result_attribute, terminal_result_attribute, leaf_result_attribute,
 *   result_format (%s; result_filter is the old name), domain, scope (sub), bind (yes),
 *   bind_dn, bind_pw, recursion_limit (1000), expansion_limit (0), size_limit
 *   (expansion_limit), dereference (0), chase_referrals (no), version (2, spoken as 3),
 *   start_tls (no), tls_* (see {@link LdapTls}).
 */
record LdapSettings(
        String source,
        LdapServers servers,
        int timeoutSeconds,
        QueryTemplate searchBase,
        QueryTemplate queryFilter,
        SearchScope scope,
        DereferencePolicy dereference,
        ResultAttributes attributes,
        QueryTemplate resultFormat,
        DomainFilter domain,
        String bindDn,
        String bindPassword,
        boolean startTls,
        boolean requireCert,
        SSLUtil tls,
        boolean chaseReferrals,
        int sizeLimit,
        int expansionLimit,
        int recursionLimit) {

    /** The four attribute lists that decide what an entry contributes (see {@link EntryExpansion}). */
    record ResultAttributes(List<String> result, List<String> special, List<String> terminal, List<String> leaf) {
        /** Everything a search asks for. */
        String[] requested() {
            List<String> all = new ArrayList<>(terminal);
            all.addAll(leaf);
            all.addAll(result);
            all.addAll(special);
            return all.stream().distinct().toArray(String[]::new);
        }
    }

    static final Set<String> KNOWN = Set.of(
            "server_host", "server_port", "timeout", "search_base", "query_filter", "result_format",
            "result_filter", "domain", "result_attribute", "special_result_attribute",
            "terminal_result_attribute", "leaf_result_attribute", "scope", "bind", "bind_dn", "bind_pw",
            "cache", "cache_expiry", "cache_size", "recursion_limit", "expansion_limit", "size_limit",
            "dereference", "chase_referrals", "version", "debuglevel", "sasl_mechs", "sasl_realm",
            "sasl_authz_id", "sasl_minssf", "start_tls", "tls_ca_cert_dir", "tls_ca_cert_file", "tls_cert",
            "tls_key", "tls_require_cert", "tls_random_file", "tls_cipher_suite");

    static LdapSettings read(TableConfig config, DictContext context) throws DictException {
        warnAboutIgnored(config, context);
        LdapServers servers = LdapServers.read(config);
        int timeout = config.integer("timeout", 10, 1);
        QueryTemplate base = template(config, "search_base", "");
        QueryTemplate filter = template(config, "query_filter", "mailacceptinggeneralid=%s");
        checkExpansion(config, "search_base", base, LdapQuoting::dnValue, DN::new);
        checkExpansion(config, "query_filter", filter, LdapQuoting::filterValue, Filter::create);
        String format = config.string("result_format", config.string("result_filter", "%s"));
        QueryTemplate resultFormat;
        try {
            resultFormat = QueryTemplate.resultFormat(format);
        } catch (IllegalArgumentException e) {
            throw config.error(config.has("result_format") ? "result_format" : "result_filter", e.getMessage());
        }
        ResultAttributes attributes = new ResultAttributes(
                config.has("result_attribute") ? config.list("result_attribute") : List.of("maildrop"),
                config.list("special_result_attribute"), config.list("terminal_result_attribute"),
                config.list("leaf_result_attribute"));
        String bind = config.choice("bind", "yes", "yes", "no", "sasl", "true", "false", "1", "0");
        if (bind.equals("sasl")) {
            throw config.error("bind", "SASL binds are not supported; use bind = yes with bind_dn and bind_pw (over TLS)");
        }
        boolean simpleBind = config.bool("bind", true);
        String bindDn = simpleBind ? config.string("bind_dn", "") : "";
        if (!bindDn.isEmpty() && !DN.isValidDN(bindDn)) {
            throw config.error("bind_dn", "not a valid DN: " + LogText.printable(bindDn));
        }
        boolean startTls = config.bool("start_tls", false);
        if (startTls && servers.anyLdaps()) {
            throw config.error("start_tls", "cannot be combined with ldaps:// servers (they use TLS already)");
        }
        int expansionLimit = config.integer("expansion_limit", 0, 0);
        return new LdapSettings(config.source(), servers, timeout, base, filter, scope(config),
                dereference(config), attributes, resultFormat, DomainFilter.from(config, context), bindDn,
                simpleBind ? config.string("bind_pw", "") : "", startTls, LdapTls.requireCert(config),
                startTls || servers.anyLdaps() ? LdapTls.sslUtil(config) : null,
                config.bool("chase_referrals", false), config.integer("size_limit", expansionLimit, 0),
                expansionLimit, config.integer("recursion_limit", 1000, 1));
    }

    private static void warnAboutIgnored(TableConfig config, DictContext context) throws DictException {
        config.warnUnknown(KNOWN, context,
                name -> config.source() + ": unknown ldap parameter \"" + LogText.printable(name) + "\": ignored");
        int version = config.integer("version", 3, 2);
        if (version > 3) {
            throw config.error("version", "LDAP version " + version + " does not exist (use 3)");
        }
        if (version == 2) {
            context.warn(config.source() + ": version = 2: LDAPv2 is not supported, using LDAPv3");
        }
        for (String name : List.of("tls_cipher_suite", "tls_random_file", "cache", "cache_expiry", "cache_size")) {
            if (config.has(name)) {
                context.warn(config.source() + ": " + name + " is not supported and ignored");
            }
        }
    }

    private static QueryTemplate template(TableConfig config, String name, String defaultValue) throws DictException {
        String text = config.string(name, defaultValue);
        if (name.equals("query_filter") && !text.startsWith("(")) {
            text = "(" + text + ")";
        }
        try {
            return QueryTemplate.parse(text, QueryTemplate.Use.QUERY, "l");
        } catch (IllegalArgumentException e) {
            throw config.error(name, e.getMessage());
        }
    }

    /** Rejects templates that cannot give a valid DN or filter, by expanding a sample key. */
    private static void checkExpansion(TableConfig config, String name, QueryTemplate template,
            UnaryOperator<String> quote, Parser parser) throws DictException {
        Optional<String> sample = template.expandQuery("user@mail.example.com", quote);
        if (sample.isEmpty()) {
            return;
        }
        try {
            parser.parse(sample.get());
        } catch (LDAPException e) {
            throw config.error(name, "invalid: " + LogText.printable(template.template()) + ": " + e.getMessage());
        }
    }

    @FunctionalInterface
    private interface Parser {
        Object parse(String text) throws LDAPException;
    }

    private static SearchScope scope(TableConfig config) throws DictException {
        return switch (config.choice("scope", "sub", "sub", "base", "one")) {
            case "base" -> SearchScope.BASE;
            case "one" -> SearchScope.ONE;
            default -> SearchScope.SUB;
        };
    }

    /** 0 never, 1 when searching, 2 when finding the base, 3 always (RFC 4511 derefAliases). */
    private static DereferencePolicy dereference(TableConfig config) throws DictException {
        int value = config.integer("dereference", 0, 0);
        if (value > 3) {
            throw config.error("dereference", "bad value " + value + " (expected 0, 1, 2 or 3)");
        }
        return DereferencePolicy.valueOf(value);
    }

    /** Whether the table logs in with a DN and password; otherwise it searches anonymously. */
    boolean binds() {
        return !bindDn.isEmpty();
    }

    @Override
    public String toString() {
        return "ldap:" + source + " (" + servers + ")";   // no password here
    }
}
