// SPDX-License-Identifier: Apache-2.0
package org.postern.transport.smtp;

import java.util.List;
import java.util.function.Function;

import org.postern.api.parameter.Parameter;
import org.postern.api.parameter.ParameterSyntax;
import org.postern.api.parameter.ParameterType;
import org.postern.api.parameter.ValueSyntax;

/**
 * SUMMARY   The declarations of the smtp_* (or lmtp_*) parameters this bundle reads, with
 *           Postfix 3.7's defaults; the one place their defaults and bounds are written.
 * DESCRIPTION
 *   Postern additions, documented here because Postfix has no such parameters:
 *     smtp_connect_timeout_budget (default 3 x smtp_connect_timeout; lmtp_ likewise): the
 *       total time spent in TCP connects across all MX hosts of one delivery; 0 means no budget.
 *     smtp_connection_cache_size_limit (default 100; lmtp_ likewise): the number of idle
 *       connections kept per agent; the oldest is closed when a new one would exceed it.
 *   The budget and smtp_connection_cache_time_limit also accept "ms" (Postern extension).
 *   smtp_tls_session_cache_database is read as a switch: any table turns the client's TLS
 *   session cache on, kept in memory ({@link TlsContexts}); nothing is written to the table.
 */
final class ClientParameters {

    static final ClientParameters SMTP = new ClientParameters(Protocol.SMTP);
    static final ClientParameters LMTP = new ClientParameters(Protocol.LMTP);

    final Parameter heloName;
    final Parameter tcpPort;
    final Parameter connectTimeout;
    final Parameter connectBudget;
    final Parameter heloTimeout;
    final Parameter startTlsTimeout;
    final Parameter mailTimeout;
    final Parameter rcptTimeout;
    final Parameter dataInitTimeout;
    final Parameter dataXferTimeout;
    final Parameter dataDoneTimeout;
    final Parameter rsetTimeout;
    final Parameter quitTimeout;
    final Parameter mxAddressLimit;
    final Parameter mxSessionLimit;
    final Parameter tlsSecurityLevel;
    final Parameter tlsPolicyMaps;
    final Parameter tlsCaFile;
    final Parameter tlsCaPath;
    final Parameter verifyCertMatch;
    final Parameter secureCertMatch;
    final Parameter fingerprintCertMatch;
    final Parameter fingerprintDigest;
    final Parameter tlsServername;
    final Parameter tlsProtocols;
    final Parameter tlsMandatoryProtocols;
    final Parameter tlsCiphers;
    final Parameter tlsMandatoryCiphers;
    final Parameter tlsExcludeCiphers;
    final Parameter tlsMandatoryExcludeCiphers;
    final Parameter tlsTrustAnchorFile;
    final Parameter tlsWrapperMode;
    final Parameter tlsConnectionReuse;
    final Parameter tlsLogLevel;
    final Parameter tlsSessionCacheDatabase;
    final Parameter tlsSessionCacheTimeout;
    final Parameter requireTlsPolicy;
    final Parameter dnsSupportLevel;
    final Parameter hostLookup;
    final Parameter skip5xxGreeting;
    final Parameter deferIfNoMxAddress;
    final Parameter cacheOnDemand;
    final Parameter cacheDestinations;
    final Parameter cacheTimeLimit;
    final Parameter reuseTimeLimit;
    final Parameter reuseCountLimit;
    final Parameter cacheSizeLimit;
    final Parameter genericMaps;
    final Parameter saslAuthEnable;
    final Parameter saslPasswordMaps;
    final Parameter saslSecurityOptions;
    final Parameter saslTlsSecurityOptions;
    final Parameter saslMechanismFilter;
    final Parameter senderDependentAuthentication;
    final Parameter saslAuthSoftBounce;
    /** smtp_never_send_ehlo for smtp, lmtp_assume_final for lmtp: the one switch only one protocol has. */
    final Parameter protocolSwitch;

    private ClientParameters(Protocol p) {
        boolean smtp = p == Protocol.SMTP;
        heloName = Parameter.string(smtp ? "smtp_helo_name" : "lmtp_lhlo_name", "$myhostname");
        tcpPort = Parameter.string(p.parameter("tcp_port"), smtp ? "smtp" : "24");
        connectTimeout = Parameter.time(p.parameter("connect_timeout"), smtp ? "30s" : "0s", 's', 0);
        String connect = connectTimeout.name();
        long connectDefault = smtp ? 30 : 0;
        connectBudget = Parameter.derived(p.parameter("connect_timeout_budget"), ParameterType.TIME,
                settings -> threeTimes(settings, connect, connectDefault)).withSubSecond();
        heloTimeout = timeout(smtp ? "smtp_helo_timeout" : "lmtp_lhlo_timeout", "300s");
        startTlsTimeout = timeout(p.parameter("starttls_timeout"), "300s");
        mailTimeout = timeout(p.parameter("mail_timeout"), "300s");
        rcptTimeout = timeout(p.parameter("rcpt_timeout"), "300s");
        dataInitTimeout = timeout(p.parameter("data_init_timeout"), "120s");
        dataXferTimeout = timeout(p.parameter("data_xfer_timeout"), "180s");
        dataDoneTimeout = timeout(p.parameter("data_done_timeout"), "600s");
        rsetTimeout = timeout(p.parameter("rset_timeout"), "20s");
        quitTimeout = timeout(p.parameter("quit_timeout"), "300s");
        mxAddressLimit = Parameter.integer(p.parameter("mx_address_limit"), "5", 0);
        mxSessionLimit = Parameter.integer(p.parameter("mx_session_limit"), "2", 0);
        tlsSecurityLevel = Parameter.string(p.parameter("tls_security_level"), "").withAllowed("none", "may",
                "encrypt", "dane", "dane-only", "fingerprint", "verify", "secure");
        tlsPolicyMaps = Parameter.list(p.parameter("tls_policy_maps"), "");
        tlsCaFile = Parameter.string(p.parameter("tls_CAfile"), "");
        tlsCaPath = Parameter.string(p.parameter("tls_CApath"), "");
        verifyCertMatch = Parameter.list(p.parameter("tls_verify_cert_match"), "hostname");
        secureCertMatch = Parameter.list(p.parameter("tls_secure_cert_match"), smtp ? "nexthop, dot-nexthop" : "nexthop");
        fingerprintCertMatch = Parameter.list(p.parameter("tls_fingerprint_cert_match"), "");
        // Postfix's conditional default, evaluated by TlsSettings
        fingerprintDigest = Parameter.string(p.parameter("tls_fingerprint_digest"),
                "${{$compatibility_level} <level {3.6} ? {md5} : {sha256}}").withTemplate();
        tlsServername = Parameter.string(p.parameter("tls_servername"), "");
        // Checked with the configuration (postfix check, reload), not first at a delivery.
        tlsProtocols = Parameter.string(p.parameter("tls_protocols"), ">=TLSv1").withSyntax(ValueSyntax.TLS_PROTOCOLS);
        tlsMandatoryProtocols = Parameter.string(p.parameter("tls_mandatory_protocols"), ">=TLSv1")
                .withSyntax(ValueSyntax.TLS_PROTOCOLS);
        tlsCiphers = Parameter.string(p.parameter("tls_ciphers"), "medium").withSyntax(ValueSyntax.TLS_CIPHER_GRADE);
        tlsMandatoryCiphers = Parameter.string(p.parameter("tls_mandatory_ciphers"), "medium")
                .withSyntax(ValueSyntax.TLS_CIPHER_GRADE);
        tlsExcludeCiphers = Parameter.list(p.parameter("tls_exclude_ciphers"), "");
        tlsMandatoryExcludeCiphers = Parameter.list(p.parameter("tls_mandatory_exclude_ciphers"), "");
        tlsTrustAnchorFile = Parameter.list(p.parameter("tls_trust_anchor_file"), "");
        tlsWrapperMode = Parameter.bool(p.parameter("tls_wrappermode"), "no");
        tlsConnectionReuse = Parameter.bool(p.parameter("tls_connection_reuse"), "no");
        tlsLogLevel = Parameter.string(p.parameter("tls_loglevel"), "0");
        tlsSessionCacheDatabase = Parameter.string(p.parameter("tls_session_cache_database"), "");
        tlsSessionCacheTimeout = Parameter.time(p.parameter("tls_session_cache_timeout"), "3600s", 's', 0);
        // Postfix 3.11's defaults: smtp enforces for all but the own domain, localhost and
        // addresses; lmtp (message stores, content filters) is opportunistic ({@link RequireTlsPolicy})
        requireTlsPolicy = Parameter.list(p.parameter("requiretls_policy"), smtp
                ? "inline:{ {$mydomain = opportunistic}, {.$mydomain = opportunistic}, {localhost = opportunistic} },"
                  + " cidr:{ {0.0.0.0/0 opportunistic}, {::/0 opportunistic} }, enforce"
                : "opportunistic");
        dnsSupportLevel = Parameter.string(p.parameter("dns_support_level"), "").withAllowed("disabled", "enabled",
                "dnssec");
        hostLookup = Parameter.list(p.parameter("host_lookup"), "dns");
        skip5xxGreeting = Parameter.bool(p.parameter("skip_5xx_greeting"), "yes");
        deferIfNoMxAddress = Parameter.bool(p.parameter("defer_if_no_mx_address_found"), "no");
        cacheOnDemand = Parameter.bool(p.parameter("connection_cache_on_demand"), "yes");
        cacheDestinations = Parameter.list(p.parameter("connection_cache_destinations"), "");
        cacheTimeLimit = Parameter.time(p.parameter("connection_cache_time_limit"), "2s", 's', 0).withSubSecond();
        reuseTimeLimit = timeout(p.parameter("connection_reuse_time_limit"), "300s");
        reuseCountLimit = Parameter.integer(p.parameter("connection_reuse_count_limit"), "0", 0);
        cacheSizeLimit = Parameter.integer(p.parameter("connection_cache_size_limit"), "100", 0);
        genericMaps = Parameter.list(p.parameter("generic_maps"), "");
        saslAuthEnable = Parameter.bool(p.parameter("sasl_auth_enable"), "no");
        saslPasswordMaps = Parameter.list(p.parameter("sasl_password_maps"), "");
        saslSecurityOptions = Parameter.list(p.parameter("sasl_security_options"), "noplaintext, noanonymous");
        saslTlsSecurityOptions = Parameter.list(p.parameter("sasl_tls_security_options"),
                "$" + saslSecurityOptions.name());
        saslMechanismFilter = Parameter.list(p.parameter("sasl_mechanism_filter"), "");
        senderDependentAuthentication = Parameter.bool(p.parameter("sender_dependent_authentication"), "no");
        saslAuthSoftBounce = Parameter.bool(p.parameter("sasl_auth_soft_bounce"), "yes");
        protocolSwitch = Parameter.bool(smtp ? "smtp_never_send_ehlo" : "lmtp_assume_final", "no");
    }

    /** Every declaration of this protocol. */
    List<Parameter> all() {
        return List.of(heloName, tcpPort, connectTimeout, connectBudget, heloTimeout, startTlsTimeout, mailTimeout,
                rcptTimeout, dataInitTimeout, dataXferTimeout, dataDoneTimeout, rsetTimeout, quitTimeout,
                mxAddressLimit, mxSessionLimit, tlsSecurityLevel, tlsPolicyMaps, tlsCaFile, tlsCaPath,
                verifyCertMatch, secureCertMatch, fingerprintCertMatch, fingerprintDigest, tlsServername, tlsProtocols,
                tlsMandatoryProtocols, tlsCiphers, tlsMandatoryCiphers, tlsExcludeCiphers, tlsMandatoryExcludeCiphers,
                tlsTrustAnchorFile, tlsWrapperMode, tlsConnectionReuse, tlsLogLevel, tlsSessionCacheDatabase,
                tlsSessionCacheTimeout, requireTlsPolicy, dnsSupportLevel, hostLookup,
                skip5xxGreeting, deferIfNoMxAddress, cacheOnDemand,
                cacheDestinations, cacheTimeLimit, reuseTimeLimit, reuseCountLimit, cacheSizeLimit, genericMaps,
                saslAuthEnable, saslPasswordMaps, saslSecurityOptions, saslTlsSecurityOptions, saslMechanismFilter,
                senderDependentAuthentication, saslAuthSoftBounce, protocolSwitch);
    }


    static ClientParameters of(Protocol p) {
        return p == Protocol.SMTP ? SMTP : LMTP;
    }

    private static Parameter timeout(String name, String def) {
        return Parameter.time(name, def, 's', 1);
    }

    /** 3 x the connect timeout as set, else 3 x its default; a malformed timeout is reported for itself. */
    private static String threeTimes(Function<String, String> settings, String timeout, long defaultSeconds) {
        String value = settings.apply(timeout);
        long seconds = defaultSeconds;
        if (value != null && !value.isBlank()) {
            try {
                seconds = ParameterSyntax.parseTime(value.strip(), 's', false).toSeconds();
            } catch (IllegalArgumentException e) {
                seconds = defaultSeconds;
            }
        }
        return (3 * seconds) + "s";
    }
}
