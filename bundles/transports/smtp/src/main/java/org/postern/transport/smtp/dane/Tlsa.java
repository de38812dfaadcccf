// SPDX-License-Identifier: Apache-2.0
package org.postern.transport.smtp.dane;

import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * One TLSA record (RFC 6698 section 2.1): certificate usage, selector, matching type and the
 * certificate association data.
 *
 * @param usage        0 PKIX-TA, 1 PKIX-EE, 2 DANE-TA, 3 DANE-EE
 * @param selector     0 the full certificate, 1 its SubjectPublicKeyInfo
 * @param matchingType 0 exact, 1 SHA-256, 2 SHA-512
 * @param data         the association data
 */
public record Tlsa(int usage, int selector, int matchingType, byte[] data) {

    public static final int DANE_TA = 2;
    public static final int DANE_EE = 3;

    public Tlsa {
        data = data.clone();
    }

    @Override
    public byte[] data() {
        return data.clone();
    }

    /**
     * The record in presentation form, "3 1 1 A0B1..." (dnsjava's rdata text); empty when malformed.
     */
    public static Optional<Tlsa> parse(String presentation) {
        String[] f = presentation.strip().split("\\s+", 4);
        if (f.length < 4) {
            return Optional.empty();
        }
        try {
            return Optional.of(new Tlsa(Integer.parseInt(f[0]), Integer.parseInt(f[1]), Integer.parseInt(f[2]),
                    HexFormat.of().parseHex(f[3].replaceAll("\\s+", ""))));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /**
     * Usable for SMTP (RFC 7672 section 3.1): DANE-TA or DANE-EE, a known selector and matching
     * type, and digest data of the digest's length. PKIX-TA and PKIX-EE are not used for SMTP.
     */
    public boolean usable() {
        if ((usage != DANE_TA && usage != DANE_EE) || selector < 0 || selector > 1) {
            return false;
        }
        return switch (matchingType) {
            case 0 -> data.length > 0;
            case 1 -> data.length == 32;
            case 2 -> data.length == 64;
            default -> false;
        };
    }

    /** Whether {@code certificate} is the one this record names (by selector and matching type). */
    public boolean matches(X509Certificate certificate) {
        try {
            byte[] selected = selector == 0 ? certificate.getEncoded() : certificate.getPublicKey().getEncoded();
            byte[] digest = switch (matchingType) {
                case 0 -> selected;
                case 1 -> MessageDigest.getInstance("SHA-256").digest(selected);
                case 2 -> MessageDigest.getInstance("SHA-512").digest(selected);
                default -> null;
            };
            return digest != null && MessageDigest.isEqual(digest, data);
        } catch (CertificateEncodingException | NoSuchAlgorithmException e) {
            return false;
        }
    }

    /** The key algorithms a bare trust-anchor key is tried as (JDK names). */
    private static final List<String> KEY_ALGORITHMS = List.of("RSA", "EC", "Ed25519", "Ed448", "DSA");

    /**
     * The public key of a DANE-TA record that gives it in full (selector 1, matching type 0):
     * the trust anchor may then be absent from the server's chain (RFC 7671 section 5.2.3).
     * Empty for other records and for data that is no SubjectPublicKeyInfo the JDK knows.
     */
    public Optional<PublicKey> trustAnchorKey() {
        if (usage != DANE_TA || selector != 1 || matchingType != 0) {
            return Optional.empty();
        }
        for (String algorithm : KEY_ALGORITHMS) {
            try {
                PublicKey key = KeyFactory.getInstance(algorithm).generatePublic(new X509EncodedKeySpec(data));
                if (Arrays.equals(key.getEncoded(), data)) {      // the algorithm the SPKI names, not a lenient parse
                    return Optional.of(key);
                }
            } catch (GeneralSecurityException | IllegalArgumentException e) {
                // not this algorithm: try the next
            }
        }
        return Optional.empty();
    }

    /** Presentation form, as RFC 8460 policy strings and the logs show it. */
    @Override
    public String toString() {
        return usage + " " + selector + " " + matchingType + " " + HexFormat.of().formatHex(data).toUpperCase(Locale.ROOT);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Tlsa t && t.usage == usage && t.selector == selector && t.matchingType == matchingType
                && Arrays.equals(t.data, data);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * (31 * usage + selector) + matchingType) + Arrays.hashCode(data);
    }
}
