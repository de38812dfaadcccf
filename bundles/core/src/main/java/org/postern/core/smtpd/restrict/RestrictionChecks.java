// SPDX-License-Identifier: Apache-2.0
package org.postern.core.smtpd.restrict;

import java.util.List;
import java.util.Optional;
import java.util.Set;

import org.postern.api.dict.Dict;
import org.postern.api.dict.DictRegistry;
import org.postern.api.dict.LookupResult;
import org.postern.api.dns.DnsResolver;
import org.postern.api.support.LogText;
import org.postern.core.access.AccessKeys;
import org.postern.core.config.ConfigEntry;
import org.postern.core.config.ConfigException;
import org.postern.core.config.PostfixConfig;
import org.postern.core.net.HostNames;
import org.postern.core.rewrite.AddressMaps;
import org.postern.core.rewrite.AddressResolver;
import org.postern.core.rewrite.DeliveryRouter;
import org.postern.core.rewrite.HostList;
import org.postern.core.rewrite.LookupFailure;
import org.postern.core.smtp.SmtpReply;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * SUMMARY   The smtpd restriction language: smtpd_{client,helo,sender,relay,recipient,data,
 *           end_of_data,etrn}_restrictions, restriction classes and access(5) tables.
 * DESCRIPTION
 *   {@link #create} parses every list once into {@link Restriction} values
 *   ({@link RestrictionLists}, {@link RestrictionParser}, names from {@link RestrictionName}),
 *   opens every table, and refuses unknown restrictions, missing arguments and undefined classes. {@link #check} then
 *   evaluates a stage ({@link Evaluation}) as Postfix's smtpd_check.c does: first opinion
 *   wins, warn_if_reject, defer_if_permit/defer_if_reject, DISCARD ends evaluation, a table or
 *   DNS failure is a 4xx.
 *   With smtpd_delay_reject = yes (default) CONNECT, HELO and MAIL answer DUNNO (MAIL still
 *   checks SIZE against message_size_limit) and RCPT evaluates client, helo, sender, relay and
 *   recipient restrictions in that order, then the implicit reject_unlisted_recipient. A RCPT
 *   for "postmaster" (no domain) is always accepted (RFC 5321 4.5.1).
 *   Warnings in a {@link CheckResult} read "warn: text" (access(5) WARN) or
 *   "reject_warning: 554 5.7.1 ..." (warn_if_reject); the caller logs them with its
 *   "NOQUEUE: ... from host[addr]:" prefix. Message actions come only with an acceptance.
 * SECURITY  Every fact is untrusted network input (addresses, HELO, client names); access
 *           table values and reply templates come from the administrator, DNS list TXT text from
 *           remote servers (made printable, "$" not expanded). Reply texts are printable ASCII,
 *           at most 510 characters.
 * CONFIGURATION PARAMETERS
 *   The restriction lists and smtpd_restriction_classes; smtpd_delay_reject (yes),
 *   smtpd_reject_unlisted_recipient (yes), smtpd_reject_unlisted_sender (no), mynetworks,
 *   mydestination, inet_interfaces, proxy_interfaces, relay_domains, virtual_alias_domains/maps,
 *   virtual_mailbox_domains/maps, local_recipient_maps, relay_recipient_maps, canonical_maps,
 *   sender_canonical_maps, recipient_canonical_maps, transport_maps, default_transport_maps,
 *   local/virtual/relay/default_transport, parent_domain_matches_subdomains,
 *   recipient_delimiter, myorigin, message_size_limit, soft_bounce, double_bounce_sender,
 *   compatibility_level; and, read with Postfix's defaults when ParameterTable lacks them:
 *   access_map_reject_code (554), access_map_defer_code (450), defer_code (450), reject_code
 *   (554), relay_domains_reject_code (554), invalid_hostname_reject_code (501),
 *   non_fqdn_reject_code (504), unknown_address_reject_code (450), unknown_client_reject_code
 *   (450), unknown_hostname_reject_code (450), unknown_local_recipient_reject_code (550),
 *   unknown_relay_recipient_reject_code (550), unknown_virtual_alias_reject_code (550),
 *   unknown_virtual_mailbox_reject_code (550), maps_rbl_reject_code (554),
 *   multi_recipient_bounce_reject_code (550), default_rbl_reply, rbl_reply_maps,
 *   smtpd_null_access_lookup_key (&lt;&gt;), show_user_unknown_table_name (yes),
 *   unknown_address_tempfail_action and unknown_helo_hostname_tempfail_action
 *   (defer_if_permit), allow_untrusted_routing (no). For the session, not a restriction:
 *   smtpd_forbidden_commands ({@link ForbiddenCommands}).
 * BUGS
 *   Postern differs on purpose: when smtpd_relay_restrictions is not set at all, it is
 *   "permit_mynetworks, permit_sasl_authenticated, defer_unauth_destination" at every
 *   compatibility_level (Postfix below level 1 leaves it empty). smtpd_relay_restrictions is
 *   evaluated before smtpd_recipient_restrictions, as documented (Postfix before 3.10 did it the
 *   other way round). With compatibility_level >= 4 an empty relay_recipient_maps rejects every
 *   recipient in relay_domains. With smtpd_reject_unlisted_recipient = no, recipients that
 *   resolve to the error or retry transport are still refused.
 *   Not like Postfix yet: address classes come from {@link AddressResolver}, not trivial-rewrite;
 *   with smtpd_delay_reject = no a defer_if_permit raised by client, helo or sender restrictions
 *   defers that command instead of the later RCPT; actions found by client/helo/sender
 *   restrictions are reported again at every RCPT; reject_unknown_client_hostname asks the DNS
 *   itself when the client name is "unknown"; check_etrn_access reads the ETRN argument from
 *   {@link SmtpFacts#recipient()}; permit_tls_clientcerts, permit_tls_all_clientcerts and
 *   permit_mx_backup never permit; reject_unverified_*, *_login_mismatch,
 *   check_*_{ns,mx,a}_access, check_ccert/sasl_access and reject_plaintext_session are refused
 *   at load time. "dunno" is accepted as a restriction (Postfix knows it only as a table result).
 * SEE ALSO  Postfix postconf(5), access(5), SMTPD_ACCESS_README, smtpd_check.c.
 */
public final class RestrictionChecks implements SmtpdChecks {

    static final Logger LOG = LoggerFactory.getLogger("postern.smtpd");

    /** The parsed smtpd_*_restrictions and restriction classes. */
    final RestrictionLists lists;

    // Behaviour.
    final boolean delayReject;
    final boolean rejectUnlistedRecipient;
    final boolean rejectUnlistedSender;
    /** smtputf8_enable: reply texts keep UTF-8 (Postfix's util_utf8_enable). */
    final boolean utf8Replies;
    final boolean softBounce;
    final boolean showUnknownTable;
    final boolean allowUntrustedRouting;
    final boolean emptyRelayRecipientMapsRejects;
    final boolean unknownAddressDeferIfPermit;
    final boolean unknownHeloDeferIfPermit;
    final boolean accessParentStyle;
    final String recipientDelimiter;
    final String nullAccessKey;
    final String doubleBounceSender;
    final long messageSizeLimit;

    // Reply codes.
    final int accessMapRejectCode;
    final int accessMapDeferCode;
    final int deferCode;
    final int rejectCode;
    final int relayCode;
    final int invalidHostnameCode;
    final int nonFqdnCode;
    final int unknownAddressCode;
    final int unknownClientCode;
    final int unknownHostnameCode;
    final int localRecipientCode;
    final int relayRecipientCode;
    final int virtualAliasCode;
    final int virtualMailboxCode;
    final int rblCode;
    final int multiRecipientBounceCode;
    final String defaultRblReply;
    final List<Dict> rblReplyMaps;
    /** relay_clientcerts: certificate or public key fingerprints permit_tls_clientcerts accepts. */
    final List<Dict> relayClientcerts;

    // Tables, lists, resolvers.
    final HostList mynetworks;
    private final HostList fastFlushDomains;
    final Set<String> ownAddresses;
    final AddressResolver resolver;
    /** The resolver with relayhost and the sender-dependent maps: the milters' route macros. */
    private final DeliveryRouter router;
    final AddressMaps localRecipientMaps;
    final AddressMaps virtualAliasMaps;
    final AddressMaps virtualMailboxMaps;
    final AddressMaps relayRecipientMaps;
    final AddressMaps canonicalMaps;
    final AddressMaps senderCanonicalMaps;
    final AddressMaps recipientCanonicalMaps;
    final DnsChecks dns;
    final PolicyClients policies;
    private final List<Dict> ehloDiscardMaps;
    private final ForbiddenCommands forbiddenCommands;

    private RestrictionChecks(PostfixConfig config, DictRegistry dicts, DnsResolver dnsOrNull) throws ConfigException {
        policies = new PolicyClients(config);
        lists = new RestrictionLists(config, dicts, policies);

        delayReject = bool(config, "smtpd_delay_reject", true);
        rejectUnlistedRecipient = bool(config, "smtpd_reject_unlisted_recipient", true);
        rejectUnlistedSender = bool(config, "smtpd_reject_unlisted_sender", false);
        utf8Replies = bool(config, "smtputf8_enable", true);
        softBounce = bool(config, "soft_bounce", false);
        showUnknownTable = bool(config, "show_user_unknown_table_name", true);
        allowUntrustedRouting = bool(config, "allow_untrusted_routing", false);
        emptyRelayRecipientMapsRejects = compatibilityMajor(config.get("compatibility_level")) >= 4;
        unknownAddressDeferIfPermit = tempfailAction(config, "unknown_address_tempfail_action");
        unknownHeloDeferIfPermit = tempfailAction(config, "unknown_helo_hostname_tempfail_action");
        List<String> parentStyle = list(config, "parent_domain_matches_subdomains");
        accessParentStyle = parentStyle.contains("smtpd_access_maps");
        recipientDelimiter = config.get("recipient_delimiter");
        nullAccessKey = param(config, "smtpd_null_access_lookup_key", "<>");
        doubleBounceSender = param(config, "double_bounce_sender", "double-bounce");
        long limit;
        try {
            limit = config.find("message_size_limit").isPresent() ? config.size("message_size_limit") : 0;
        } catch (IllegalArgumentException e) {
            throw new ConfigException(e.getMessage());
        }
        messageSizeLimit = limit;

        accessMapRejectCode = code(config, "access_map_reject_code", 554);
        accessMapDeferCode = code(config, "access_map_defer_code", 450);
        deferCode = code(config, "defer_code", 450);
        rejectCode = code(config, "reject_code", 554);
        relayCode = code(config, "relay_domains_reject_code", 554);
        invalidHostnameCode = code(config, "invalid_hostname_reject_code", 501);
        nonFqdnCode = code(config, "non_fqdn_reject_code", 504);
        unknownAddressCode = code(config, "unknown_address_reject_code", 450);
        unknownClientCode = code(config, "unknown_client_reject_code", 450);
        unknownHostnameCode = code(config, "unknown_hostname_reject_code", 450);
        localRecipientCode = code(config, "unknown_local_recipient_reject_code", 550);
        relayRecipientCode = code(config, "unknown_relay_recipient_reject_code", 550);
        virtualAliasCode = code(config, "unknown_virtual_alias_reject_code", 550);
        virtualMailboxCode = code(config, "unknown_virtual_mailbox_reject_code", 550);
        rblCode = code(config, "maps_rbl_reject_code", 554);
        multiRecipientBounceCode = code(config, "multi_recipient_bounce_reject_code", 550);
        defaultRblReply = config.find("default_rbl_reply").isPresent() && config.raw("default_rbl_reply") != null
                ? config.raw("default_rbl_reply")
                : "$rbl_code Service unavailable; $rbl_class [$rbl_what] blocked using $rbl_domain${rbl_reason?; $rbl_reason}";
        rblReplyMaps = AddressMaps.openAll(list(config, "rbl_reply_maps"), dicts);
        relayClientcerts = AddressMaps.openAll(list(config, "relay_clientcerts"), dicts);

        mynetworks = HostList.parse("mynetworks", list(config, "mynetworks"), dicts, parentStyle.contains("mynetworks"), true);
        fastFlushDomains = HostList.parse("fast_flush_domains", list(config, "fast_flush_domains"), dicts,
                parentStyle.contains("fast_flush_domains"), false);
        ownAddresses = AddressResolver.ownAddresses(list(config, "inet_interfaces"), list(config, "proxy_interfaces"));
        resolver = AddressResolver.create(config, dicts, ownAddresses);
        router = new DeliveryRouter(config, dicts, resolver);
        localRecipientMaps = AddressMaps.open("local_recipient_maps", list(config, "local_recipient_maps"), dicts);
        virtualAliasMaps = AddressMaps.open("virtual_alias_maps", list(config, "virtual_alias_maps"), dicts);
        virtualMailboxMaps = AddressMaps.open("virtual_mailbox_maps", list(config, "virtual_mailbox_maps"), dicts);
        relayRecipientMaps = AddressMaps.open("relay_recipient_maps", list(config, "relay_recipient_maps"), dicts);
        canonicalMaps = AddressMaps.open("canonical_maps", list(config, "canonical_maps"), dicts);
        senderCanonicalMaps = AddressMaps.open("sender_canonical_maps", list(config, "sender_canonical_maps"), dicts);
        recipientCanonicalMaps = AddressMaps.open("recipient_canonical_maps", list(config, "recipient_canonical_maps"),
                dicts);
        dns = new DnsChecks(dnsOrNull);
        ehloDiscardMaps = AddressMaps.openAll(list(config, "smtpd_discard_ehlo_keyword_address_maps"), dicts);
        forbiddenCommands = ForbiddenCommands.parse(list(config, "smtpd_forbidden_commands"), dicts);
    }

    @Override
    public boolean forbiddenCommand(String command) {
        return forbiddenCommands.forbids(command);
    }

    @Override
    public boolean hasEhloDiscardMaps() {
        return !ehloDiscardMaps.isEmpty();
    }

    @Override
    public Optional<String> ehloDiscardFor(String clientAddress) {
        for (Dict table : ehloDiscardMaps) {
            LookupResult r = table.lookup(clientAddress);
            if (r instanceof LookupResult.Found f) {
                return Optional.of(f.value());
            }
            if (r.isFailure()) {
                LOG.warn("warning: {}: smtpd_discard_ehlo_keyword_address_maps lookup error for {}; "
                        + "using smtpd_discard_ehlo_keywords", table.spec(), LogText.printable(clientAddress));
                return Optional.empty();
            }
        }
        return Optional.empty();
    }

    /**
     * Parses and opens everything once.
     *
     * @param dnsOrNull the resolver for DNS-based restrictions; without one they answer as a DNS
     *                  temporary failure (4xx, or no opinion for DNS lists)
     * @throws ConfigException for an unknown or unsupported restriction, a missing argument, an
     *                         undefined or recursive restriction class, a bad reply code, or
     *                         relay restrictions that would make an open relay
     */
    public static RestrictionChecks create(PostfixConfig config, DictRegistry dicts, DnsResolver dnsOrNull)
            throws ConfigException {
        return new RestrictionChecks(config, dicts, dnsOrNull);
    }

    @Override
    public Optional<DeliveryRouter.Channel> route(String address, String sender) {
        try {
            return Optional.of(router.route(address, sender));
        } catch (LookupFailure e) {
            return Optional.empty();
        }
    }

    @Override
    public CheckResult check(SmtpStage stage, SmtpFacts facts) {
        try {
            return new Evaluation(this, stage, facts).run();
        } catch (RuntimeException e) {
            LOG.warn("warning: restriction evaluation failed at {}: {}", stage, LogText.printable(String.valueOf(e)), e);
            return new CheckResult(CheckResult.Verdict.DEFER, new SmtpReply(451, "4.3.5", "Server configuration error"),
                    List.of(), List.of());
        }
    }

    /** Whether smtpd_delay_reject is on (the server may want to know when to expect verdicts). */
    public boolean delayReject() {
        return delayReject;
    }


    /** "file:line: parameter" for messages about a setting. */
    static String where(PostfixConfig config, String parameter) {
        return config.entry(parameter).map(ConfigEntry::location).orElse("") + parameter;
    }

    static List<String> list(PostfixConfig config, String parameter) throws ConfigException {
        try {
            return config.list(parameter);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(e.getMessage());
        }
    }

    private static String param(PostfixConfig config, String name, String def) {
        return config.find(name).orElse(def);
    }

    private static boolean bool(PostfixConfig config, String name, boolean def) throws ConfigException {
        if (config.find(name).isEmpty()) {
            return def;
        }
        try {
            return config.bool(name);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(e.getMessage());
        }
    }

    private static int code(PostfixConfig config, String name, int def) throws ConfigException {
        String v = config.find(name).orElse("").strip();
        if (v.isEmpty()) {
            return def;
        }
        if (!HostNames.allDigits(v) || v.length() != 3) {
            throw new ConfigException(where(config, name) + ": bad numerical value: " + LogText.printable(v));
        }
        return Integer.parseInt(v);
    }

    /** A *_tempfail_action: true for defer_if_permit, false for defer (restriction names, as Postfix has them). */
    private static boolean tempfailAction(PostfixConfig config, String name) throws ConfigException {
        String fallback = RestrictionName.DEFER_IF_PERMIT.token();
        String v = config.find(name).orElse(config.find("reject_tempfail_action").orElse(fallback)).strip();
        if (v.isEmpty()) {
            v = config.find("reject_tempfail_action").orElse(fallback).strip();
        }
        RestrictionName action = RestrictionName.of(v).orElse(null);
        if (action != RestrictionName.DEFER_IF_PERMIT && action != RestrictionName.DEFER) {
            throw new ConfigException("bad configuration: " + name + " = " + LogText.printable(v));
        }
        return action == RestrictionName.DEFER_IF_PERMIT;
    }

    /** The major number of compatibility_level ("3.6" is 3; "0" or junk is 0). */
    static int compatibilityMajor(String level) {
        String t = level.strip();
        int dot = t.indexOf('.');
        String major = dot < 0 ? t : t.substring(0, dot);
        return HostNames.allDigits(major) && major.length() < 6 ? Integer.parseInt(major) : 0;
    }


    /** The client address as smtpd writes it (IPv4-mapped IPv6 as IPv4), or the text unchanged. */
    static String canonicalClient(String address) {
        if (address == null) {
            return null;
        }
        try {
            return AccessKeys.canonicalAddress(address);
        } catch (IllegalArgumentException e) {
            return address;
        }
    }

    @Override
    public boolean fastFlushDomain(String domain) throws LookupFailure {
        return fastFlushDomains.matches(domain, null);
    }
}
