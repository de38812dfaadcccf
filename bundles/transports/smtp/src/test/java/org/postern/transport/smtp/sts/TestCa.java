// SPDX-License-Identifier: Apache-2.0
package org.postern.transport.smtp.sts;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.Date;
import java.util.concurrent.atomic.AtomicLong;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/** A throw-away certificate authority (Bouncy Castle) for the MTA-STS tests: the policy host's and MX hosts' certificates. */
public final class TestCa {

    private static final AtomicLong SERIAL = new AtomicLong(System.currentTimeMillis());

    private final KeyPair key;
    private final X509Certificate certificate;

    /** A certificate and its key, as nginx and the scripted SMTP server need them. */
    public record Issued(X509Certificate certificate, PrivateKey key, X509Certificate issuer) {

        /** Leaf then issuer, PEM (nginx's ssl_certificate). */
        public String chainPem() throws Exception {
            return pem("CERTIFICATE", certificate.getEncoded())
                    + (issuer == certificate ? "" : pem("CERTIFICATE", issuer.getEncoded()));
        }

        /** PKCS#8 PEM (nginx's ssl_certificate_key). */
        public String keyPem() {
            return pem("PRIVATE KEY", key.getEncoded());
        }

        /** A server context presenting this certificate and its issuer. */
        public SSLContext serverContext() throws Exception {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            X509Certificate[] chain = issuer == certificate ? new X509Certificate[] {certificate}
                    : new X509Certificate[] {certificate, issuer};
            store.setKeyEntry("server", key, "x".toCharArray(), chain);
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(store, "x".toCharArray());
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(kmf.getKeyManagers(), null, null);
            return context;
        }
    }

    public TestCa(String name) throws Exception {
        key = pair();
        X500Name subject = new X500Name("CN=" + name);
        long now = System.currentTimeMillis();
        certificate = new JcaX509CertificateConverter().getCertificate(new JcaX509v3CertificateBuilder(subject,
                BigInteger.valueOf(SERIAL.incrementAndGet()), new Date(now - 3_600_000L), new Date(now + 86_400_000L),
                subject, key.getPublic())
                .addExtension(Extension.basicConstraints, true, new BasicConstraints(true))
                .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign))
                .build(new JcaContentSignerBuilder("SHA256withECDSA").build(key.getPrivate())));
    }

    /** The CA certificate in PEM, as mta_sts_CAfile holds it. */
    public String pem() throws Exception {
        return pem("CERTIFICATE", certificate.getEncoded());
    }

    /** A server certificate for these DNS names, valid now. */
    public Issued issue(String... dnsNames) throws Exception {
        long now = System.currentTimeMillis();
        return issue(new Date(now - 60_000L), new Date(now + 86_400_000L), dnsNames);
    }

    /** A server certificate for these DNS names that expired yesterday. */
    public Issued issueExpired(String... dnsNames) throws Exception {
        long now = System.currentTimeMillis();
        return issue(new Date(now - 2 * 86_400_000L), new Date(now - 86_400_000L), dnsNames);
    }

    private Issued issue(Date from, Date to, String... dnsNames) throws Exception {
        KeyPair leaf = pair();
        GeneralName[] names = new GeneralName[dnsNames.length];
        for (int i = 0; i < dnsNames.length; i++) {
            names[i] = new GeneralName(GeneralName.dNSName, dnsNames[i]);
        }
        X509Certificate cert = new JcaX509CertificateConverter().getCertificate(new JcaX509v3CertificateBuilder(
                new X500Name(certificate.getSubjectX500Principal().getName()), BigInteger.valueOf(SERIAL.incrementAndGet()),
                from, to, new X500Name("CN=" + dnsNames[0]), leaf.getPublic())
                .addExtension(Extension.subjectAlternativeName, false, new GeneralNames(names))
                .build(new JcaContentSignerBuilder("SHA256withECDSA").build(key.getPrivate())));
        return new Issued(cert, leaf.getPrivate(), certificate);
    }

    private static KeyPair pair() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(256);
        return generator.generateKeyPair();
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }
}
