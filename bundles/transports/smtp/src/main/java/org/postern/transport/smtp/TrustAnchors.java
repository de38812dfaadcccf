// SPDX-License-Identifier: Apache-2.0
package org.postern.transport.smtp;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;


import javax.net.ssl.X509TrustManager;

/**
 * SUMMARY   smtp_tls_CAfile and smtp_tls_CApath, or smtp_tls_trust_anchor_file (tafile=), as
 *           the only trust anchors of levels verify and secure.
 * DESCRIPTION
 *   The PEM certificates of the files and of every regular file in the directory (read with
 *   the JDK's CertificateFactory) make a PKIX trust store; a trust anchor may be an
 *   intermediate CA, as with Postfix's trust anchor files. A built trust manager is kept until
 *   a file's modification time changes, so a replaced CA file is used by the next delivery.
 * SECURITY  A file that cannot be read or holds no certificate is an error that defers the
 *   mail, never a fall-back to the JDK's trust store.
 */
final class TrustAnchors {

    private record Built(List<FileTime> stamps, X509TrustManager trust) {
    }

    private final Map<String, Built> built = new ConcurrentHashMap<>();

    /** PKIX over the certificates of {@code files} and of the regular files in {@code caPath}. */
    X509TrustManager trustManager(List<String> caFiles, String caPath) throws IOException {
        List<Path> files = files(caFiles, caPath);
        List<FileTime> stamps = new ArrayList<>();
        for (Path f : files) {
            stamps.add(Files.getLastModifiedTime(f));
        }
        String key = String.join("\0", caFiles) + "\0\0" + caPath;
        Built known = built.get(key);
        if (known != null && known.stamps().equals(stamps)) {
            return known.trust();
        }
        X509TrustManager trust = build(files);
        built.put(key, new Built(stamps, trust));
        return trust;
    }

    private static List<Path> files(List<String> caFiles, String caPath) throws IOException {
        List<Path> files = new ArrayList<>();
        for (String f : caFiles) {
            if (!f.isBlank()) {
                files.add(Path.of(f.strip()));
            }
        }
        if (!caPath.isEmpty()) {
            try (DirectoryStream<Path> dir = Files.newDirectoryStream(Path.of(caPath))) {
                for (Path f : dir) {
                    if (Files.isRegularFile(f)) {
                        files.add(f);
                    }
                }
            }
        }
        files.sort(null);
        return files;
    }

    private static X509TrustManager build(List<Path> files) throws IOException {
        try {
            KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
            store.load(null, null);
            CertificateFactory x509 = CertificateFactory.getInstance("X.509");
            int n = 0;
            for (Path f : files) {
                Collection<? extends Certificate> certificates;
                try (InputStream in = Files.newInputStream(f)) {
                    certificates = x509.generateCertificates(in);
                } catch (GeneralSecurityException e) {
                    continue;   // in a CApath directory: not a certificate file (Postfix's hash links are)
                }
                for (Certificate c : certificates) {
                    store.setCertificateEntry("ca" + n++, c);
                }
            }
            if (n == 0) {
                throw new IOException("no CA certificate in " + files);
            }
            return TlsContexts.pkix(store);
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot use the CA certificates: " + e.getMessage(), e);
        }
    }
}
