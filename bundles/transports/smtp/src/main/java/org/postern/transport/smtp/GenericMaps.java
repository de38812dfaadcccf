// SPDX-License-Identifier: Apache-2.0
package org.postern.transport.smtp;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;

import org.postern.api.delivery.ServiceSettings;
import org.postern.api.dict.Dict;
import org.postern.api.dict.DictFlag;
import org.postern.api.dict.DictRegistry;
import org.postern.api.dict.LookupResult;
import org.postern.api.support.LogText;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * SUMMARY   generic(5) one-to-one address mapping for mail that leaves by SMTP or LMTP
 *           (smtp_generic_maps, lmtp_generic_maps).
 * DESCRIPTION
 *   Keys, each tried in every table of the list before the next key (generic(5) TABLE
 *   SEARCH ORDER): user+ext@domain, user@domain; then, only when domain is $myorigin or
 *   local ({@link LocalDomains}), user+ext and user; then @domain. Tables that match
 *   patterns (regexp, pcre) see only the whole address. The extension starts at the first
 *   character of the local part that is in recipient_delimiter.
 *   Results: the first value of a list (with a warning); "@otherdomain" keeps the user
 *   (without extension); a result without "@" gets "@$myorigin" (append_at_myorigin, as
 *   trivial-rewrite does in Postfix); an extension that the match did not include is put
 *   back only when propagate_unmatched_extensions lists "generic" (not by default).
 *   The null sender is never looked up. Mapping is not recursive.
 * CONFIGURATION PARAMETERS
 *   smtp_generic_maps / lmtp_generic_maps (default empty: no mapping), recipient_delimiter,
 *   propagate_unmatched_extensions, myorigin, append_at_myorigin (yes), and those of
 *   {@link LocalDomains}.
 * SECURITY  Addresses come from the queue and from message headers (untrusted); they are
 *   only used as lookup keys and logged through LogText.
 * BUGS      A table that fails (or no DictRegistry service) stops the mapping with
 *   {@link ClientTables.Failure}: the caller defers the delivery. append_dot_mydomain is not applied.
 * SEE ALSO  Postfix generic(5), postconf(5) smtp_generic_maps, ADDRESS_REWRITING_README.
 */
final class GenericMaps {

    private static final Logger LOG = LoggerFactory.getLogger("postern.smtp");

    /** No tables configured: every address stays as it is. */
    static final GenericMaps NONE = new GenericMaps("", List.of(), () -> null, null, "", false, "", false);

    private final String parameter;
    private final List<String> specs;
    private final Supplier<DictRegistry> registry;
    private final LocalDomains localDomains;
    private final String delimiters;
    private final boolean propagate;
    private final String myorigin;
    private final boolean appendAtMyorigin;

    private GenericMaps(String parameter, List<String> specs, Supplier<DictRegistry> registry, LocalDomains localDomains,
                        String delimiters, boolean propagate, String myorigin, boolean appendAtMyorigin) {
        this.parameter = parameter;
        this.specs = List.copyOf(specs);
        this.registry = registry;
        this.localDomains = localDomains;
        this.delimiters = delimiters;
        this.propagate = propagate;
        this.myorigin = myorigin;
        this.appendAtMyorigin = appendAtMyorigin;
    }

    /** The mapping of {@code smtp_generic_maps} or {@code lmtp_generic_maps} as this service sees it. */
    static GenericMaps of(Protocol protocol, ServiceSettings s, Supplier<DictRegistry> registry) {
        String parameter = ClientParameters.of(protocol).genericMaps.name();
        List<String> specs = s.list(ClientParameters.of(protocol).genericMaps);
        if (specs.isEmpty()) {
            return NONE;
        }
        String myorigin = s.get("myorigin", s.get("myhostname", "localhost")).strip();
        boolean propagate = s.list("propagate_unmatched_extensions").stream()
                .anyMatch(c -> c.equalsIgnoreCase("generic"));
        return new GenericMaps(parameter, specs, registry, LocalDomains.of(s, registry), s.get("recipient_delimiter", ""),
                propagate, myorigin, s.bool("append_at_myorigin", true));
    }

    boolean isEmpty() {
        return specs.isEmpty();
    }

    /** The address to use instead of {@code address} (internal form), or {@code address} itself. */
    String map(String address) throws ClientTables.Failure {
        if (specs.isEmpty() || address.isEmpty()) {
            return address;
        }
        List<Dict> tables = ClientTables.open(specs, registry)
                .orElseThrow(() -> failure(address, "(all tables)", "no table registry service"));
        int at = address.lastIndexOf('@');
        String local = at < 0 ? address : address.substring(0, at);
        String domain = at < 0 ? "" : address.substring(at + 1);
        String extension = extension(local);
        String user = local.substring(0, local.length() - extension.length());

        List<Key> keys = new ArrayList<>();
        keys.add(new Key(address, true, false));
        if (at >= 0) {
            if (!extension.isEmpty()) {
                keys.add(new Key(user + "@" + domain, false, true));
            }
            if (domain.equalsIgnoreCase(myorigin) || localDomains.isLocal(domain)) {
                if (!extension.isEmpty()) {
                    keys.add(new Key(local, false, false));
                }
                keys.add(new Key(user, false, !extension.isEmpty()));
            }
            keys.add(new Key("@" + domain, false, !extension.isEmpty()));
        }
        for (Key key : keys) {
            for (Dict table : tables) {
                if (!key.whole && table.flags().contains(DictFlag.PATTERN)) {
                    continue;           // regexp/pcre tables see the whole address only
                }
                LookupResult result = table.lookup(key.text);
                if (result.isFailure()) {
                    throw failure(address, table.spec(), ClientTables.reason(result));
                }
                if (result instanceof LookupResult.Found found) {
                    return result(address, found.value(), user, key.unmatchedExtension ? extension : "");
                }
            }
        }
        return address;
    }

    private String result(String address, String value, String user, String unmatchedExtension) {
        String first = value;
        int comma = value.indexOf(',');
        if (comma >= 0) {
            LOG.warn("warning: multi-valued {} result for {}", parameter, LogText.printable(address));
            first = value.substring(0, comma);
        }
        first = first.strip();
        if (first.startsWith("@")) {
            first = user + first;
        } else if (first.indexOf('@') < 0 && appendAtMyorigin && !first.isEmpty()) {
            first = first + "@" + myorigin;
        }
        if (propagate && !unmatchedExtension.isEmpty()) {
            int at = first.lastIndexOf('@');
            first = at < 0 ? first + unmatchedExtension : first.substring(0, at) + unmatchedExtension + first.substring(at);
        }
        return first;
    }

    /** "+foo" of "user+foo": from the first recipient_delimiter character on; empty without one. */
    private String extension(String local) {
        if (delimiters.isEmpty()) {
            return "";
        }
        for (int i = 1; i < local.length(); i++) {     // a local part that starts with "+" is not an extension
            if (delimiters.indexOf(local.charAt(i)) >= 0) {
                return local.substring(i);
            }
        }
        return "";
    }

    private ClientTables.Failure failure(String address, String spec, String reason) {
        LOG.warn("warning: {}: {} lookup error for \"{}\": {}", parameter, spec,
                LogText.printable(address.toLowerCase(Locale.ROOT)), LogText.printable(reason));
        return new ClientTables.Failure("table lookup failure");
    }

    /** One lookup key; {@code unmatchedExtension}: a match here leaves the extension out of the key. */
    private record Key(String text, boolean whole, boolean unmatchedExtension) {
    }
}
