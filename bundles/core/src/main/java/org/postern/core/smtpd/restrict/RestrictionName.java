// SPDX-License-Identifier: Apache-2.0
package org.postern.core.smtpd.restrict;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * SUMMARY   Every restriction name Postern knows, the one place that lists them: what it is
 *           called in main.cf, what argument follows it, and which check evaluates it.
 * DESCRIPTION
 *   The parser ({@link RestrictionParser}) reads names and arguments from this enum; evaluation
 *   calls {@link #check()}; the relay-control test and the texts that list the
 *   check_*_access names are built from it. Postfix's old aliases (reject_unknown_client,
 *   reject_invalid_hostname, ...) are constants of their own with the same check. Names
 *   Postfix has and Postern does not implement yet are listed too, as {@link Argument#UNSUPPORTED},
 *   so that they are refused at load time with a message that says so.
 *   A new restriction: a constant here, its check in the family class it belongs to
 *   (client, HELO, sender/recipient address, relay, recipient maps, DNS lists, access tables).
 * BUGS      permit_mx_backup is accepted and never permits (see {@link RestrictionChecks}).
 * SEE ALSO  Postfix postconf(5) "smtpd_*_restrictions", smtpd_check.c.
 */
enum RestrictionName {

    // Generic.
    PERMIT("permit", Argument.NONE, (e, r, t) -> Verdict.PERMIT),
    DUNNO("dunno", Argument.NONE, (e, r, t) -> Verdict.DUNNO),
    DEFER("defer", Argument.NONE, (e, r, t) -> e.generic().defer(t)),
    REJECT("reject", Argument.NONE, (e, r, t) -> e.generic().reject(t)),
    DEFER_IF_PERMIT("defer_if_permit", Argument.NONE, (e, r, t) -> e.generic().deferIfPermit(t)),
    DEFER_IF_REJECT("defer_if_reject", Argument.NONE, (e, r, t) -> e.generic().deferIfReject(t)),
    /** Handled by the list walker ({@link Evaluation}): it applies to the next restriction. */
    WARN_IF_REJECT("warn_if_reject", Argument.NONE, (e, r, t) -> Verdict.DUNNO),
    REJECT_UNAUTH_PIPELINING("reject_unauth_pipelining", Argument.NONE,
            (e, r, t) -> e.generic().rejectUnauthPipelining(t)),
    REJECT_MULTI_RECIPIENT_BOUNCE("reject_multi_recipient_bounce", Argument.NONE,
            (e, r, t) -> e.generic().rejectMultiRecipientBounce(t)),

    // Client.
    PERMIT_MYNETWORKS("permit_mynetworks", Argument.NONE, (e, r, t) -> e.client().permitMynetworks(t)),
    PERMIT_INET_INTERFACES("permit_inet_interfaces", Argument.NONE, (e, r, t) -> e.client().permitInetInterfaces()),
    PERMIT_SASL_AUTHENTICATED("permit_sasl_authenticated", Argument.NONE,
            (e, r, t) -> e.client().permitSaslAuthenticated()),
    REJECT_UNKNOWN_CLIENT_HOSTNAME("reject_unknown_client_hostname", Argument.NONE,
            (e, r, t) -> e.client().rejectUnknown(true)),
    REJECT_UNKNOWN_CLIENT("reject_unknown_client", Argument.NONE, (e, r, t) -> e.client().rejectUnknown(true)),
    REJECT_UNKNOWN_REVERSE_CLIENT_HOSTNAME("reject_unknown_reverse_client_hostname", Argument.NONE,
            (e, r, t) -> e.client().rejectUnknown(false)),
    PERMIT_TLS_CLIENTCERTS("permit_tls_clientcerts", Argument.NONE,
            (e, r, t) -> e.client().permitTlsClientcerts(false)),
    PERMIT_TLS_ALL_CLIENTCERTS("permit_tls_all_clientcerts", Argument.NONE,
            (e, r, t) -> e.client().permitTlsClientcerts(true)),

    // HELO.
    REJECT_INVALID_HELO_HOSTNAME("reject_invalid_helo_hostname", Argument.NONE, (e, r, t) -> e.helo().rejectInvalid()),
    REJECT_INVALID_HOSTNAME("reject_invalid_hostname", Argument.NONE, (e, r, t) -> e.helo().rejectInvalid()),
    REJECT_UNKNOWN_HELO_HOSTNAME("reject_unknown_helo_hostname", Argument.NONE, (e, r, t) -> e.helo().rejectUnknown()),
    REJECT_UNKNOWN_HOSTNAME("reject_unknown_hostname", Argument.NONE, (e, r, t) -> e.helo().rejectUnknown()),
    REJECT_NON_FQDN_HELO_HOSTNAME("reject_non_fqdn_helo_hostname", Argument.NONE,
            (e, r, t) -> e.helo().rejectNonFqdn()),
    REJECT_NON_FQDN_HOSTNAME("reject_non_fqdn_hostname", Argument.NONE, (e, r, t) -> e.helo().rejectNonFqdn()),

    // Sender.
    REJECT_NON_FQDN_SENDER("reject_non_fqdn_sender", Argument.NONE, (e, r, t) -> e.address().rejectNonFqdnSender()),
    REJECT_UNKNOWN_SENDER_DOMAIN("reject_unknown_sender_domain", Argument.NONE,
            (e, r, t) -> e.address().rejectUnknownSenderDomain()),
    REJECT_UNKNOWN_ADDRESS("reject_unknown_address", Argument.NONE,
            (e, r, t) -> e.address().rejectUnknownSenderDomain()),
    REJECT_UNLISTED_SENDER("reject_unlisted_sender", Argument.NONE,
            (e, r, t) -> e.recipientMaps().rejectUnlistedSender()),

    // Recipient.
    REJECT_NON_FQDN_RECIPIENT("reject_non_fqdn_recipient", Argument.NONE,
            (e, r, t) -> e.address().rejectNonFqdnRecipient()),
    REJECT_UNKNOWN_RECIPIENT_DOMAIN("reject_unknown_recipient_domain", Argument.NONE,
            (e, r, t) -> e.address().rejectUnknownRecipientDomain()),
    REJECT_UNLISTED_RECIPIENT("reject_unlisted_recipient", Argument.NONE,
            (e, r, t) -> e.recipientMaps().rejectUnlistedRecipient()),
    CHECK_RECIPIENT_MAPS("check_recipient_maps", Argument.NONE,
            (e, r, t) -> e.recipientMaps().rejectUnlistedRecipient()),
    PERMIT_AUTH_DESTINATION("permit_auth_destination", Argument.NONE, (e, r, t) -> e.relay().permitAuthDestination()),
    REJECT_UNAUTH_DESTINATION("reject_unauth_destination", Argument.NONE,
            (e, r, t) -> e.relay().rejectUnauthDestination()),
    DEFER_UNAUTH_DESTINATION("defer_unauth_destination", Argument.NONE,
            (e, r, t) -> e.relay().deferUnauthDestination()),
    PERMIT_MX_BACKUP("permit_mx_backup", Argument.NONE, (e, r, t) -> Verdict.DUNNO),

    // DNS lists: the argument is "domain" or "domain=filter".
    REJECT_RBL_CLIENT("reject_rbl_client", Argument.DNS_LIST, (e, r, t) -> e.dnsLists().rejectClient(r.argument())),
    REJECT_RBL("reject_rbl", Argument.DNS_LIST, (e, r, t) -> e.dnsLists().rejectClient(r.argument())),
    PERMIT_DNSWL_CLIENT("permit_dnswl_client", Argument.DNS_LIST,
            (e, r, t) -> e.dnsLists().permitClient(r.argument())),
    REJECT_RHSBL_CLIENT("reject_rhsbl_client", Argument.DNS_LIST,
            (e, r, t) -> e.dnsLists().rejectClientName(r.argument())),
    PERMIT_RHSWL_CLIENT("permit_rhswl_client", Argument.DNS_LIST,
            (e, r, t) -> e.dnsLists().permitClientName(r.argument())),
    REJECT_RHSBL_REVERSE_CLIENT("reject_rhsbl_reverse_client", Argument.DNS_LIST,
            (e, r, t) -> e.dnsLists().rejectReverseClientName(r.argument())),
    REJECT_RHSBL_HELO("reject_rhsbl_helo", Argument.DNS_LIST, (e, r, t) -> e.dnsLists().rejectHelo(r.argument())),
    REJECT_RHSBL_SENDER("reject_rhsbl_sender", Argument.DNS_LIST,
            (e, r, t) -> e.dnsLists().rejectSender(r.argument())),
    REJECT_RHSBL_RECIPIENT("reject_rhsbl_recipient", Argument.DNS_LIST,
            (e, r, t) -> e.dnsLists().rejectRecipient(r.argument())),

    // Access tables: the argument is "type:name".
    CHECK_CLIENT_ACCESS("check_client_access", Argument.TABLE, (e, r, t) -> e.access().client(r.table(), t)),
    CHECK_REVERSE_CLIENT_HOSTNAME_ACCESS("check_reverse_client_hostname_access", Argument.TABLE,
            (e, r, t) -> e.access().reverseClient(r.table(), t)),
    CHECK_HELO_ACCESS("check_helo_access", Argument.TABLE, (e, r, t) -> e.access().helo(r.table(), t)),
    CHECK_SENDER_ACCESS("check_sender_access", Argument.TABLE, (e, r, t) -> e.access().sender(r.table(), t)),
    CHECK_RECIPIENT_ACCESS("check_recipient_access", Argument.TABLE, (e, r, t) -> e.access().recipient(r.table(), t)),
    CHECK_ETRN_ACCESS("check_etrn_access", Argument.TABLE, (e, r, t) -> e.access().etrn(r.table(), t)),
    CHECK_CCERT_ACCESS("check_ccert_access", Argument.TABLE, (e, r, t) -> e.access().clientCertificate(r.table(), t)),

    /** Parsed into a {@link Restriction.PolicyService}, which evaluates itself. */
    CHECK_POLICY_SERVICE("check_policy_service", Argument.POLICY_SERVER, RestrictionName::notBuiltin),

    // Postfix restrictions Postern does not implement yet: refused at load time.
    REJECT_UNVERIFIED_SENDER("reject_unverified_sender"),
    REJECT_UNVERIFIED_RECIPIENT("reject_unverified_recipient"),
    CHECK_SASL_ACCESS("check_sasl_access"),
    REJECT_SENDER_LOGIN_MISMATCH("reject_sender_login_mismatch"),
    REJECT_AUTHENTICATED_SENDER_LOGIN_MISMATCH("reject_authenticated_sender_login_mismatch"),
    REJECT_KNOWN_SENDER_LOGIN_MISMATCH("reject_known_sender_login_mismatch"),
    REJECT_UNAUTHENTICATED_SENDER_LOGIN_MISMATCH("reject_unauthenticated_sender_login_mismatch"),
    CHECK_CLIENT_NS_ACCESS("check_client_ns_access"),
    CHECK_CLIENT_MX_ACCESS("check_client_mx_access"),
    CHECK_CLIENT_A_ACCESS("check_client_a_access"),
    CHECK_REVERSE_CLIENT_HOSTNAME_NS_ACCESS("check_reverse_client_hostname_ns_access"),
    CHECK_REVERSE_CLIENT_HOSTNAME_MX_ACCESS("check_reverse_client_hostname_mx_access"),
    CHECK_REVERSE_CLIENT_HOSTNAME_A_ACCESS("check_reverse_client_hostname_a_access"),
    CHECK_HELO_NS_ACCESS("check_helo_ns_access"),
    CHECK_HELO_MX_ACCESS("check_helo_mx_access"),
    CHECK_HELO_A_ACCESS("check_helo_a_access"),
    CHECK_SENDER_NS_ACCESS("check_sender_ns_access"),
    CHECK_SENDER_MX_ACCESS("check_sender_mx_access"),
    CHECK_SENDER_A_ACCESS("check_sender_a_access"),
    CHECK_RECIPIENT_NS_ACCESS("check_recipient_ns_access"),
    CHECK_RECIPIENT_MX_ACCESS("check_recipient_mx_access"),
    CHECK_RECIPIENT_A_ACCESS("check_recipient_a_access"),
    REJECT_PLAINTEXT_SESSION("reject_plaintext_session"),
    SLEEP("sleep"),
    CHECK_RELAY_DOMAINS("check_relay_domains"),
    REJECT_MAPS_RBL("reject_maps_rbl"),
    PERMIT_NAKED_IP_ADDRESS("permit_naked_ip_address");

    /** What follows the name in a restriction list. */
    enum Argument { NONE, TABLE, DNS_LIST, POLICY_SERVER, UNSUPPORTED }

    /** How a parsed built-in restriction evaluates. */
    @FunctionalInterface
    interface Check {
        Verdict apply(Evaluation evaluation, Restriction.Builtin restriction, Target target);
    }

    /** Postfix's "working" relay restrictions (smtpd_check_init()): one must be in the relay or recipient list. */
    private static final Set<RestrictionName> RELAY_CONTROL = EnumSet.of(REJECT_UNAUTH_DESTINATION,
            DEFER_UNAUTH_DESTINATION, REJECT, DEFER, DEFER_IF_PERMIT, CHECK_RELAY_DOMAINS);

    /** The table restrictions that a bare "type:table" can stand for, in Postfix's order. */
    static final Set<RestrictionName> DEFAULT_ACCESS = EnumSet.of(CHECK_CLIENT_ACCESS, CHECK_HELO_ACCESS,
            CHECK_SENDER_ACCESS, CHECK_RECIPIENT_ACCESS, CHECK_ETRN_ACCESS);

    private static final Map<String, RestrictionName> BY_TOKEN = Arrays.stream(values())
            .collect(Collectors.toUnmodifiableMap(RestrictionName::token, Function.identity()));

    private final String token;
    private final Argument argument;
    private final Check check;

    RestrictionName(String token, Argument argument, Check check) {
        this.token = token;
        this.argument = argument;
        this.check = check;
    }

    RestrictionName(String token) {
        this(token, Argument.UNSUPPORTED, RestrictionName::notBuiltin);
    }

    /** The name as main.cf writes it (lower case). */
    String token() {
        return token;
    }

    Argument argument() {
        return argument;
    }

    Check check() {
        return check;
    }

    boolean controlsRelay() {
        return RELAY_CONTROL.contains(this);
    }

    /** The restriction called {@code name}, in any case. */
    static Optional<RestrictionName> of(String name) {
        return Optional.ofNullable(BY_TOKEN.get(name.toLowerCase(Locale.ROOT)));
    }

    /** The names that take this kind of argument, in declaration order. */
    static Set<RestrictionName> withArgument(Argument argument) {
        Set<RestrictionName> out = EnumSet.noneOf(RestrictionName.class);
        for (RestrictionName n : values()) {
            if (n.argument == argument) {
                out.add(n);
            }
        }
        return out;
    }

    /** "a, b, c" of the given names, in declaration order. */
    static String tokens(Set<RestrictionName> names) {
        return names.stream().map(RestrictionName::token).collect(Collectors.joining(", "));
    }

    /** The parser never makes a Builtin of these; reaching here is a configuration error. */
    private static Verdict notBuiltin(Evaluation evaluation, Restriction.Builtin restriction, Target target) {
        return evaluation.unknownRestriction(restriction.name().token());
    }
}
