// SPDX-License-Identifier: Apache-2.0
package org.postern.core.rewrite;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;

import org.postern.api.dict.Dict;
import org.postern.api.dict.DictFlag;
import org.postern.api.dict.DictRegistry;
import org.postern.api.dict.LookupResult;
import org.postern.api.support.IpAddresses;
import org.postern.api.support.LogText;
import org.postern.core.access.AccessKeys;
import org.postern.core.config.ConfigException;
import org.postern.core.config.PostfixLists;
import org.postern.core.net.NetworkList;

/**
 * SUMMARY   A Postfix host/domain pattern list (match_list: namadr_list for mynetworks,
 *           domain_list for mydestination, relay_domains, virtual_*_domains).
 * DESCRIPTION
 *   Patterns are tried in order, the first match decides; "!pattern" turns a match into a
 *   non-match. A pattern is a domain ("example.com"; with parent-style matching, named in
 *   parent_domain_matches_subdomains, it also matches subdomains), ".example.com" (subdomains
 *   only), a "type:table" (the name and its parent domains are looked up; the value is
 *   ignored; for addresses only the address), "/file/name" (its words are patterns), and, in
 *   address lists, an address or net/mask: 192.0.2.1, 192.0.2.0/24, [2001:db8::]/32, [::1].
 * SECURITY  Names and addresses come from the network; the patterns from main.cf.
 * BUGS      The "host.example.com" form in an address list (mynetworks) matches the verified
 *           client name only, as in Postfix; no DNS lookups are made for it.
 * SEE ALSO  Postfix match_list(3), postconf(5) mynetworks, parent_domain_matches_subdomains.
 */
public final class HostList {

    private sealed interface Pattern permits NamePattern, NetPattern, TablePattern {
    }

    private record NamePattern(String pattern) implements Pattern {
    }

    private record NetPattern(NetworkList.Net net) implements Pattern {
    }

    private record TablePattern(Dict table) implements Pattern {
    }

    private record Entry(boolean negated, Pattern pattern) {
    }

    private final List<Entry> entries;
    private final boolean parentStyle;

    private HostList(List<Entry> entries, boolean parentStyle) {
        this.entries = entries;
        this.parentStyle = parentStyle;
    }

    /**
     * Parses {@code parameter}'s value.
     *
     * @param withAddresses true for address lists (mynetworks): address and net/mask patterns
     */
    public static HostList parse(String parameter, List<String> tokens, DictRegistry dicts, boolean parentStyle,
            boolean withAddresses) throws ConfigException {
        List<Entry> entries = new ArrayList<>();
        add(parameter, tokens, dicts, withAddresses, entries, 0);
        return new HostList(List.copyOf(entries), parentStyle);
    }

    public static HostList empty() {
        return new HostList(List.of(), false);
    }

    public boolean isEmpty() {
        return entries.isEmpty();
    }

    private static void add(String parameter, List<String> tokens, DictRegistry dicts, boolean withAddresses,
            List<Entry> out, int depth) throws ConfigException {
        for (String raw : tokens) {
            PostfixLists.ListEntry entry = PostfixLists.ListEntry.parse(parameter, raw);
            String token = entry.pattern();
            boolean negated = entry.negated();
            if (token.startsWith("/")) {
                if (depth > 10) {
                    throw new ConfigException(parameter + ": file includes nested too deeply: " + token);
                }
                List<String> words = PostfixLists.fileWords(parameter, token);
                if (negated) {
                    throw new ConfigException(parameter + ": \"!\" before a file name is not supported: " + token);
                }
                add(parameter, words, dicts, withAddresses, out, depth + 1);
                continue;
            }
            if (token.indexOf(':') > 0 && !looksLikeAddress(token)) {
                String spec = PostfixLists.isGroup(token) ? PostfixLists.stripBraces(token) : token;
                out.add(new Entry(negated, new TablePattern(dicts.open(spec, EnumSet.of(DictFlag.FOLD_CASE)))));
                continue;
            }
            if (withAddresses) {
                NetworkList.Net net = NetworkList.Net.parse(token);
                if (net != null) {
                    out.add(new Entry(negated, new NetPattern(net)));
                    continue;
                }
                if (token.startsWith("[") || token.indexOf('/') >= 0) {
                    throw new ConfigException(parameter + ": bad net/mask pattern: \"" + LogText.printable(token) + "\"");
                }
            }
            out.add(new Entry(negated, new NamePattern(token.toLowerCase(Locale.ROOT))));
        }
    }

    private static boolean looksLikeAddress(String token) {
        String t = token.startsWith("[") ? token.substring(1) : token;
        int slash = t.indexOf('/');
        if (slash >= 0) {
            t = t.substring(0, slash);
        }
        if (t.endsWith("]")) {
            t = t.substring(0, t.length() - 1);
        }
        return IpAddresses.parse(t) != null;
    }

    /**
     * First match decides.
     *
     * @param name    a host or domain name, or null
     * @param address a client address in canonical form, or null
     * @throws LookupFailure when a table in the list does not answer
     */
    public boolean matches(String name, String address) throws LookupFailure {
        String lowerName = name == null ? null : name.toLowerCase(Locale.ROOT);
        byte[] addressBytes = address == null ? null : IpAddresses.parse(address);
        for (Entry e : entries) {
            if (matchOne(e.pattern(), lowerName, address, addressBytes)) {
                return !e.negated();
            }
        }
        return false;
    }

    private boolean matchOne(Pattern p, String name, String address, byte[] addressBytes) throws LookupFailure {
        if (p instanceof NamePattern np) {
            if (name == null || name.isEmpty()) {
                return false;
            }
            String pat = np.pattern();
            if (pat.startsWith(".")) {
                return name.endsWith(pat) && name.length() > pat.length();
            }
            return name.equals(pat) || (parentStyle && name.endsWith("." + pat));
        }
        if (p instanceof NetPattern net) {
            return addressBytes != null && net.net().contains(addressBytes);
        }
        TablePattern tp = (TablePattern) p;
        if (name != null && !name.isEmpty()) {
            for (String key : AccessKeys.forHostName(name, parentStyle, tp.table().flags())) {
                if (found(tp.table(), key)) {
                    return true;
                }
            }
        }
        return address != null && found(tp.table(), address);
    }

    private static boolean found(Dict table, String key) throws LookupFailure {
        LookupResult r = table.lookup(key);
        if (r instanceof LookupResult.Found) {
            return true;
        }
        if (r instanceof LookupResult.TemporaryFailure t) {
            throw new LookupFailure(true, table.spec() + ": " + t.reason());
        }
        if (r instanceof LookupResult.ConfigurationError c) {
            throw new LookupFailure(false, table.spec() + ": " + c.reason());
        }
        return false;
    }
}
