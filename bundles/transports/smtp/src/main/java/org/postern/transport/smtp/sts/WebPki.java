// SPDX-License-Identifier: Apache-2.0
package org.postern.transport.smtp.sts;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateFactory;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;

import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

import org.postern.api.tls.TlsSessionResult.FailureType;

/**
 * SUMMARY   The WebPKI trust of MTA-STS: the JDK's trust store plus mta_sts_CAfile.
 * DESCRIPTION
 *   One PKIX trust manager whose anchors are the JDK's default ones and the PEM certificates
 *   of mta_sts_CAfile when set (added to, never replacing, the JDK's: MTA-STS means the public
 *   WebPKI). Rebuilt when the file's modification time changes. Used for the policy fetch
 *   (with the JDK's RFC 6125 host name check) and for the MX hosts of an enforced policy
 *   ({@link StsTrustManager}). Names are matched here: DNS subjectAltNames only, a wildcard
 *   only as the whole leftmost label.
 * SECURITY  A CA file that cannot be read is an error (the fetch fails, nothing is trusted
 *   more than the JDK's store would).
 */
final class WebPki {

    private record Built(String file, FileTime stamp, X509TrustManager manager) {
    }

    private volatile Built built;

    /** The trust manager for this CA file ("" for the JDK's anchors only). */
    X509TrustManager trustManager(String caFile) throws IOException {
        FileTime stamp = caFile.isEmpty() ? null : Files.getLastModifiedTime(Path.of(caFile));
        Built b = built;
        if (b != null && b.file().equals(caFile) && (stamp == null ? b.stamp() == null : stamp.equals(b.stamp()))) {
            return b.manager();
        }
        X509TrustManager manager = build(caFile);
        built = new Built(caFile, stamp, manager);
        return manager;
    }

    private static X509TrustManager build(String caFile) throws IOException {
        try {
            X509TrustManager jdk = x509(null);
            if (caFile.isEmpty()) {
                return jdk;
            }
            KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
            store.load(null, null);
            int n = 0;
            for (X509Certificate anchor : jdk.getAcceptedIssuers()) {
                store.setCertificateEntry("jdk" + n++, anchor);
            }
            Collection<? extends java.security.cert.Certificate> own;
            try (InputStream in = Files.newInputStream(Path.of(caFile))) {
                own = CertificateFactory.getInstance("X.509").generateCertificates(in);
            }
            if (own.isEmpty()) {
                throw new IOException("no certificate in mta_sts_CAfile " + caFile);
            }
            for (java.security.cert.Certificate c : own) {
                store.setCertificateEntry("own" + n++, c);
            }
            return x509(store);
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot use mta_sts_CAfile " + caFile + ": " + e.getMessage(), e);
        }
    }

    private static X509TrustManager x509(KeyStore store) throws GeneralSecurityException {
        TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init(store);
        for (TrustManager m : factory.getTrustManagers()) {
            if (m instanceof X509TrustManager x) {
                return x;
            }
        }
        throw new GeneralSecurityException("no X.509 trust manager");
    }

    /** The RFC 8460 result type of a failed chain check. */
    static FailureType classify(CertificateException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof CertificateExpiredException || t instanceof CertificateNotYetValidException) {
                return FailureType.CERTIFICATE_EXPIRED;
            }
        }
        return FailureType.CERTIFICATE_NOT_TRUSTED;
    }

    /** The certificate's DNS subjectAltNames, lower case. */
    static List<String> dnsNames(X509Certificate certificate) {
        List<String> names = new ArrayList<>();
        try {
            Collection<List<?>> alt = certificate.getSubjectAlternativeNames();
            if (alt != null) {
                for (List<?> entry : alt) {
                    if (entry.size() >= 2 && Integer.valueOf(2).equals(entry.get(0)) && entry.get(1) instanceof String s) {
                        names.add(s.toLowerCase(Locale.ROOT));
                    }
                }
            }
        } catch (CertificateException e) {
            return List.of();
        }
        return names;
    }

    /** RFC 6125: a certificate name matches a host; "*" only as the whole leftmost label. */
    static boolean nameMatches(String certificateName, String host) {
        String h = host.toLowerCase(Locale.ROOT);
        h = h.endsWith(".") ? h.substring(0, h.length() - 1) : h;
        if (certificateName.startsWith("*.")) {
            int dot = h.indexOf('.');
            return dot > 0 && h.substring(dot + 1).equals(certificateName.substring(2));
        }
        return !certificateName.contains("*") && certificateName.equals(h);
    }

    /** True when a name of the certificate matches the MX pattern ("*.example.com" or a host). */
    static boolean matchesPattern(List<String> names, String pattern) {
        for (String name : names) {
            if (pattern.startsWith("*.") ? name.equals(pattern) || nameMatchesWildcardPattern(name, pattern)
                    : nameMatches(name, pattern)) {
                return true;
            }
        }
        return false;
    }

    private static boolean nameMatchesWildcardPattern(String name, String pattern) {
        return !name.contains("*") && StsPolicy.matches(pattern, name);
    }
}
