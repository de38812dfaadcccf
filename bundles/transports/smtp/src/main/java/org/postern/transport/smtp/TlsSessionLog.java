// SPDX-License-Identifier: Apache-2.0
package org.postern.transport.smtp;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.HexFormat;
import java.util.Locale;

import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;

import org.postern.api.support.CipherSuites;
import org.postern.api.support.LogText;
import org.postern.api.support.TlsLogLevel;
import org.slf4j.Logger;

/**
 * SUMMARY   The client's lines about a TLS session that worked, as Postfix's tls_client_start()
 *           writes them at each smtp_tls_loglevel (lmtp_tls_loglevel).
 * DESCRIPTION
 *   0: none. 1: "Verified TLS connection established to mx.example[192.0.2.1]:25: TLSv1.3 with
 *   cipher TLS_AES_256_GCM_SHA384 (256/256 bits)". 2: before the handshake "setting up TLS
 *   connection to ..." and the cipher list (OpenSSL names), after it "...: Reusing old
 *   session" for a resumed session and the server certificate's subject_CN, issuer_CN and
 *   fingerprints (smtp_tls_fingerprint_digest). Failures are not this class's: they are
 *   logged at every level.
 * SECURITY  Certificate names come from the server: printed through LogText.
 *
 * @param level             smtp_tls_loglevel
 * @param fingerprintDigest smtp_tls_fingerprint_digest as in effect (md5 ... sha512)
 */
record TlsSessionLog(TlsLogLevel level, String fingerprintDigest) {

    static final TlsSessionLog NONE = new TlsSessionLog(TlsLogLevel.NONE, "sha256");

    /** Before the handshake with {@code relay} ("host[addr]:port"). */
    void settingUp(Logger log, String relay, EndpointTls.Handshake handshake) {
        if (level.verbose()) {
            log.info("setting up TLS connection to {}", relay);
            log.info("{}: TLS cipher list \"{}\"", relay,
                    String.join(":", handshake.suites().stream().map(CipherSuites::openSslName).toList()));
        }
    }

    /** After a handshake that worked; {@code trust} is "Verified", "Trusted" or "Untrusted". */
    void established(Logger log, String relay, String trust, SSLSession session, boolean resumed) {
        if (level.cache() && resumed) {
            log.info("{}: Reusing old session", relay);
        }
        if (level.peerCertificate()) {
            peerCertificate(session).ifPresent(line -> log.info("{}: {}", relay, line));
        }
        if (level.summary()) {
            log.info(summary(trust, relay, session));
        }
    }

    /** Postfix's summary line (also what posttls-finger prints). */
    static String summary(String trust, String relay, SSLSession session) {
        int bits = CipherSuites.bits(session.getCipherSuite());
        return trust + " TLS connection established to " + relay + ": " + session.getProtocol() + " with cipher "
                + CipherSuites.openSslName(session.getCipherSuite()) + " (" + bits + "/" + bits + " bits)";
    }

    private java.util.Optional<String> peerCertificate(SSLSession session) {
        try {
            Certificate[] chain = session.getPeerCertificates();
            if (chain.length == 0 || !(chain[0] instanceof X509Certificate c)) {
                return java.util.Optional.empty();
            }
            MessageDigest digest = MessageDigest.getInstance(jcaName(fingerprintDigest));
            HexFormat hex = HexFormat.ofDelimiter(":").withUpperCase();
            String cert = hex.formatHex(digest.digest(c.getEncoded()));
            String key = hex.formatHex(digest.digest(c.getPublicKey().getEncoded()));
            return java.util.Optional.of("subject_CN=" + cn(c.getSubjectX500Principal().getName()) + ", issuer_CN="
                    + cn(c.getIssuerX500Principal().getName()) + ", fingerprint=" + cert + ", pkey_fingerprint=" + key);
        } catch (SSLPeerUnverifiedException | GeneralSecurityException e) {
            return java.util.Optional.empty();
        }
    }

    private static String cn(String dn) {
        try {
            for (Rdn r : new LdapName(dn).getRdns()) {
                if (r.getType().equalsIgnoreCase("CN")) {
                    return LogText.printable(String.valueOf(r.getValue()));
                }
            }
        } catch (InvalidNameException e) {
            return "";
        }
        return "";
    }

    private static String jcaName(String digest) {
        return switch (digest.strip().toLowerCase(Locale.ROOT)) {
            case "md5" -> "MD5";
            case "sha1" -> "SHA-1";
            case "sha224" -> "SHA-224";
            case "sha384" -> "SHA-384";
            case "sha512" -> "SHA-512";
            default -> "SHA-256";
        };
    }
}
