// SPDX-License-Identifier: Apache-2.0
package org.postern.transport.smtp.tls;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;

/**
 * SUMMARY   Postfix's fingerprint level: the server certificate, or its public key, has one of
 *           the configured digests (smtp_tls_fingerprint_digest, "AB:CD:..." as postfix
 *           tls_fingerprint writes them); names, issuers and expiry are not checked.
 */
public final class FingerprintTrustManager extends ServerOnlyTrustManager {

    private final String digest;
    private final List<String> fingerprints;

    /**
     * @param digest       md5, sha1, sha256 ... (smtp_tls_fingerprint_digest)
     * @param fingerprints hex with or without colons, any case
     */
    public FingerprintTrustManager(String digest, List<String> fingerprints) throws NoSuchAlgorithmException {
        this.digest = jcaName(digest);
        MessageDigest.getInstance(this.digest);     // an unknown digest is a configuration error now
        this.fingerprints = fingerprints.stream().map(FingerprintTrustManager::normalize).toList();
    }

    @Override
    protected void verify(X509Certificate[] chain, String authType) throws CertificateException {
        if (chain == null || chain.length == 0) {
            throw new CertificateException("no server certificate");
        }
        String certificate = hex(chain[0].getEncoded());
        String publicKey = hex(chain[0].getPublicKey().getEncoded());
        if (!fingerprints.contains(certificate) && !fingerprints.contains(publicKey)) {
            throw new CertificateException("server certificate fingerprint " + certificate
                    + " (public key " + publicKey + ") is not in the match list");
        }
    }

    private String hex(byte[] data) throws CertificateException {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance(digest).digest(data));
        } catch (NoSuchAlgorithmException e) {
            throw new CertificateException(e);
        }
    }

    static String normalize(String fingerprint) {
        return fingerprint.strip().replace(":", "").toLowerCase(Locale.ROOT);
    }

    private static String jcaName(String digest) {
        String d = digest.strip().toLowerCase(Locale.ROOT);
        return switch (d) {
            case "md5" -> "MD5";
            case "sha1" -> "SHA-1";
            case "sha224" -> "SHA-224";
            case "sha256" -> "SHA-256";
            case "sha384" -> "SHA-384";
            case "sha512" -> "SHA-512";
            default -> d;
        };
    }
}
