// SPDX-License-Identifier: Apache-2.0
package org.postern.core.smtpd.tls;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.NoSuchProviderException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.List;

import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;

/**
 * SUMMARY   PEM reading for the server's keys: certificates, PKCS#8, PKCS#1 (RSA) and SEC1 (EC)
 *           keys, and Postfix's chain files (smtpd_tls_chain_files: a key followed by its
 *           certificates, possibly several such groups in one file).
 * SECURITY  Reads local files named by the administrator. A key that does not match its
 *           certificate is refused (a file replaced half-way is never served).
 */
public final class PemFiles {

    private PemFiles() {
    }

    public static List<X509Certificate> certificates(Path file) throws IOException, GeneralSecurityException {
        List<X509Certificate> out = new ArrayList<>();
        for (Object o : objects(file)) {
            if (o instanceof X509CertificateHolder) {
                out.add(certificate((X509CertificateHolder) o));
            }
        }
        if (out.isEmpty()) {
            throw new IOException(file + ": no certificate found");
        }
        return out;
    }

    /** The first private key in {@code file}. */
    public static PrivateKey key(Path file) throws IOException {
        for (Object o : objects(file)) {
            PrivateKey k = asKey(o);
            if (k != null) {
                return k;
            }
        }
        throw new IOException(file + ": no private key found");
    }

    /** A separate certificate and key file (smtpd_tls_cert_file/key_file, eccert/eckey). */
    public static Credential pair(Path certFile, Path keyFile) throws IOException, GeneralSecurityException {
        Credential c = new Credential(key(keyFile), certificates(certFile), certFile.toString());
        requireMatch(c);
        return c;
    }

    /**
     * smtpd_tls_chain_files format: each private key is followed by the certificates of its
     * chain, leaf first; a file may hold several keys (RSA and ECDSA, say).
     */
    public static List<Credential> chainFile(Path file) throws IOException, GeneralSecurityException {
        List<Credential> out = new ArrayList<>();
        PrivateKey key = null;
        List<X509Certificate> chain = new ArrayList<>();
        for (Object o : objects(file)) {
            PrivateKey k = asKey(o);
            if (k != null) {
                if (key != null) {
                    out.add(checked(new Credential(key, chain, file.toString())));
                }
                key = k;
                chain = new ArrayList<>();
            } else if (o instanceof X509CertificateHolder) {
                if (key == null) {
                    throw new IOException(file + ": certificate before its private key");
                }
                chain.add(certificate((X509CertificateHolder) o));
            }
        }
        if (key == null) {
            throw new IOException(file + ": no private key found");
        }
        out.add(checked(new Credential(key, chain, file.toString())));
        return out;
    }

    private static Credential checked(Credential c) throws GeneralSecurityException {
        requireMatch(c);
        return c;
    }

    /** Signs and verifies a probe: the key belongs to the leaf certificate. */
    static void requireMatch(Credential c) throws GeneralSecurityException {
        PublicKey pub = c.leaf().getPublicKey();
        String alg = switch (c.algorithm()) {
            case "RSA" -> "SHA256withRSA";
            case "EC" -> "SHA256withECDSA";
            default -> c.algorithm();
        };
        byte[] probe = "postern key check".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        Signature s = Signature.getInstance(alg);
        s.initSign(c.key());
        s.update(probe);
        byte[] sig = s.sign();
        Signature v = Signature.getInstance(alg);
        v.initVerify(pub);
        v.update(probe);
        if (!v.verify(sig)) {
            throw new GeneralSecurityException(c.origin() + ": private key does not match the certificate");
        }
    }

    private static List<Object> objects(Path file) throws IOException {
        List<Object> out = new ArrayList<>();
        try (Reader r = Files.newBufferedReader(file); PEMParser p = new PEMParser(r)) {
            Object o;
            while ((o = p.readObject()) != null) {
                out.add(o);
            }
        }
        return out;
    }

    private static PrivateKey asKey(Object o) throws IOException {
        if (o instanceof PEMKeyPair) {
            return jdkKey(((PEMKeyPair) o).getPrivateKeyInfo());
        }
        if (o instanceof PrivateKeyInfo) {
            return jdkKey((PrivateKeyInfo) o);
        }
        return null;
    }

    /**
     * The key as the JDK's own providers make it. Bouncy Castle's converter may hand out its
     * own key classes ("ECDSA" keys when BC is a registered provider, as in Karaf), which
     * JSSE's key selection does not recognize as "EC".
     */
    private static PrivateKey jdkKey(PrivateKeyInfo info) throws IOException {
        String oid = info.getPrivateKeyAlgorithm().getAlgorithm().getId();
        String[] algorithmAndProvider = switch (oid) {
            case "1.2.840.113549.1.1.1" -> new String[] {"RSA", "SunRsaSign"};
            case "1.2.840.113549.1.1.10" -> new String[] {"RSASSA-PSS", "SunRsaSign"};
            case "1.2.840.10045.2.1" -> new String[] {"EC", "SunEC"};
            case "1.3.101.112" -> new String[] {"Ed25519", "SunEC"};
            case "1.3.101.113" -> new String[] {"Ed448", "SunEC"};
            default -> null;
        };
        if (algorithmAndProvider == null) {
            return new JcaPEMKeyConverter().getPrivateKey(info);
        }
        PKCS8EncodedKeySpec spec = new PKCS8EncodedKeySpec(info.getEncoded());
        try {
            KeyFactory f;
            try {
                f = KeyFactory.getInstance(algorithmAndProvider[0], algorithmAndProvider[1]);
            } catch (NoSuchProviderException e) {
                f = KeyFactory.getInstance(algorithmAndProvider[0]);
            }
            return f.generatePrivate(spec);
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot read " + algorithmAndProvider[0] + " private key: " + e.getMessage(), e);
        }
    }

    private static X509Certificate certificate(X509CertificateHolder h) throws GeneralSecurityException {
        return new JcaX509CertificateConverter().getCertificate(h);
    }
}
