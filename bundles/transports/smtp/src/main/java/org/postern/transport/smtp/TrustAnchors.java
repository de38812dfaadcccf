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

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManagerFactory;

/**
 * SUMMARY   smtp_tls_CAfile and smtp_tls_CApath as the only trust anchors of level verify.
 * DESCRIPTION
 *   The PEM certificates of the file and of every regular file in the directory (read with the
 *   JDK's CertificateFactory) make a PKIX trust store. A built context is kept until a file's
 *   modification time changes, so a replaced CA file is used by the next delivery.
 * SECURITY  A file that cannot be read or holds no certificate is an error that defers the
 *   mail, never a fall-back to the JDK's trust store.
 */
final class TrustAnchors {

    private record Built(List<FileTime> stamps, SSLSocketFactory factory) {
    }

    private final Map<String, Built> built = new ConcurrentHashMap<>();

    SSLSocketFactory factory(String caFile, String caPath) throws IOException {
        List<Path> files = files(caFile, caPath);
        List<FileTime> stamps = new ArrayList<>();
        for (Path f : files) {
            stamps.add(Files.getLastModifiedTime(f));
        }
        String key = caFile + "\0" + caPath;
        Built known = built.get(key);
        if (known != null && known.stamps().equals(stamps)) {
            return known.factory();
        }
        SSLSocketFactory factory = build(files);
        built.put(key, new Built(stamps, factory));
        return factory;
    }

    private static List<Path> files(String caFile, String caPath) throws IOException {
        List<Path> files = new ArrayList<>();
        if (!caFile.isEmpty()) {
            files.add(Path.of(caFile));
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

    private static SSLSocketFactory build(List<Path> files) throws IOException {
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
            TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trust.init(store);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, trust.getTrustManagers(), null);
            return context.getSocketFactory();
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot use the CA certificates: " + e.getMessage(), e);
        }
    }
}
