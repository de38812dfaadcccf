// SPDX-License-Identifier: Apache-2.0
package org.postern.itest;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.Test;
import org.postern.itest.Distribution.Run;

/**
 * The default distribution's smtps listener (master.cf 2465, -o smtpd_tls_wrappermode=yes):
 * TLS from the first byte, the greeting inside it, the short-lived placeholder certificate.
 */
public class SmtpsListenerIT {

    private static Distribution distribution;
    private static int smtpsPort;

    @BeforeClass
    public static void start() throws Exception {
        distribution = Distribution.unpack("smtps-it");
        smtpsPort = Distribution.freePort();
        distribution.edit("etc/postern/master.cf", "(?m)^2465 ", "127.0.0.1:" + smtpsPort + " ");
        distribution.listenOn(Distribution.freePort());
        Run start = distribution.run("bin/postfix", "start");
        assertEquals(start.toString(), 0, start.status());
        long deadline = System.currentTimeMillis() + 60_000;
        while (System.currentTimeMillis() < deadline) {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", smtpsPort), 1000);
                return;
            } catch (IOException e) {
                Thread.sleep(200);
            }
        }
        fail("nothing listens on 127.0.0.1:" + smtpsPort);
    }

    @AfterClass
    public static void stop() throws Exception {
        if (distribution != null) {
            distribution.stop();
        }
    }

    @Test
    public void smtpsShouldGreetInsideTlsWithAShortLivedPlaceholder() throws Exception {
        SSLContext trusting = SSLContext.getInstance("TLS");
        trusting.init(null, new TrustManager[] {new X509TrustManager() {
            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType) {
            }

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType) {
            }

            @Override
            public X509Certificate[] getAcceptedIssuers() {
                return new X509Certificate[0];
            }
        }}, null);
        try (SSLSocket ssl = (SSLSocket) trusting.getSocketFactory().createSocket("127.0.0.1", smtpsPort)) {
            ssl.setSoTimeout(20_000);
            ssl.startHandshake();
            X509Certificate cert = (X509Certificate) ssl.getSession().getPeerCertificates()[0];
            BufferedReader in = new BufferedReader(new InputStreamReader(ssl.getInputStream(), StandardCharsets.US_ASCII));
            OutputStream out = ssl.getOutputStream();

            String greeting = in.readLine();
            out.write("EHLO client.example\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            StringBuilder ehlo = new StringBuilder();
            String line;
            while ((line = in.readLine()) != null) {
                ehlo.append(line).append('\n');
                if (line.length() < 4 || line.charAt(3) != '-') {
                    break;
                }
            }

            assertTrue(greeting, greeting.startsWith("220 "));
            assertTrue(ehlo.toString(), ehlo.toString().startsWith("250-"));
            assertFalse(ehlo.toString(), ehlo.toString().contains("STARTTLS"));
            assertTrue(ssl.getSession().getProtocol(), ssl.getSession().getProtocol().equals("TLSv1.3"));
            Duration left = Duration.between(Instant.now(), cert.getNotAfter().toInstant());
            assertTrue("placeholder valid for " + left, left.compareTo(Duration.ofDays(31)) < 0
                    && left.compareTo(Duration.ofDays(20)) > 0);
        }
    }
}
