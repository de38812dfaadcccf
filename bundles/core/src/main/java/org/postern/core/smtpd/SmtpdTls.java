// SPDX-License-Identifier: Apache-2.0
package org.postern.core.smtpd;

import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.postern.core.config.FileModes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;

/**
 * SUMMARY   The STARTTLS server context: smtpd_tls_cert_file/smtpd_tls_key_file when set,
 *           otherwise a self-signed EC P-256 certificate for myhostname, generated with Bouncy
 *           Castle on first use and kept as PEM files in a directory given by the runtime.
 * CONFIGURATION PARAMETERS  smtpd_tls_cert_file, smtpd_tls_key_file, myhostname.
 * SECURITY  Reads local key files only. The generated pair lives in a directory of mode 0700
 *           (created so, or tightened with a warning) and both files are created 0600, so the
 *           key is never readable by other local users, not even while it is written.
 * BUGS      Minimal: no smtpd_tls_protocols/ciphers/mandatory_*, no client certificates, no
 *           session cache tuning, no DANE-friendly key rollover. The TLS issue completes this.
 */
public final class SmtpdTls {

    private static final Logger LOG = LoggerFactory.getLogger("postern.smtpd");
    static final String CERT_NAME = "smtpd-selfsigned-cert.pem";
    static final String KEY_NAME = "smtpd-selfsigned-key.pem";

    private SmtpdTls() {
    }

    /** Builds the server context; generates the self-signed pair under {@code directory} if needed. */
    public static SslContext serverContext(SmtpdSettings settings, Path directory)
            throws IOException, GeneralSecurityException {
        Path cert;
        Path key;
        if (!settings.tlsCertFile().isEmpty()) {
            cert = Path.of(settings.tlsCertFile());
            key = Path.of(settings.tlsKeyFile().isEmpty() ? settings.tlsCertFile() : settings.tlsKeyFile());
        } else {
            if (directory == null) {
                throw new IOException("no smtpd_tls_cert_file and no directory for a self-signed certificate");
            }
            cert = directory.resolve(CERT_NAME);
            key = directory.resolve(KEY_NAME);
            synchronized (SmtpdTls.class) {
                if (!Files.exists(cert) || !Files.exists(key)) {
                    generate(settings.myhostname(), directory, cert, key);
                }
            }
        }
        List<X509Certificate> chain = readCertificates(cert);
        PrivateKey privateKey = readKey(key);
        return SslContextBuilder.forServer(privateKey, chain.toArray(new X509Certificate[0]))
                .sslProvider(SslProvider.JDK)
                .clientAuth(ClientAuth.NONE)
                .protocols("TLSv1.3", "TLSv1.2")
                .build();
    }

    static void generate(String hostname, Path directory, Path certFile, Path keyFile)
            throws IOException, GeneralSecurityException {
        FileModes.privateDirectory(directory).ifPresent(was -> LOG.warn(
                "warning: TLS directory mode changed to 0700: {} (was {})", directory, was));
        KeyPairGenerator gen = KeyPairGenerator.getInstance("EC");
        gen.initialize(new ECGenParameterSpec("secp256r1"), new SecureRandom());
        KeyPair pair = gen.generateKeyPair();
        X500Name name = new X500Name("CN=" + hostname.replaceAll("[,=+<>#;\"\\\\]", ""));
        Instant now = Instant.now();
        JcaX509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(name,
                new BigInteger(64, new SecureRandom()), Date.from(now.minus(Duration.ofDays(1))),
                Date.from(now.plus(Duration.ofDays(3650))), name, pair.getPublic());
        builder.addExtension(Extension.subjectAlternativeName, false,
                new GeneralNames(new GeneralName(GeneralName.dNSName, hostname)));
        X509CertificateHolder holder;
        try {
            holder = builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(pair.getPrivate()));
        } catch (OperatorCreationException e) {
            throw new GeneralSecurityException(e);
        }
        X509Certificate certificate = new JcaX509CertificateConverter().getCertificate(holder);
        Path tmpKey = Files.createTempFile(directory, "key", ".tmp", FileModes.attribute(FileModes.PRIVATE_FILE));
        writePem(tmpKey, new JcaPKCS8Generator(pair.getPrivate(), null)); // PKCS#8 "PRIVATE KEY"
        Path tmpCert = Files.createTempFile(directory, "cert", ".tmp", FileModes.attribute(FileModes.PRIVATE_FILE));
        writePem(tmpCert, certificate);
        Files.move(tmpKey, keyFile, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        Files.move(tmpCert, certFile, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        LOG.info("generated self-signed certificate for CN={} in {}", hostname, certFile);
    }

    private static void writePem(Path file, Object object) throws IOException {
        try (Writer w = Files.newBufferedWriter(file); JcaPEMWriter pem = new JcaPEMWriter(w)) {
            pem.writeObject(object);
        }
    }

    static List<X509Certificate> readCertificates(Path file) throws IOException, GeneralSecurityException {
        List<X509Certificate> out = new ArrayList<>();
        try (Reader r = Files.newBufferedReader(file); PEMParser p = new PEMParser(r)) {
            Object o;
            while ((o = p.readObject()) != null) {
                if (o instanceof X509CertificateHolder) {
                    out.add(new JcaX509CertificateConverter().getCertificate((X509CertificateHolder) o));
                }
            }
        }
        if (out.isEmpty()) {
            throw new IOException(file + ": no certificate found");
        }
        return out;
    }

    /** PKCS#8, PKCS#1 (RSA) or SEC1 (EC) PEM keys; the first key in the file. */
    static PrivateKey readKey(Path file) throws IOException {
        JcaPEMKeyConverter conv = new JcaPEMKeyConverter();
        try (Reader r = Files.newBufferedReader(file); PEMParser p = new PEMParser(r)) {
            Object o;
            while ((o = p.readObject()) != null) {
                if (o instanceof PEMKeyPair) {
                    return conv.getPrivateKey(((PEMKeyPair) o).getPrivateKeyInfo());
                }
                if (o instanceof PrivateKeyInfo) {
                    return conv.getPrivateKey((PrivateKeyInfo) o);
                }
            }
        }
        throw new IOException(file + ": no private key found");
    }
}
