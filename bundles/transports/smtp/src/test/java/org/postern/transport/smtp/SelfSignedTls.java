// SPDX-License-Identifier: Apache-2.0
package org.postern.transport.smtp;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.Date;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/** A server TLS context with a fresh self-signed certificate (Bouncy Castle), for the STARTTLS tests. */
final class SelfSignedTls {

    private SelfSignedTls() {
    }

    /** A server context and its certificate (also valid for the address 127.0.0.1). */
    record Issued(SSLContext context, X509Certificate certificate) {

        /** The certificate in PEM, as smtp_tls_CAfile holds it. */
        String pem() throws Exception {
            return "-----BEGIN CERTIFICATE-----\n"
                    + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(certificate.getEncoded())
                    + "\n-----END CERTIFICATE-----\n";
        }
    }

    /** A server context that sends {@code leaf} and the CA that signed it. */
    record Chain(SSLContext context, X509Certificate leaf, X509Certificate ca) {
    }

    /**
     * A CA named {@code caName} and a server certificate for {@code hostName} it signed, valid
     * from {@code notBefore} for {@code days} (negative: already expired).
     */
    static Chain issueByCa(String caName, String hostName, long days) throws Exception {
        return issueByCa(caName, hostName, days, true);
    }

    /** As above; with {@code sendCa} false the server sends its own certificate only. */
    static Chain issueByCa(String caName, String hostName, long days, boolean sendCa) throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(256);
        KeyPair caPair = generator.generateKeyPair();
        KeyPair pair = generator.generateKeyPair();
        long now = System.currentTimeMillis();
        X500Name ca = new X500Name("CN=" + caName);
        X509Certificate caCert = new JcaX509CertificateConverter().getCertificate(new JcaX509v3CertificateBuilder(
                ca, BigInteger.valueOf(now), new Date(now - 86_400_000L), new Date(now + 86_400_000L), ca, caPair.getPublic())
                .addExtension(Extension.basicConstraints, true, new BasicConstraints(true))
                .build(new JcaContentSignerBuilder("SHA256withECDSA").build(caPair.getPrivate())));
        long end = days < 0 ? now - 3_600_000L : now + days * 86_400_000L;
        X509Certificate leaf = new JcaX509CertificateConverter().getCertificate(new JcaX509v3CertificateBuilder(
                ca, BigInteger.valueOf(now + 1), new Date(now - 86_400_000L), new Date(end), new X500Name("CN=" + hostName),
                pair.getPublic())
                .addExtension(Extension.subjectAlternativeName, false, new GeneralNames(
                        new GeneralName(GeneralName.dNSName, hostName)))
                .build(new JcaContentSignerBuilder("SHA256withECDSA").build(caPair.getPrivate())));
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        store.setKeyEntry("server", pair.getPrivate(), "x".toCharArray(), sendCa ? new X509Certificate[] {leaf, caCert}
                : new X509Certificate[] {leaf});
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(store, "x".toCharArray());
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(kmf.getKeyManagers(), null, null);
        return new Chain(context, leaf, caCert);
    }

    static SSLContext serverContext(String commonName) throws Exception {
        return issue(commonName).context();
    }

    static Issued issue(String commonName) throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(256);
        KeyPair pair = generator.generateKeyPair();
        X500Name name = new X500Name("CN=" + commonName);
        long now = System.currentTimeMillis();
        X509Certificate cert = new JcaX509CertificateConverter().getCertificate(new JcaX509v3CertificateBuilder(
                name, BigInteger.valueOf(now), new Date(now - 60_000), new Date(now + 86_400_000L), name, pair.getPublic())
                .addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName[] {
                    new GeneralName(GeneralName.dNSName, commonName),
                    new GeneralName(GeneralName.iPAddress, "127.0.0.1")}))
                .build(new JcaContentSignerBuilder("SHA256withECDSA").build(pair.getPrivate())));
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        store.setKeyEntry("server", pair.getPrivate(), "x".toCharArray(), new X509Certificate[] {cert});
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(store, "x".toCharArray());
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(kmf.getKeyManagers(), null, null);
        return new Issued(context, cert);
    }
}
