// SPDX-License-Identifier: Apache-2.0
package org.postern.core.smtpd.tls;

import java.time.Duration;
import java.util.List;
import java.util.Locale;

import org.postern.api.support.TlsLogLevel;
import org.postern.core.config.PostfixConfig;

/**
 * The smtpd_tls_* parameters of one service (main.cf with its master.cf -o overrides).
 *
 * @param level               smtpd_tls_security_level: "", none, may, encrypt
 * @param wrapperMode         smtpd_tls_wrappermode (no): TLS from the first byte (smtps)
 * @param certFile            smtpd_tls_cert_file (empty)
 * @param keyFile             smtpd_tls_key_file ($smtpd_tls_cert_file)
 * @param eccertFile          smtpd_tls_eccert_file (empty)
 * @param eckeyFile           smtpd_tls_eckey_file ($smtpd_tls_eccert_file)
 * @param chainFiles          smtpd_tls_chain_files (empty); wins over the four above
 * @param protocols           smtpd_tls_protocols (&gt;=TLSv1), opportunistic TLS
 * @param mandatoryProtocols  smtpd_tls_mandatory_protocols (&gt;=TLSv1), level encrypt
 * @param ciphers             smtpd_tls_ciphers (medium)
 * @param mandatoryCiphers    smtpd_tls_mandatory_ciphers (medium)
 * @param excludeCiphers      smtpd_tls_exclude_ciphers (empty)
 * @param mandatoryExclude    smtpd_tls_mandatory_exclude_ciphers (empty)
 * @param askCcert            smtpd_tls_ask_ccert (no)
 * @param reqCcert            smtpd_tls_req_ccert (no); only with level encrypt, as Postfix
 * @param caFile              smtpd_tls_CAfile (empty): who signs trusted client certificates
 * @param caPath              smtpd_tls_CApath (empty): a directory of more such CA certificates
 * @param fingerprintDigest   smtpd_tls_fingerprint_digest (sha256)
 * @param sessionCacheTimeout smtpd_tls_session_cache_timeout (3600s)
 * @param receivedHeader      smtpd_tls_received_header (no)
 * @param logLevel            smtpd_tls_loglevel (0): which lines a handshake that worked logs
 */
public record ServerTlsSettings(String level, boolean wrapperMode, String certFile, String keyFile,
                                String eccertFile, String eckeyFile, List<String> chainFiles, String protocols,
                                String mandatoryProtocols, String ciphers, String mandatoryCiphers,
                                String excludeCiphers, String mandatoryExclude, boolean askCcert, boolean reqCcert,
                                String caFile, String caPath, String fingerprintDigest,
                                Duration sessionCacheTimeout, boolean receivedHeader, TlsLogLevel logLevel) {

    public static ServerTlsSettings from(PostfixConfig c) {
        return new ServerTlsSettings(
                c.get("smtpd_tls_security_level").trim().toLowerCase(Locale.ROOT),
                c.bool("smtpd_tls_wrappermode"),
                c.get("smtpd_tls_cert_file").trim(),
                c.get("smtpd_tls_key_file").trim(),
                c.get("smtpd_tls_eccert_file").trim(),
                c.get("smtpd_tls_eckey_file").trim(),
                c.list("smtpd_tls_chain_files"),
                c.get("smtpd_tls_protocols"),
                c.get("smtpd_tls_mandatory_protocols"),
                c.get("smtpd_tls_ciphers"),
                c.get("smtpd_tls_mandatory_ciphers"),
                c.get("smtpd_tls_exclude_ciphers"),
                c.get("smtpd_tls_mandatory_exclude_ciphers"),
                c.bool("smtpd_tls_ask_ccert"),
                c.bool("smtpd_tls_req_ccert"),
                c.get("smtpd_tls_CAfile").trim(),
                c.get("smtpd_tls_CApath").trim(),
                c.get("smtpd_tls_fingerprint_digest").trim(),
                c.time("smtpd_tls_session_cache_timeout"),
                c.bool("smtpd_tls_received_header"),
                TlsLogLevel.parse(c.get("smtpd_tls_loglevel")));
    }

    /** Level encrypt (or wrapper mode): the mandatory protocols and ciphers apply. */
    public boolean mandatory() {
        return level.equals("encrypt");
    }

    /** A client certificate is asked for (smtpd_tls_ask_ccert, or smtpd_tls_req_ccert with encrypt). */
    public boolean asksClientCertificate() {
        return askCcert || requiresClientCertificate();
    }

    /** smtpd_tls_req_ccert takes effect only with level encrypt, as Postfix. */
    public boolean requiresClientCertificate() {
        return reqCcert && mandatory();
    }
}
