// SPDX-License-Identifier: Apache-2.0
package org.postern.transport.smtp;

import java.time.Duration;
import java.util.List;
import java.util.Locale;

import org.postern.api.delivery.ServiceSettings;
import org.postern.api.parameter.Parameter;

/**
 * SUMMARY   The TLS settings of one destination: main.cf's smtp_tls_* (lmtp_tls_*) parameters
 *           with the destination's policy attributes over them.
 * DESCRIPTION
 *   Opportunistic levels (may, dane without usable TLSA records) use smtp_tls_protocols,
 *   smtp_tls_ciphers and smtp_tls_exclude_ciphers; the others the mandatory_ variants, which
 *   the policy's protocols=, ciphers= and exclude= replace. The match list is the level's
 *   (smtp_tls_verify_cert_match, smtp_tls_secure_cert_match, smtp_tls_fingerprint_cert_match)
 *   unless the policy gives match=. smtp_tls_fingerprint_digest's default is Postfix's: md5
 *   below compatibility_level 3.6, sha256 from it on.
 *
 * @param match           names ("hostname", "nexthop", "dot-nexthop", literal) or fingerprints
 * @param servername      SNI: empty (the MX host name), "hostname", "nexthop" or a literal name
 * @param trustAnchorFiles smtp_tls_trust_anchor_file or tafile=: when set, the only anchors
 * @param daneStrictNames smtp_tls_dane_strict_names: DANE-TA names are the TLSA base domain only
 * @param sessionCache    how long a TLS session may be resumed: smtp_tls_session_cache_timeout
 *                        (at most Postfix's 100 days) when smtp_tls_session_cache_database names a
 *                        table, else zero: no session is resumed, as Postfix without a cache
 */
record TlsSettings(List<String> match, String fingerprintDigest, String protocols, String ciphers,
                   List<String> excludedCiphers, String opportunisticProtocols, String opportunisticCiphers,
                   List<String> opportunisticExcluded, String servername, List<String> trustAnchorFiles,
                   String caFile, String caPath, boolean wrapperMode, boolean daneStrictNames,
                   Duration sessionCache) {

    /** Postfix's limit on smtp_tls_session_cache_timeout. */
    static final Duration LONGEST_SESSION = Duration.ofDays(100);

    static TlsSettings of(Protocol p, ServiceSettings s, TlsPolicy policy) {
        ClientParameters d = ClientParameters.of(p);
        TlsPolicy.Attributes a = policy.attributes();
        Parameter levelMatch = switch (policy.level()) {
            case SECURE -> d.secureCertMatch;
            case FINGERPRINT -> d.fingerprintCertMatch;
            default -> d.verifyCertMatch;
        };
        return new TlsSettings(
                a.match().orElse(s.list(levelMatch)),
                fingerprintDigest(s, d),
                a.protocols().orElse(s.string(d.tlsMandatoryProtocols)),
                a.ciphers().orElse(s.string(d.tlsMandatoryCiphers)),
                a.exclude().orElse(s.list(d.tlsMandatoryExcludeCiphers)),
                s.string(d.tlsProtocols),
                s.string(d.tlsCiphers),
                s.list(d.tlsExcludeCiphers),
                a.servername().orElse(s.string(d.tlsServername)).strip(),
                a.tafile().orElse(s.list(d.tlsTrustAnchorFile)),
                s.string(d.tlsCaFile).strip(),
                s.string(d.tlsCaPath).strip(),
                a.wrapperMode().orElse(s.bool(d.tlsWrapperMode)),
                s.bool(SmtpParameters.DANE_STRICT_NAMES),
                sessionCache(s, d));
    }

    private static Duration sessionCache(ServiceSettings s, ClientParameters d) {
        if (s.string(d.tlsSessionCacheDatabase).isBlank()) {
            return Duration.ZERO;
        }
        Duration timeout = s.time(d.tlsSessionCacheTimeout);
        return timeout.compareTo(LONGEST_SESSION) > 0 ? LONGEST_SESSION : timeout;
    }

    /** smtp_tls_fingerprint_digest with Postfix's compatibility-level default resolved. */
    static String fingerprintDigest(ServiceSettings s, ClientParameters d) {
        String value = s.string(d.fingerprintDigest).strip();
        if (!value.equals(d.fingerprintDigest.defaultValue())) {
            return value;
        }
        String level = s.get("compatibility_level", "0").strip();
        return compatibilityBelow36(level) ? "md5" : "sha256";
    }

    /** Postfix's "<level {3.6}" for a compatibility_level such as 0, 2, 3.6 or 3.10. */
    static boolean compatibilityBelow36(String level) {
        String[] parts = level.toLowerCase(Locale.ROOT).split("\\.");
        try {
            int major = Integer.parseInt(parts[0]);
            int minor = parts.length > 1 ? Integer.parseInt(parts[1]) : 0;
            return major < 3 || (major == 3 && minor < 6);
        } catch (NumberFormatException e) {
            return true;
        }
    }
}
