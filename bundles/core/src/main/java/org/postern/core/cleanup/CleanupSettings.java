// SPDX-License-Identifier: Apache-2.0
package org.postern.core.cleanup;

import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import org.postern.api.dict.DictRegistry;
import org.postern.core.config.ConfigException;
import org.postern.core.config.PostfixConfig;
import org.postern.core.config.PostfixLists;
import org.postern.core.net.NetworkList;

/**
 * SUMMARY   The parameters cleanup reads, resolved once per service, with its tables opened.
 * CONFIGURATION PARAMETERS
 *   In the parameter table: myhostname, myorigin, mydestination, mynetworks, inet_interfaces,
 *   recipient_delimiter, header_size_limit, line_length_limit, header_checks,
 *   mime_header_checks, nested_header_checks, body_checks, milter_header_checks, canonical_maps,
 *   cleanup_replace_stray_cr_lf (yes, Postfix 3.9's default; see {@link StrayLineBreaks}),
 *   sender_canonical_maps, recipient_canonical_maps, masquerade_domains, virtual_alias_maps,
 *   always_bcc, sender_bcc_maps, recipient_bcc_maps, disable_mime_input_processing (no),
 *   mime_nesting_limit (100), mime_boundary_length_limit (2048); strict_8bitmime,
 *   strict_7bit_headers, strict_8bitmime_body, strict_mime_encoding_domain (all no) only
 *   decide, as in Postfix, whether a MIME nesting error rejects the message.
 *   Not (yet) in the table, read with Postfix's default: local_header_rewrite_clients
 *   (permit_inet_interfaces), always_add_missing_headers (no), masquerade_exceptions (empty),
 *   masquerade_classes (envelope_sender, header_sender, header_recipient),
 *   propagate_unmatched_extensions (canonical, virtual), virtual_alias_recursion_limit (1000),
 *   virtual_alias_expansion_limit (1000), body_checks_size_limit (51200), hopcount_limit (50),
 *   sender_from_header_rewrite (Postern, no).
 */
final class CleanupSettings {

    private static final NetworkList LOOPBACK = NetworkList.parse(List.of("127.0.0.0/8", "[::1]/128"));

    final String myhostname;
    final String myorigin;
    final Set<String> localDomains = new HashSet<>();
    final NetworkList mynetworks;
    final NetworkList inetInterfaces;
    final boolean inetInterfacesAll;
    final List<String> localHeaderRewriteClients;
    final boolean alwaysAddMissingHeaders;
    final String recipientDelimiter;
    final int headerSizeLimit;
    final int lineLengthLimit;
    final long bodyChecksSizeLimit;
    final int hopcountLimit;
    final boolean disableMimeInputProcessing;
    final int mimeNestingLimit;
    final int mimeBoundaryLengthLimit;
    /** Postfix cleanup: MIME nesting errors reject when header checks or strict MIME checks are on. */
    final boolean reportsMimeNesting;
    final TableList headerChecks;
    final TableList mimeHeaderChecks;
    final TableList nestedHeaderChecks;
    final TableList bodyChecks;
    /** milter_header_checks: header_checks(5) on the headers milters add or change. */
    final TableList milterHeaderChecks;
    final TableList canonicalMaps;
    final TableList senderCanonicalMaps;
    final TableList recipientCanonicalMaps;
    final TableList virtualAliasMaps;
    final TableList senderBccMaps;
    final TableList recipientBccMaps;
    final List<String> alwaysBcc;
    final List<String> masqueradeDomains;
    final Set<String> masqueradeExceptions;
    final Set<String> masqueradeClasses;
    final Set<String> propagateExtensions;
    final int virtualRecursionLimit;
    final int virtualExpansionLimit;
    final boolean senderFromHeaderRewrite;
    /** cleanup_replace_stray_cr_lf (yes): a CR or LF that is not a line end never reaches the queue. */
    final boolean replaceStrayCrLf;
    final Clock clock;

    CleanupSettings(PostfixConfig config, DictRegistry dicts, Clock clock) throws ConfigException {
        try {
            this.clock = clock;
            myhostname = config.get("myhostname");
            myorigin = config.get("myorigin").isEmpty() ? myhostname : config.get("myorigin");
            localDomains.add(lower(myorigin));
            localDomains.add(lower(myhostname));
            for (String d : config.list("mydestination")) {
                if (d.indexOf(':') < 0 && d.indexOf('/') < 0) {
                    localDomains.add(lower(d));
                }
            }
            mynetworks = NetworkList.parse(config.list("mynetworks"));
            List<String> inet = config.list("inet_interfaces");
            inetInterfacesAll = inet.stream().anyMatch(s -> s.equalsIgnoreCase("all"));
            List<String> addrs = new ArrayList<>();
            for (String s : inet) {
                if (!s.equalsIgnoreCase("all") && !s.equalsIgnoreCase("loopback-only")) {
                    addrs.add(s);
                }
            }
            inetInterfaces = NetworkList.parse(addrs);
            localHeaderRewriteClients = PostfixLists.split(
                    config.find("local_header_rewrite_clients").orElse("permit_inet_interfaces"));
            alwaysAddMissingHeaders = bool(config, "always_add_missing_headers", "no");
            recipientDelimiter = config.get("recipient_delimiter");
            headerSizeLimit = config.integer("header_size_limit");
            lineLengthLimit = Math.max(80, config.integer("line_length_limit"));
            bodyChecksSizeLimit = Long.parseLong(config.find("body_checks_size_limit").orElse("51200").strip());
            hopcountLimit = Integer.parseInt(config.find("hopcount_limit").orElse("50").strip());
            headerChecks = TableList.open(config, "header_checks", dicts);
            mimeHeaderChecks = config.get("mime_header_checks").equals(config.get("header_checks"))
                    ? headerChecks : TableList.open(config, "mime_header_checks", dicts);
            nestedHeaderChecks = config.get("nested_header_checks").equals(config.get("header_checks"))
                    ? headerChecks : TableList.open(config, "nested_header_checks", dicts);
            bodyChecks = TableList.open(config, "body_checks", dicts);
            milterHeaderChecks = TableList.open(config, "milter_header_checks", dicts);
            disableMimeInputProcessing = bool(config, "disable_mime_input_processing", "no");
            mimeNestingLimit = config.integer("mime_nesting_limit");
            mimeBoundaryLengthLimit = config.integer("mime_boundary_length_limit");
            reportsMimeNesting = !disableMimeInputProcessing && (bool(config, "strict_8bitmime", "no")
                    || bool(config, "strict_7bit_headers", "no") || bool(config, "strict_8bitmime_body", "no")
                    || bool(config, "strict_mime_encoding_domain", "no") || !headerChecks.isEmpty()
                    || !mimeHeaderChecks.isEmpty() || !nestedHeaderChecks.isEmpty());
            canonicalMaps = TableList.open(config, "canonical_maps", dicts);
            senderCanonicalMaps = TableList.open(config, "sender_canonical_maps", dicts);
            recipientCanonicalMaps = TableList.open(config, "recipient_canonical_maps", dicts);
            virtualAliasMaps = TableList.open(config, "virtual_alias_maps", dicts);
            senderBccMaps = TableList.open(config, "sender_bcc_maps", dicts);
            recipientBccMaps = TableList.open(config, "recipient_bcc_maps", dicts);
            alwaysBcc = PostfixLists.split(config.get("always_bcc"));
            masqueradeDomains = new ArrayList<>();
            for (String d : config.list("masquerade_domains")) {
                if (d.indexOf(':') < 0) {
                    masqueradeDomains.add(lower(d));
                }
            }
            masqueradeExceptions = lowerSet(config.find("masquerade_exceptions").orElse(""));
            masqueradeClasses = lowerSet(config.find("masquerade_classes")
                    .orElse("envelope_sender, header_sender, header_recipient"));
            propagateExtensions = lowerSet(config.find("propagate_unmatched_extensions").orElse("canonical, virtual"));
            virtualRecursionLimit = Integer.parseInt(config.find("virtual_alias_recursion_limit").orElse("1000").strip());
            virtualExpansionLimit = Integer.parseInt(config.find("virtual_alias_expansion_limit").orElse("1000").strip());
            senderFromHeaderRewrite = bool(config, "sender_from_header_rewrite", "no");
            replaceStrayCrLf = bool(config, "cleanup_replace_stray_cr_lf", "yes");
        } catch (IllegalArgumentException e) {
            throw new ConfigException("cleanup: " + e.getMessage());
        }
    }

    private static boolean bool(PostfixConfig config, String name, String dflt) {
        String v = config.find(name).orElse(dflt).strip().toLowerCase(Locale.ROOT);
        if (v.equals("yes") || v.equals("true")) {
            return true;
        }
        if (v.equals("no") || v.equals("false")) {
            return false;
        }
        throw new IllegalArgumentException(name + ": bad boolean value: " + v);
    }

    private static Set<String> lowerSet(String value) {
        Set<String> out = new HashSet<>();
        for (String s : PostfixLists.split(value)) {
            out.add(lower(s));
        }
        return out;
    }

    static String lower(String s) {
        return s.toLowerCase(Locale.ROOT);
    }

    boolean isLocalDomain(String domain) {
        String d = lower(domain);
        if (d.startsWith("[") && d.endsWith("]")) {
            return true; // our own address literal cannot be checked here; Postfix checks inet_interfaces
        }
        return localDomains.contains(d);
    }

    /** local_header_rewrite_clients: permit_inet_interfaces, permit_mynetworks, permit_sasl_authenticated, static:all. */
    boolean rewritesHeadersOf(String clientAddress, String saslUsername) {
        if (alwaysAddMissingHeaders) {
            return true;
        }
        for (String token : localHeaderRewriteClients) {
            String t = lower(token);
            if (t.equals("static:all")) {
                return true;
            }
            if (t.equals("permit_mynetworks") && clientAddress != null && mynetworks.matches(clientAddress)) {
                return true;
            }
            if (t.equals("permit_sasl_authenticated") && saslUsername != null && !saslUsername.isEmpty()) {
                return true;
            }
            if (t.equals("permit_inet_interfaces") && isInetInterface(clientAddress)) {
                return true;
            }
        }
        return false;
    }

    /** Postern reading of permit_inet_interfaces: loopback, or one of the explicit inet_interfaces. */
    private boolean isInetInterface(String address) {
        if (address == null || address.isEmpty()) {
            return true; // no client: local submission (sendmail)
        }
        String a = address.startsWith("IPv6:") ? address.substring(5) : address;
        return LOOPBACK.matches(a) || inetInterfaces.matches(a);
    }
}
