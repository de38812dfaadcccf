// SPDX-License-Identifier: Apache-2.0
package org.postern.core.config;

import static org.postern.core.config.ParameterDefinition.bool;
import static org.postern.core.config.ParameterDefinition.dynamic;
import static org.postern.core.config.ParameterDefinition.integer;
import static org.postern.core.config.ParameterDefinition.list;
import static org.postern.core.config.ParameterDefinition.size;
import static org.postern.core.config.ParameterDefinition.string;
import static org.postern.core.config.ParameterDefinition.time;

import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.function.Function;

import org.postern.api.parameter.Parameter;
import org.postern.api.parameter.ParameterType;
import org.postern.api.parameter.ValueSyntax;

/**
 * SUMMARY   The table of known parameters: the source for parsing, defaults, validation and
 *           "postconf -d".
 * DESCRIPTION
 *   {@link #standard()} holds core's own parameters. Plugins declare theirs
 *   ({@code org.postern.api.parameter.ParameterSet}); {@link #with(Collection)} merges those in,
 *   and what is running uses the merged table. Defaults are Postfix 3.7's ("postconf -d NAME"),
 *   written as postconf prints them, except where a comment says Postern differs on purpose.
 *   Parameters not in the table are "user-defined" like in Postfix: allowed, expandable as
 *   $name, and reported as unused when nothing refers to them; a plugin's parameter while the
 *   plugin is not installed is one of them.
 * CONFIGURATION PARAMETERS  Core's: see {@link #standard()}.
 * BUGS      Covers the parameters Postern reads, not all ~1000 of Postfix; a setting of a
 *           Postfix parameter missing here is reported as "unused parameter".
 */
public final class ParameterTable {

    /** Postern's release, reported as mail_version. */
    public static final String MAIL_VERSION = "0.1.0";

    private static final ParameterTable STANDARD = new ParameterTable(standardDefinitions());

    private final SortedMap<String, ParameterDefinition> byName;

    public ParameterTable(Collection<ParameterDefinition> definitions) {
        SortedMap<String, ParameterDefinition> map = new TreeMap<>();
        for (ParameterDefinition d : definitions) {
            if (map.put(d.name(), d) != null) {
                throw new IllegalArgumentException("duplicate parameter definition: " + d.name());
            }
        }
        this.byName = Collections.unmodifiableSortedMap(map);
    }

    /** Core's own parameters. */
    public static ParameterTable standard() {
        return STANDARD;
    }

    /**
     * This table with plugins' declarations added. A name already in the table (or declared
     * earlier in {@code declarations}) with the same declaration is accepted once; with a
     * different one it is left out and reported to {@code conflicts}, the first declaration
     * staying in force.
     */
    public ParameterTable with(Collection<Parameter> declarations, Consumer<String> conflicts) {
        SortedMap<String, ParameterDefinition> map = new TreeMap<>(byName);
        for (Parameter p : declarations) {
            ParameterDefinition known = map.get(p.name());
            if (known == null) {
                map.put(p.name(), ParameterDefinition.declared(p));
            } else if (!known.parameter().equals(p)) {
                conflicts.accept(p.name() + ": declared again differently; keeping the first declaration");
            }
        }
        return new ParameterTable(map.values());
    }

    /** As {@link #with(Collection, Consumer)}, ignoring conflicts. */
    public ParameterTable with(Collection<Parameter> declarations) {
        return with(declarations, conflict -> { });
    }

    public Optional<ParameterDefinition> find(String name) {
        return Optional.ofNullable(byName.get(name));
    }

    public boolean isKnown(String name) {
        return byName.containsKey(name);
    }

    /**
     * Whether a delivery agent expands this parameter itself, per recipient ($home, ${user},
     * ${extension}) or not at all (mailbox_command goes to the shell as written): it reaches the
     * agent as written, and postconf neither expands it nor reports its $names as undefined,
     * as Postfix's postconf does for its "raw" parameters. The plugin declares it so.
     */
    public boolean isTemplate(String name) {
        ParameterDefinition d = byName.get(name);
        return d != null && d.parameter().template();
    }

    /** All definitions, sorted by name. */
    public Collection<ParameterDefinition> definitions() {
        return byName.values();
    }

    /** mynetworks from mynetworks_style (its default depends on compatibility_level, as in Postfix). */
    private static String mynetworks(ConfigEnvironment env, Function<String, String> mainCf) {
        String style = mainCf.apply("mynetworks_style");
        if (style == null || style.isBlank()) {
            style = compatibilityBelow2(mainCf.apply("compatibility_level")) ? "subnet" : "host";
        }
        return LocalNetworks.mynetworks(style.strip(), listOf(mainCf, "inet_interfaces", "all"),
                listOf(mainCf, "inet_protocols", "all"), LocalNetworks.enumerate());
    }

    private static boolean compatibilityBelow2(String level) {
        try {
            return level == null || Expander.compareLevels(level.strip(), "2") < 0;
        } catch (RuntimeException e) {
            return true;   // malformed: postconf reports it; the conservative (Postfix 0) default here
        }
    }

    private static java.util.List<String> listOf(Function<String, String> mainCf, String name, String defaultValue) {
        String value = mainCf.apply(name);
        return PostfixLists.split(value == null ? defaultValue : value.toLowerCase(java.util.Locale.ROOT));
    }

    private static String myhostname(ConfigEnvironment env, Function<String, String> mainCf) {
        String host = env.hostname();
        if (host.indexOf('.') >= 0) {
            return host;
        }
        String domain = mainCf.apply("mydomain");
        return host + "." + (domain == null || domain.isEmpty() ? "localdomain" : domain);
    }

    private static String mydomain(ConfigEnvironment env, Function<String, String> mainCf) {
        String host = mainCf.apply("myhostname");
        if (host == null) {
            host = env.hostname();
        }
        int dot = host.indexOf('.');
        return dot >= 0 && dot < host.length() - 1 ? host.substring(dot + 1) : "localdomain";
    }

    private static List<ParameterDefinition> standardDefinitions() {
        return List.of(
                // Identity and domains.
                dynamic("myhostname", ParameterType.STRING, ParameterTable::myhostname),
                dynamic("mydomain", ParameterType.STRING, ParameterTable::mydomain),
                string("myorigin", "$myhostname"),
                list("mydestination", "$myhostname, localhost.$mydomain, localhost"),
                dynamic("mynetworks", ParameterType.LIST, ParameterTable::mynetworks),
                string("mynetworks_style", "${{$compatibility_level} <level {2} ? {subnet} : {host}}")
                        .withAllowed("host", "subnet", "class"),
                list("inet_interfaces", "all"),
                list("inet_protocols", "all"),
                list("proxy_interfaces", ""),
                list("relay_domains", "${{$compatibility_level} <level {2} ? {$mydestination} : {}}"),
                list("fast_flush_domains", "$relay_domains"),
                string("relayhost", ""),
                bool("append_dot_mydomain", "${{$compatibility_level} <level {1} ? {yes} : {no}}"),
                list("parent_domain_matches_subdomains", "debug_peer_list,fast_flush_domains,mynetworks,"
                        + "permit_mx_backup_networks,qmqpd_authorized_clients,relay_domains,smtpd_access_maps"),
                // Routing.
                list("transport_maps", ""),
                string("default_transport", "smtp"),
                // Postern addition: a table consulted before default_transport.
                list("default_transport_maps", ""),
                string("relay_transport", "relay"),
                string("local_transport", "local:$myhostname"),
                string("virtual_transport", "virtual"),
                // Aliasing and mailboxes.
                list("virtual_maps", ""),
                list("virtual_alias_maps", "$virtual_maps"),
                list("virtual_alias_domains", "$virtual_alias_maps"),
                list("virtual_mailbox_domains", "$virtual_mailbox_maps"),
                list("virtual_mailbox_maps", ""),
                // Postern differs: lmdb, not hash (Berkeley DB), is the default indexed type.
                list("alias_maps", "lmdb:/etc/aliases, nis:mail.aliases"),
                list("alias_database", "lmdb:/etc/aliases"),
                string("default_database_type", "lmdb"),
                list("local_recipient_maps", "proxy:unix:passwd.byname $alias_maps"),
                list("relay_recipient_maps", ""),
                string("recipient_delimiter", ""),
                // Shared by the local and pipe agents, which have no common library to declare them
                // in yet; a pipe service's <service>_time_limit defaults to $command_time_limit
                // (ServiceParameters). The agents' own parameters are theirs (ParameterSet).
                time("command_time_limit", "1000s", 's', 1),
                list("export_environment", "TZ MAIL_CONFIG LANG"),
                // SMTP server.
                list("smtpd_client_restrictions", ""),
                list("smtpd_helo_restrictions", ""),
                list("smtpd_sender_restrictions", ""),
                list("smtpd_relay_restrictions", "${{$compatibility_level} <level {1} ? {} : "
                        + "{permit_mynetworks, permit_sasl_authenticated, defer_unauth_destination}}"),
                list("smtpd_recipient_restrictions", ""),
                list("smtpd_data_restrictions", ""),
                list("smtpd_end_of_data_restrictions", ""),
                list("smtpd_etrn_restrictions", ""),
                list("smtpd_restriction_classes", ""),
                bool("smtpd_helo_required", "no"),
                bool("smtpd_peername_lookup", "yes"),
                // transport:destination for every message smtpd or sendmail queues (FILTER_README);
                // access(5) and header_checks FILTER actions take precedence.
                string("content_filter", ""),
                string("smtpd_banner", "$myhostname ESMTP $mail_name"),
                time("smtpd_timeout", "${stress?{10}:{300}}s", 's', 1),
                // check_policy_service (SMTPD policy delegation).
                time("smtpd_policy_service_timeout", "100s", 's', 1),
                time("smtpd_policy_service_max_idle", "300s", 's', 1),
                time("smtpd_policy_service_max_ttl", "1000s", 's', 1),
                string("smtpd_policy_service_default_action", "451 4.3.5 Server configuration problem"),
                integer("smtpd_policy_service_try_limit", "2", 1),
                time("smtpd_policy_service_retry_delay", "1s", 's', 0),
                integer("smtpd_policy_service_request_limit", "0", 0),
                string("smtpd_policy_service_policy_context", ""),
                integer("smtpd_recipient_limit", "1000", 1),
                // Reply codes and texts of the restrictions (postconf(5), Postfix 3.7 defaults).
                integer("access_map_reject_code", "554", 400).withMax(599),
                integer("access_map_defer_code", "450", 400).withMax(599),
                integer("defer_code", "450", 400).withMax(599),
                integer("reject_code", "554", 400).withMax(599),
                integer("relay_domains_reject_code", "554", 400).withMax(599),
                integer("invalid_hostname_reject_code", "501", 400).withMax(599),
                integer("non_fqdn_reject_code", "504", 400).withMax(599),
                integer("unknown_address_reject_code", "450", 400).withMax(599),
                integer("unknown_client_reject_code", "450", 400).withMax(599),
                integer("unknown_hostname_reject_code", "450", 400).withMax(599),
                integer("unknown_local_recipient_reject_code", "550", 400).withMax(599),
                integer("unknown_relay_recipient_reject_code", "550", 400).withMax(599),
                integer("unknown_virtual_alias_reject_code", "550", 400).withMax(599),
                integer("unknown_virtual_mailbox_reject_code", "550", 400).withMax(599),
                integer("maps_rbl_reject_code", "554", 400).withMax(599),
                integer("multi_recipient_bounce_reject_code", "550", 400).withMax(599),
                string("default_rbl_reply", "$rbl_code Service unavailable; $rbl_class [$rbl_what] blocked using"
                        + " $rbl_domain${rbl_reason?; $rbl_reason}"),
                list("rbl_reply_maps", ""),
                string("smtpd_null_access_lookup_key", "<>"),
                bool("show_user_unknown_table_name", "yes"),
                string("reject_tempfail_action", "defer_if_permit"),
                string("unknown_address_tempfail_action", "$reject_tempfail_action"),
                string("unknown_helo_hostname_tempfail_action", "$reject_tempfail_action"),
                bool("allow_untrusted_routing", "no"),
                integer("smtpd_hard_error_limit", "${stress?{1}:{20}}", 1),
                integer("smtpd_soft_error_limit", "10", 1),
                integer("smtpd_junk_command_limit", "${stress?{1}:{100}}", 1),
                time("smtpd_error_sleep_time", "1s", 's', 0).withSubSecond(),
                integer("smtpd_client_connection_count_limit", "50", 0),
                integer("smtpd_client_connection_rate_limit", "0", 0),
                integer("smtpd_client_message_rate_limit", "0", 0),
                string("smtpd_tls_security_level", "").withAllowed("none", "may", "encrypt"),
                string("smtpd_tls_cert_file", ""),
                string("smtpd_tls_key_file", "$smtpd_tls_cert_file"),
                // Server TLS (Postfix 3.9 defaults); Postern re-reads replaced key files without a reload.
                string("smtpd_tls_eccert_file", ""),
                string("smtpd_tls_eckey_file", "$smtpd_tls_eccert_file"),
                list("smtpd_tls_chain_files", ""),
                // Checked with the configuration (postfix check, reload), not first at listener start.
                string("smtpd_tls_protocols", ">=TLSv1").withSyntax(ValueSyntax.TLS_PROTOCOLS),
                string("smtpd_tls_mandatory_protocols", ">=TLSv1").withSyntax(ValueSyntax.TLS_PROTOCOLS),
                string("smtpd_tls_ciphers", "medium").withSyntax(ValueSyntax.TLS_CIPHER_GRADE),
                string("smtpd_tls_mandatory_ciphers", "medium").withSyntax(ValueSyntax.TLS_CIPHER_GRADE),
                string("smtpd_tls_exclude_ciphers", ""),
                string("smtpd_tls_mandatory_exclude_ciphers", ""),
                bool("smtpd_tls_wrappermode", "no"),
                bool("smtpd_tls_ask_ccert", "no"),
                bool("smtpd_tls_req_ccert", "no"),
                string("smtpd_tls_CAfile", ""),
                string("smtpd_tls_CApath", ""),
                string("smtpd_tls_loglevel", "0"),
                string("smtpd_tls_fingerprint_digest", "sha256"),
                time("smtpd_tls_session_cache_timeout", "3600s", 's', 0),
                bool("smtpd_tls_received_header", "no"),
                list("relay_clientcerts", ""),
                list("tls_server_sni_maps", ""),
                bool("smtpd_sasl_auth_enable", "no"),
                // Postern differs: only the Dovecot protocol (Postfix's defaults are cyrus and "smtpd").
                string("smtpd_sasl_type", "dovecot"),
                string("smtpd_sasl_path", "private/auth"),
                list("smtpd_sasl_security_options", "noanonymous"),
                list("smtpd_sasl_tls_security_options", "$smtpd_sasl_security_options"),
                bool("smtpd_tls_auth_only", "no"),
                bool("smtpd_sasl_authenticated_header", "no"),
                string("smtpd_sasl_local_domain", ""),
                bool("broken_sasl_auth_clients", "no"),
                string("smtpd_sasl_service", "smtp"),
                integer("smtpd_sasl_response_limit", "12288", 1),
                list("smtpd_authorized_xclient_hosts", ""),
                list("smtpd_authorized_xforward_hosts", ""),
                // Postern differs: SMTP smuggling protection on by default (Postfix 3.9's default;
                // 3.7 says "no"). DATA then ends only at CRLF.CRLF.
                string("smtpd_forbid_bare_newline", "normalize").withAllowed("yes", "no", "normalize", "reject"),
                list("smtpd_forbid_bare_newline_exclusions", "$mynetworks"),
                integer("smtpd_forbid_bare_newline_reject_code", "550", 400).withMax(599),
                // Defences against hostile clients. Postern differs: smtpd_forbid_unauth_pipelining
                // is "yes", Postfix 3.9's default (3.7.6 and later have it with "no"); the others
                // have the same default in 3.7 and 3.9.
                bool("smtpd_forbid_unauth_pipelining", "yes"),
                list("smtpd_forbidden_commands", "CONNECT GET POST regexp:{{/^[^A-Z]/ Bogus}}"),
                bool("smtpd_per_request_deadline", "${stress?{yes}:{no}}"),
                integer("smtpd_min_data_rate", "500", 1),
                integer("smtpd_recipient_overshoot_limit", "1000", 1),
                time("anvil_rate_time_unit", "60s", 's', 1),
                list("smtpd_client_event_limit_exceptions", "${smtpd_client_connection_limit_exceptions:$mynetworks}"),
                // Client request rates (anvil(8), clients grouped per IPv6 /84 as Postfix 3.8+), the
                // queue space MAIL needs, and cleanup's stray CR/LF replacement: Postfix 3.9 defaults.
                integer("smtpd_client_recipient_rate_limit", "0", 0),
                integer("smtpd_client_new_tls_session_rate_limit", "0", 0),
                integer("smtpd_client_auth_rate_limit", "0", 0),
                integer("smtpd_client_ipv4_prefix_length", "32", 0).withMax(32),
                integer("smtpd_client_ipv6_prefix_length", "84", 0).withMax(128),
                size("queue_minfree", "0", 0),
                bool("cleanup_replace_stray_cr_lf", "yes"),
                bool("smtpd_reject_unlisted_recipient", "yes"),
                bool("smtpd_reject_unlisted_sender", "no"),
                bool("smtpd_delay_reject", "yes"),
                bool("smtpd_delay_open_until_valid_rcpt", "yes"),
                bool("disable_vrfy_command", "no"),
                // Limits.
                size("message_size_limit", "10240000", 0),
                integer("header_size_limit", "102400", 1),
                integer("line_length_limit", "2048", 1),
                // Queue.
                time("queue_run_delay", "300s", 's', 1),
                time("minimal_backoff_time", "300s", 's', 1),
                time("maximal_backoff_time", "4000s", 's', 1),
                time("maximal_queue_lifetime", "5d", 'd', 0),
                time("bounce_queue_lifetime", "5d", 'd', 0),
                time("delay_warning_time", "0h", 'h', 0),
                integer("default_destination_concurrency_limit", "20", 0),
                integer("default_destination_recipient_limit", "50", 0),
                // Postern extension: accepts "250ms" (Postfix 3.7 takes whole seconds only).
                time("default_destination_rate_delay", "0s", 's', 0).withSubSecond(),
                integer("initial_destination_concurrency", "5", 1),
                integer("default_destination_concurrency_failed_cohort_limit", "1", 0),
                integer("local_destination_concurrency_limit", "2", 0),
                integer("local_destination_recipient_limit", "1", 0),
                integer("qmgr_message_active_limit", "20000", 1),
                list("defer_transports", ""),
                time("transport_retry_time", "60s", 's', 1),
                list("sender_dependent_relayhost_maps", ""),
                list("sender_dependent_default_transport_maps", ""),
                string("2bounce_notice_recipient", "postmaster"),
                string("delay_notice_recipient", "postmaster"),
                integer("default_process_limit", "100", 1),
                // Content inspection and rewriting.
                list("header_checks", ""),
                // Milters (postconf(5), MILTER_README; Postfix 3.7 defaults); the protocol client is the
                // postern-milter bundle, without it smtpd applies milter_default_action.
                list("smtpd_milters", ""),
                list("non_smtpd_milters", ""),
                list("internal_mail_filter_classes", ""),
                string("milter_protocol", "6").withAllowed("2", "3", "4", "6"),
                string("milter_default_action", "tempfail").withAllowed("accept", "reject", "tempfail", "quarantine"),
                time("milter_connect_timeout", "30s", 's', 1),
                time("milter_command_timeout", "30s", 's', 1),
                time("milter_content_timeout", "300s", 's', 1),
                string("milter_macro_daemon_name", "$myhostname"),
                string("milter_macro_v", "$mail_name $mail_version"),
                list("milter_connect_macros", "j {daemon_name} {daemon_addr} v _"),
                list("milter_helo_macros", "{tls_version} {cipher} {cipher_bits} {cert_subject} {cert_issuer}"),
                list("milter_mail_macros", "i {auth_type} {auth_authen} {auth_author} {mail_addr} {mail_host} {mail_mailer}"),
                list("milter_rcpt_macros", "i {rcpt_addr} {rcpt_host} {rcpt_mailer}"),
                list("milter_data_macros", "i"),
                list("milter_end_of_header_macros", "i"),
                list("milter_end_of_data_macros", "i"),
                list("milter_unknown_command_macros", ""),
                list("milter_macro_defaults", ""),
                list("milter_header_checks", ""),
                // cleanup (postconf(5), Postfix 3.7 defaults).
                list("local_header_rewrite_clients", "permit_inet_interfaces"),
                bool("always_add_missing_headers", "no"),
                list("masquerade_exceptions", ""),
                list("masquerade_classes", "envelope_sender, header_sender, header_recipient"),
                list("propagate_unmatched_extensions", "canonical, virtual"),
                integer("virtual_alias_recursion_limit", "1000", 1),
                integer("virtual_alias_expansion_limit", "1000", 1),
                size("body_checks_size_limit", "51200", 0),
                integer("hopcount_limit", "50", 1),
                // Postern's wishlist addition: envelope sender from the From: header (trusted clients).
                bool("sender_from_header_rewrite", "no"),
                list("smtpd_discard_ehlo_keywords", ""),
                list("smtpd_discard_ehlo_keyword_address_maps", ""),
                list("body_checks", ""),
                list("mime_header_checks", "$header_checks"),
                list("nested_header_checks", "$header_checks"),
                bool("disable_mime_input_processing", "no"),
                integer("mime_nesting_limit", "100", 1),
                integer("mime_boundary_length_limit", "2048", 1),
                bool("strict_8bitmime", "no"),
                bool("strict_7bit_headers", "no"),
                bool("strict_8bitmime_body", "no"),
                bool("strict_mime_encoding_domain", "no"),
                list("canonical_maps", ""),
                list("sender_canonical_maps", ""),
                list("recipient_canonical_maps", ""),
                list("masquerade_domains", ""),
                string("always_bcc", ""),
                list("sender_bcc_maps", ""),
                list("recipient_bcc_maps", ""),
                // DNS. Postern's own: the name servers to ask ("host[:port]" ...), empty = /etc/resolv.conf.
                list("dns_servers", ""),
                // Postern's own: where DNSSEC is validated (resolver: its AD bit, as Postfix; local: in the JVM).
                string("dnssec_validation", "resolver").withAllowed("resolver", "local"),
                string("dnssec_trust_anchor_file", ""),
                string("dnssec_probe", "ns:."),
                // Local submission and the tools: who may use sendmail, mailq, postqueue -f, and as which sender.
                list("authorized_submit_users", "static:anyone"),
                list("authorized_mailq_users", "static:anyone"),
                list("authorized_flush_users", "static:anyone"),
                list("local_login_sender_maps", "static:*"),
                string("empty_address_local_login_sender_maps_lookup_key", "<>"),
                // Notification.
                string("bounce_notice_recipient", "postmaster"),
                string("double_bounce_sender", "double-bounce"),
                list("notify_classes", "resource, software"),
                // Installation and identity of the software.
                string("compatibility_level", "0"),
                // Postern differs: directories come from the runtime, not from compile time.
                dynamic("config_directory", ParameterType.STRING, (env, m) -> env.configDirectory().toString()),
                dynamic("queue_directory", ParameterType.STRING, (env, m) -> env.queueDirectory().toString()),
                dynamic("data_directory", ParameterType.STRING, (env, m) -> env.postfixDataDirectory().toString()),
                // Postern differs: its own system user (bin/postern-install makes it and runs Postern as it).
                string("mail_owner", "postern"),
                // Postern differs: it names itself (smtpd_banner shows "ESMTP Postern").
                string("mail_name", "Postern"),
                string("mail_version", MAIL_VERSION),
                // Logging identity; Postern differs: "postern" instead of "postfix" in log lines.
                string("multi_instance_name", ""),
                string("syslog_name", "${multi_instance_name?{$multi_instance_name}:{postern}}"),
                // Set per service by the master (process_name is the program's own name).
                string("service_name", ""),
                string("process_name", "postconf"),
                // Set by the master for services under stress; empty otherwise.
                string("stress", ""),
                bool("requiretls_enable", "yes"),
                bool("smtputf8_enable", "${{$compatibility_level} <level {1} ? {no} : {yes}}"),
                bool("strict_smtputf8", "no"),
                bool("strict_rfc821_envelopes", "no"),
                bool("biff", "yes"),
                bool("soft_bounce", "no"),
                list("debug_peer_list", ""),
                string("maillog_file", ""));
    }
}
