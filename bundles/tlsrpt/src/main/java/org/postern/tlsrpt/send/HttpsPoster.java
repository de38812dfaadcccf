// SPDX-License-Identifier: Apache-2.0
package org.postern.tlsrpt.send;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.Optional;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * SUMMARY   POSTs a gzipped report to an https: rua (RFC 8460 section 5.4).
 * DESCRIPTION
 *   Content-Type application/tlsrpt+gzip; any 2xx answer is success. The server is checked
 *   against the JDK's CAs, or against tlsrpt_https_CAfile's when set (a private CA). Redirects
 *   are not followed: the RFC's endpoint is the record's URL.
 */
public final class HttpsPoster {

    /** How one POST went. */
    public record Outcome(boolean delivered, String detail) {
    }

    private final HttpClient client;
    private final Duration timeout;

    public HttpsPoster(Duration timeout, Optional<Path> caFile) throws IOException {
        HttpClient.Builder builder = HttpClient.newBuilder().connectTimeout(timeout)
                .followRedirects(HttpClient.Redirect.NEVER);
        if (caFile.isPresent()) {
            builder.sslContext(trusting(caFile.get()));
        }
        this.client = builder.build();
        this.timeout = timeout;
    }

    public Outcome post(URI uri, byte[] gzippedReport) {
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(timeout)
                .header("Content-Type", "application/tlsrpt+gzip")
                .POST(HttpRequest.BodyPublishers.ofByteArray(gzippedReport)).build();
        try {
            HttpResponse<Void> response = client.send(request, HttpResponse.BodyHandlers.discarding());
            int status = response.statusCode();
            return new Outcome(status / 100 == 2, "HTTP " + status);
        } catch (IOException e) {
            return new Outcome(false, e.getClass().getSimpleName() + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Outcome(false, "interrupted");
        }
    }

    private static SSLContext trusting(Path caFile) throws IOException {
        try (InputStream in = Files.newInputStream(caFile)) {
            KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
            store.load(null, null);
            int n = 0;
            for (Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                store.setCertificateEntry("ca" + n++, c);
            }
            if (n == 0) {
                throw new IOException(caFile + ": no certificate found");
            }
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(store);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, tmf.getTrustManagers(), null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new IOException(caFile + ": " + e.getMessage(), e);
        }
    }
}
