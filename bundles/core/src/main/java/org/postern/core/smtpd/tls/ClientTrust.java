// SPDX-License-Identifier: Apache-2.0
package org.postern.core.smtpd.tls;

import java.io.IOException;
import java.net.Socket;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.cert.CertPathValidator;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * SUMMARY   Client certificates (smtpd_tls_ask_ccert): any certificate is accepted during the
 *           handshake, as Postfix does; whether it is trusted (signed by a CA of
 *           smtpd_tls_CAfile or smtpd_tls_CApath) is decided afterwards and only changes the log
 *           line and what permit_tls_clientcerts may use.
 * DESCRIPTION
 *   The CertificateRequest names the CAs of smtpd_tls_CAfile, as Postfix (the CApath's CAs
 *   are trusted but not named, which keeps the request small). smtpd_tls_CApath is a
 *   directory: every regular file in it (c_rehash's hash links included) that holds PEM
 *   certificates adds them; other files are skipped. The files are read when the listener's
 *   TLS is made (start and reload). Without either nothing is trusted; fingerprints
 *   (check_ccert_access, relay_clientcerts) work either way.
 * SECURITY  The chain is client input: only its leaf's fingerprint is used unless PKIX
 *           validation (no revocation check) against the configured anchors succeeds.
 */
final class ClientTrust extends X509ExtendedTrustManager {

    private final List<X509Certificate> anchors;
    private final List<X509Certificate> named;

    ClientTrust(String caFile, String caPath) throws IOException, GeneralSecurityException {
        this.named = caFile.isEmpty() ? List.of() : PemFiles.certificates(Path.of(caFile));
        List<X509Certificate> all = new ArrayList<>(named);
        if (!caPath.isEmpty()) {
            all.addAll(directory(Path.of(caPath)));
        }
        this.anchors = List.copyOf(all);
    }

    /** The certificates of the regular files in {@code dir}; files without one are skipped. */
    static List<X509Certificate> directory(Path dir) throws IOException {
        List<X509Certificate> out = new ArrayList<>();
        List<Path> files = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
            entries.forEach(files::add);
        }
        files.sort(null);
        for (Path f : files) {
            if (!Files.isRegularFile(f)) {
                continue;
            }
            try {
                out.addAll(PemFiles.certificates(f));
            } catch (IOException | GeneralSecurityException | RuntimeException e) {
                // a CRL, a README or junk: not a CA certificate, as OpenSSL's lookup would find none
            }
        }
        return out;
    }

    /** The chain is signed by a CA of smtpd_tls_CAfile or smtpd_tls_CApath. */
    boolean trusted(X509Certificate[] chain) {
        if (anchors.isEmpty() || chain == null || chain.length == 0) {
            return false;
        }
        try {
            Set<TrustAnchor> ta = new HashSet<>();
            for (X509Certificate a : anchors) {
                ta.add(new TrustAnchor(a, null));
            }
            PKIXParameters p = new PKIXParameters(ta);
            p.setRevocationEnabled(false);
            CertificateFactory cf = CertificateFactory.getInstance("X.509");
            CertPathValidator.getInstance("PKIX").validate(cf.generateCertPath(Arrays.asList(chain)), p);
            return true;
        } catch (GeneralSecurityException | RuntimeException e) {
            return false;
        }
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) {
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) {
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
            throws java.security.cert.CertificateException {
        throw new java.security.cert.CertificateException("server side only");
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
            throws java.security.cert.CertificateException {
        throw new java.security.cert.CertificateException("server side only");
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType)
            throws java.security.cert.CertificateException {
        throw new java.security.cert.CertificateException("server side only");
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
        return named.toArray(new X509Certificate[0]);
    }
}
