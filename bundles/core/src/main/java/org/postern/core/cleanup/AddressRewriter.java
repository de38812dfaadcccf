// SPDX-License-Identifier: Apache-2.0
package org.postern.core.cleanup;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.postern.core.cleanup.TableList.TableFailure;
import org.postern.core.config.PostfixLists;
import org.postern.core.smtp.SmtpReply;

/**
 * SUMMARY   Address rewriting as Postfix's cleanup does it: canonical(5) mapping, masquerading,
 *           virtual(5) alias expansion and the bcc tables.
 * DESCRIPTION
 *   Lookups try user+ext@domain, user@domain, then (for a local domain only) user+ext and user,
 *   then @domain; pattern tables see the full address only. A match without the extension
 *   gets it back (propagate_unmatched_extensions). A result "@domain" keeps the local part.
 *   Virtual expansion is recursive; a result equal to its input is not expanded again.
 *   Postern differs on purpose: exceeding virtual_alias_recursion_limit or
 *   virtual_alias_expansion_limit refuses the message (554 5.4.6) instead of truncating.
 * SECURITY  Addresses come from the network; results from the administrator's tables.
 * BUGS      Quoted local parts are not unquoted before lookup; inet_interfaces and
 *           proxy_interfaces are not counted as local domains.
 */
final class AddressRewriter {

    private final CleanupSettings s;

    AddressRewriter(CleanupSettings settings) {
        this.s = settings;
    }

    /** Appends @myorigin to a bare local part ("append_at_myorigin"); the null address stays empty. */
    String qualify(String address) {
        if (address.isEmpty() || address.indexOf('@') >= 0) {
            return address;
        }
        return address + "@" + s.myorigin;
    }

    String rewriteSender(String sender) throws TableFailure {
        if (sender.isEmpty()) {
            return sender;
        }
        String a = qualify(sender);
        a = map11(s.senderCanonicalMaps, a, "canonical");
        a = map11(s.canonicalMaps, a, "canonical");
        if (s.masqueradeClasses.contains("envelope_sender")) {
            a = masquerade(a);
        }
        return a;
    }

    String rewriteRecipientCanonical(String rcpt) throws TableFailure {
        if (rcpt.isEmpty()) {
            return rcpt;
        }
        String a = qualify(rcpt);
        a = map11(s.recipientCanonicalMaps, a, "canonical");
        a = map11(s.canonicalMaps, a, "canonical");
        if (s.masqueradeClasses.contains("envelope_recipient")) {
            a = masquerade(a);
        }
        return a;
    }

    /** A header address (From:, To:, ...), for clients in local_header_rewrite_clients. */
    String rewriteHeaderAddress(String address, boolean senderHeader) throws TableFailure {
        String a = qualify(address);
        a = map11(senderHeader ? s.senderCanonicalMaps : s.recipientCanonicalMaps, a, "canonical");
        a = map11(s.canonicalMaps, a, "canonical");
        if (s.masqueradeClasses.contains(senderHeader ? "header_sender" : "header_recipient")) {
            a = masquerade(a);
        }
        return a;
    }

    /** virtual(5) expansion of one (canonical) recipient into one or more addresses. */
    List<String> expandVirtual(String rcpt) throws TableFailure, CleanupRejection {
        List<String> out = new ArrayList<>();
        if (s.virtualAliasMaps.isEmpty()) {
            out.add(rcpt);
            return out;
        }
        expand(rcpt, 0, out);
        return out;
    }

    private void expand(String address, int depth, List<String> out) throws TableFailure, CleanupRejection {
        if (depth >= s.virtualRecursionLimit) {
            throw new CleanupRejection(new SmtpReply(554, "5.4.6",
                    "virtual alias table recursion limit exceeded"));
        }
        Optional<String> result = lookup(s.virtualAliasMaps, address, "virtual");
        if (result.isEmpty()) {
            add(address, out);
            return;
        }
        for (String r : PostfixLists.split(result.get())) {
            String next = qualify(r);
            if (next.equalsIgnoreCase(address)) {
                add(next, out);
            } else {
                expand(next, depth + 1, out);
            }
        }
    }

    private void add(String address, List<String> out) throws CleanupRejection {
        out.add(address);
        if (out.size() > s.virtualExpansionLimit) {
            throw new CleanupRejection(new SmtpReply(554, "5.4.6",
                    "too many recipients from virtual alias expansion"));
        }
    }

    /** Addresses from sender_bcc_maps / recipient_bcc_maps (Postern: a result may list several). */
    List<String> bcc(TableList maps, String address) throws TableFailure {
        if (maps.isEmpty() || address.isEmpty()) {
            return List.of();
        }
        Optional<String> r = lookup(maps, address, "");
        return r.isEmpty() ? List.of() : PostfixLists.split(r.get());
    }

    /** One-to-one mapping (canonical): the first address of the result. */
    private String map11(TableList maps, String address, String propagateClass) throws TableFailure {
        if (maps.isEmpty()) {
            return address;
        }
        Optional<String> r = lookup(maps, address, propagateClass);
        if (r.isEmpty()) {
            return address;
        }
        List<String> list = PostfixLists.split(r.get());
        return list.isEmpty() ? address : qualify(list.get(0));
    }

    /**
     * The canonical(5)/virtual(5) lookup order; returns the (raw) result with the extension
     * propagated and "@domain" results completed.
     */
    Optional<String> lookup(TableList maps, String address, String propagateClass) throws TableFailure {
        int at = address.lastIndexOf('@');
        String local = at < 0 ? address : address.substring(0, at);
        String domain = at < 0 ? "" : address.substring(at + 1);
        String base = local;
        String ext = "";
        if (!s.recipientDelimiter.isEmpty()) {
            for (int i = 0; i < local.length(); i++) {
                if (s.recipientDelimiter.indexOf(local.charAt(i)) >= 0 && i > 0) {
                    base = local.substring(0, i);
                    ext = local.substring(i); // with the delimiter
                    break;
                }
            }
        }
        boolean propagate = !propagateClass.isEmpty() && s.propagateExtensions.contains(propagateClass);
        Optional<String> r = maps.find(address, false);
        if (r.isPresent()) {
            return r;
        }
        if (!ext.isEmpty() && at >= 0) {
            r = maps.find(base + "@" + domain, true);
            if (r.isPresent()) {
                return Optional.of(propagate ? withExtension(r.get(), ext) : r.get());
            }
        }
        if (at < 0 || s.isLocalDomain(domain)) {
            if (at >= 0) {
                r = maps.find(local, true);
                if (r.isPresent()) {
                    return r;
                }
            }
            if (!ext.isEmpty()) {
                r = maps.find(base, true);
                if (r.isPresent()) {
                    return Optional.of(propagate ? withExtension(r.get(), ext) : r.get());
                }
            }
        }
        if (at >= 0) {
            r = maps.find("@" + domain, true);
            if (r.isPresent()) {
                String v = r.get().strip();
                if (v.startsWith("@")) {
                    return Optional.of(local + v);
                }
                return r;
            }
        }
        return Optional.empty();
    }

    private static String withExtension(String result, String ext) {
        List<String> out = new ArrayList<>();
        for (String a : PostfixLists.split(result)) {
            int at = a.lastIndexOf('@');
            out.add(at < 0 ? a + ext : a.substring(0, at) + ext + a.substring(at));
        }
        return String.join(", ", out);
    }

    /** masquerade_domains: strip subdomains; "!domain" entries are exceptions; first match wins. */
    String masquerade(String address) {
        if (s.masqueradeDomains.isEmpty()) {
            return address;
        }
        int at = address.lastIndexOf('@');
        if (at < 0) {
            return address;
        }
        String local = address.substring(0, at);
        if (s.masqueradeExceptions.contains(CleanupSettings.lower(local))) {
            return address;
        }
        String domain = CleanupSettings.lower(address.substring(at + 1));
        for (String m : s.masqueradeDomains) {
            if (m.startsWith("!")) {
                if (m.substring(1).equals(domain)) {
                    return address;
                }
                continue;
            }
            if (domain.length() > m.length() && domain.endsWith("." + m)) {
                return local + "@" + m;
            }
        }
        return address;
    }
}
