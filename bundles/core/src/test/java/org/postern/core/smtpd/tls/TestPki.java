// SPDX-License-Identifier: Apache-2.0
package org.postern.core.smtpd.tls;

import java.io.IOException;
import java.io.Writer;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/** A small test CA that issues RSA and ECDSA server and client certificates as PEM files. */
public final class TestPki {

    public record Issued(KeyPair keys, X509Certificate certificate) {
    }

    public final Issued ca;

    public TestPki() throws Exception {
        KeyPair k = ec();
        X500Name name = new X500Name("CN=Postern Test CA");
        JcaX509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(name, BigInteger.ONE,
                Date.from(Instant.now().minus(Duration.ofDays(1))), Date.from(Instant.now().plus(Duration.ofDays(365))),
                name, k.getPublic());
        b.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
        ca = new Issued(k, new JcaX509CertificateConverter().getCertificate(
                b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(k.getPrivate()))));
    }

    public static KeyPair ec() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"));
        return g.generateKeyPair();
    }

    public static KeyPair rsa() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
        g.initialize(2048);
        return g.generateKeyPair();
    }

    /** A certificate for {@code cn} (also its DNS name) signed by this CA. */
    public Issued issue(String cn, KeyPair k) throws Exception {
        X500Name name = new X500Name("CN=" + cn);
        JcaX509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(new X500Name("CN=Postern Test CA"),
                new BigInteger(64, new SecureRandom()), Date.from(Instant.now().minus(Duration.ofDays(1))),
                Date.from(Instant.now().plus(Duration.ofDays(90))), name, k.getPublic());
        b.addExtension(Extension.subjectAlternativeName, false,
                new GeneralNames(new GeneralName[] {new GeneralName(GeneralName.dNSName, cn),
                        new GeneralName(GeneralName.iPAddress, "127.0.0.1")}));
        return new Issued(k, new JcaX509CertificateConverter().getCertificate(
                b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(ca.keys().getPrivate()))));
    }

    /** Writes {@code objects} (keys are written as PKCS#8) to {@code file}. */
    public static Path pem(Path file, Object... objects) throws IOException {
        Path tmp = Files.createTempFile(file.getParent(), "pem", ".tmp");
        try (Writer w = Files.newBufferedWriter(tmp); JcaPEMWriter p = new JcaPEMWriter(w)) {
            for (Object o : objects) {
                p.writeObject(o instanceof KeyPair ? new JcaPKCS8Generator(((KeyPair) o).getPrivate(), null) : o);
            }
        }
        // Replaced as an administrator's "mv" would: a new file, atomically.
        return Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    /** A chain file (smtpd_tls_chain_files): key, leaf, CA. */
    public Path chainFile(Path file, Issued leaf) throws IOException {
        return pem(file, leaf.keys(), leaf.certificate(), ca.certificate());
    }

    List<X509Certificate> caList() {
        return List.of(ca.certificate());
    }
}
