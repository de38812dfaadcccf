// SPDX-License-Identifier: Apache-2.0
package org.postern.core.smtpd.tls;

import java.io.IOException;
import java.io.Writer;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.postern.core.config.FileModes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * SUMMARY   The placeholder server certificate used when no smtpd_tls_cert_file or
 *           smtpd_tls_chain_files is configured: a self-signed EC P-256 certificate for
 *           myhostname, valid {@link #VALIDITY}, regenerated when less than {@link #RENEW_BEFORE}
 *           of it is left (checked at each handshake, in memory).
 * DESCRIPTION
 *   The pair is kept as PEM files in the TLS directory the runtime gives
 *   (data/postern/tls). A pair found there that is valid longer than {@link #VALIDITY} (made
 *   by an older Postern, ten years) or expires soon is replaced. Each generation logs a
 *   warning that says it is a placeholder.
 * SECURITY  The directory is mode 0700 (created so, or tightened with a warning); both files
 *           are created 0600 and renamed into place, so the key is never readable by others.
 * BUGS      Nobody can verify a self-signed certificate: it only gives opportunistic encryption.
 */
public final class SelfSignedCredentials implements CredentialSource {

    private static final Logger LOG = LoggerFactory.getLogger("postern.smtpd");
    public static final String CERT_NAME = "smtpd-selfsigned-cert.pem";
    public static final String KEY_NAME = "smtpd-selfsigned-key.pem";
    public static final Duration VALIDITY = Duration.ofDays(30);
    public static final Duration RENEW_BEFORE = Duration.ofDays(10);

    private final String hostname;
    private final Path directory;
    private final Clock clock;
    private volatile Snapshot current;

    public SelfSignedCredentials(String hostname, Path directory) throws IOException, GeneralSecurityException {
        this(hostname, directory, Clock.systemUTC());
    }

    SelfSignedCredentials(String hostname, Path directory, Clock clock) throws IOException, GeneralSecurityException {
        this.hostname = hostname;
        this.directory = directory;
        this.clock = clock;
        Credential existing = readExisting();
        if (existing != null && usable(existing.leaf())) {
            current = new Snapshot(1, List.of(existing));
        } else {
            current = new Snapshot(1, List.of(generate()));
        }
    }

    @Override
    public Snapshot current() {
        Snapshot s = current;
        if (usable(s.credentials().get(0).leaf())) {
            return s;
        }
        synchronized (this) {
            if (!usable(current.credentials().get(0).leaf())) {
                try {
                    current = new Snapshot(current.generation() + 1, List.of(generate()));
                } catch (IOException | GeneralSecurityException | RuntimeException e) {
                    LOG.warn("warning: cannot renew the self-signed placeholder certificate in {}: {}", directory,
                            e.toString());
                }
            }
            return current;
        }
    }

    private boolean usable(X509Certificate c) {
        Instant notAfter = c.getNotAfter().toInstant();
        Duration lifetime = Duration.between(c.getNotBefore().toInstant(), notAfter);
        return lifetime.compareTo(VALIDITY.plusDays(1)) <= 0
                && clock.instant().plus(RENEW_BEFORE).isBefore(notAfter);
    }

    private Credential readExisting() {
        Path cert = directory.resolve(CERT_NAME);
        Path key = directory.resolve(KEY_NAME);
        if (!Files.exists(cert) || !Files.exists(key)) {
            return null;
        }
        try {
            return PemFiles.pair(cert, key);
        } catch (IOException | GeneralSecurityException | RuntimeException e) {
            LOG.warn("warning: unusable self-signed certificate in {}: {}; generating a new one", directory,
                    e.getMessage());
            return null;
        }
    }

    private Credential generate() throws IOException, GeneralSecurityException {
        Path certFile = directory.resolve(CERT_NAME);
        Path keyFile = directory.resolve(KEY_NAME);
        generate(hostname, directory, certFile, keyFile, clock.instant(), VALIDITY);
        Credential c = PemFiles.pair(certFile, keyFile);
        LOG.warn("warning: no smtpd_tls_cert_file or smtpd_tls_chain_files: using a generated self-signed"
                + " PLACEHOLDER certificate for CN={} valid until {} (renewed automatically); configure a"
                + " certificate that clients can verify", hostname, c.leaf().getNotAfter().toInstant());
        return c;
    }

    /** Writes a new self-signed pair valid from {@code now} (less a day of clock skew) for {@code validity}. */
    public static void generate(String hostname, Path directory, Path certFile, Path keyFile, Instant now,
                                Duration validity) throws IOException, GeneralSecurityException {
        FileModes.privateDirectory(directory).ifPresent(was -> LOG.warn(
                "warning: TLS directory mode changed to 0700: {} (was {})", directory, was));
        KeyPairGenerator gen = KeyPairGenerator.getInstance("EC");
        gen.initialize(new ECGenParameterSpec("secp256r1"), new SecureRandom());
        KeyPair pair = gen.generateKeyPair();
        X500Name name = new X500Name("CN=" + hostname.replaceAll("[,=+<>#;\"\\\\]", ""));
        JcaX509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(name,
                new BigInteger(64, new SecureRandom()), Date.from(now.minus(Duration.ofDays(1))),
                Date.from(now.plus(validity)), name, pair.getPublic());
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
    }

    private static void writePem(Path file, Object object) throws IOException {
        try (Writer w = Files.newBufferedWriter(file); JcaPEMWriter pem = new JcaPEMWriter(w)) {
            pem.writeObject(object);
        }
    }
}
