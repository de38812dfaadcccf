// SPDX-License-Identifier: Apache-2.0
package org.postern.core.smtpd.restrict;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import org.postern.api.dict.Dict;
import org.postern.api.dict.DictFlag;
import org.postern.api.dict.DictRegistry;
import org.postern.api.support.LogText;
import org.postern.core.config.ConfigException;
import org.postern.core.config.PostfixLists;
import org.postern.core.smtpd.restrict.RestrictionName.Argument;

/**
 * SUMMARY   Turns the tokens of a restriction list into {@link Restriction} values, opening
 *           their tables; the names and their arguments come from {@link RestrictionName}.
 * DESCRIPTION
 *   A token with ':' (or a "{...}" group) is a bare table; then a built-in name (any case),
 *   with the argument its {@link Argument} asks for; then a smtpd_restriction_classes name
 *   (as written). Anything else, a missing or bad argument, and a name Postern does not
 *   implement yet are a {@link ConfigException} naming the parameter.
 * SECURITY  Reads the administrator's configuration and access-table results (a table value
 *           may hold a restriction list: there tables and policy services are refused).
 */
final class RestrictionParser {

    private final Set<String> classNames;
    private final DictRegistry dicts;
    private final PolicyClients policies;

    /**
     * @param classNames the smtpd_restriction_classes names
     * @param dicts      opens tables; null when tables are not allowed (access table results)
     * @param policies   the shared check_policy_service clients; null where policy services
     *                   are not allowed
     */
    RestrictionParser(Set<String> classNames, DictRegistry dicts, PolicyClients policies) {
        this.classNames = classNames;
        this.dicts = dicts;
        this.policies = policies;
    }

    /**
     * Parses one list.
     *
     * @param where the parameter (or "access table x") for error messages
     */
    List<Restriction> parse(String where, List<String> tokens) throws ConfigException {
        List<Restriction> out = new ArrayList<>();
        for (int i = 0; i < tokens.size(); i++) {
            String token = tokens.get(i);
            Optional<RestrictionName> builtin = RestrictionName.of(token);
            if (builtin.isPresent() && builtin.get().argument() == Argument.POLICY_SERVER) {
                if (i + 1 >= tokens.size() || policies == null) {
                    throw new ConfigException(where + ": restriction " + builtin.get().token() + " "
                            + (policies == null ? "is not allowed here"
                                    : "requires a server argument (inet:host:port or unix:/path)"));
                }
                String server = tokens.get(++i);
                out.add(new Restriction.PolicyService(server, policies.client(where, server)));
            } else if (token.startsWith("{") || token.indexOf(':') >= 0) {
                out.add(new Restriction.BareTable(token, open(where, token)));
            } else if (builtin.isPresent()) {
                RestrictionName name = builtin.get();
                String next = i + 1 < tokens.size() ? tokens.get(i + 1) : null;
                switch (name.argument()) {
                    case NONE -> out.add(Restriction.Builtin.plain(name));
                    case TABLE -> {
                        out.add(new Restriction.Builtin(name, tableSpec(where, name, next), open(where, next)));
                        i++;
                    }
                    case DNS_LIST -> {
                        out.add(new Restriction.Builtin(name, dnsList(where, name, next), null));
                        i++;
                    }
                    default -> throw new ConfigException(where + ": restriction \"" + name.token()
                            + "\" is not supported by Postern yet");
                }
            } else if (classNames.contains(token)) {
                out.add(new Restriction.ClassRef(token));
            } else {
                throw new ConfigException(where + ": unknown restriction \"" + LogText.printable(token) + "\"");
            }
        }
        return List.copyOf(out);
    }

    private static String tableSpec(String where, RestrictionName name, String next) throws ConfigException {
        if (next == null || next.indexOf(':') < 0) {
            throw new ConfigException(where + ": restriction " + name.token() + ": bad argument \""
                    + LogText.printable(next == null ? "" : next) + "\": need maptype:mapname");
        }
        return next;
    }

    /** "domain" or "domain=filter", checked; a restriction name where a domain belongs is refused. */
    private static String dnsList(String where, RestrictionName name, String arg) throws ConfigException {
        if (arg == null) {
            throw new ConfigException(where + ": restriction " + name.token() + " requires domain name argument");
        }
        int eq = arg.indexOf('=');
        String domain = eq < 0 ? arg : arg.substring(0, eq);
        Argument named = RestrictionName.of(arg).map(RestrictionName::argument).orElse(null);
        if (domain.isEmpty() || domain.indexOf(':') >= 0 || named == Argument.NONE || named == Argument.TABLE) {
            throw new ConfigException(where + ": restriction " + name.token() + " requires domain name argument, not \""
                    + LogText.printable(arg) + "\"");
        }
        if (eq >= 0) {
            String problem = DnsChecks.filterError(arg.substring(eq + 1));
            if (problem != null) {
                throw new ConfigException(where + ": restriction " + name.token() + " " + arg + ": " + problem);
            }
        }
        return arg;
    }

    private Dict open(String where, String token) throws ConfigException {
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
