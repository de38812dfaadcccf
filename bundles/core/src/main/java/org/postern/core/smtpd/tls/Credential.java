// SPDX-License-Identifier: Apache-2.0
package org.postern.core.smtpd.tls;

import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Objects;

/**
 * One server key with its certificate chain (leaf first), as read from PEM files.
 *
 * @param key    the private key
 * @param chain  the leaf certificate, then its issuers
 * @param origin where it came from, for log lines
 */
public record Credential(PrivateKey key, List<X509Certificate> chain, String origin) {

    public Credential {
        Objects.requireNonNull(key, "key");
        chain = List.copyOf(chain);
        if (chain.isEmpty()) {
            throw new IllegalArgumentException(origin + ": no certificate");
        }
    }

    public X509Certificate leaf() {
        return chain.get(0);
    }

    /** The JCA key algorithm: "RSA", "EC", "Ed25519" ... (Bouncy Castle's "ECDSA" is "EC"). */
    public String algorithm() {
        String alg = key.getAlgorithm();
        return alg.equals("ECDSA") ? "EC" : alg;
    }

    /** Whether this credential can serve JSSE's {@code keyType} ("RSA", "RSASSA-PSS", "EC", "EC_EC" ...). */
    public boolean serves(String keyType) {
        String alg = algorithm();
        if (keyType.equals(alg)) {
            return true;
        }
        if (alg.equals("EC")) {
            return keyType.startsWith("EC_") || keyType.equals("ECDSA");
        }
        if (alg.equals("RSA")) {
            return keyType.startsWith("RSA_");   // RSA_EXPORT and friends, never enabled
        }
        if (alg.equals("Ed25519") || alg.equals("Ed448")) {
            return keyType.equals("EdDSA");
        }
        return false;
    }
}
