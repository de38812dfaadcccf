// SPDX-License-Identifier: Apache-2.0
package org.postern.tlsrpt.send;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.Signature;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Locale;

import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;

/**
 * SUMMARY   A DKIM-Signature (RFC 6376) for the reports this bundle writes: rsa-sha256,
 *           relaxed/relaxed canonicalization.
 * DESCRIPTION
 *   The key is an RSA private key in PEM, PKCS#1 ("BEGIN RSA PRIVATE KEY", as opendkim-genkey
 *   writes it) or PKCS#8; Bouncy Castle reads it and the JDK signs. Only the messages built by
 *   {@link ReportMessage} are signed: their header fields are single lines of ASCII, so the
 *   canonicalization below needs no MIME or folding cases beyond RFC 6376 section 3.4.2's.
 */
public final class DkimSigner {

    private final String domain;
    private final String selector;
    private final PrivateKey key;

    public DkimSigner(String domain, String selector, PrivateKey key) {
        this.domain = domain;
        this.selector = selector;
        this.key = key;
    }

    /** Reads a PEM key file; the message names the file when it is not an RSA private key. */
    public static PrivateKey readKey(Path file) throws IOException {
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.US_ASCII);
             PEMParser pem = new PEMParser(reader)) {
            Object object = pem.readObject();
            JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
            PrivateKey key;
            if (object instanceof PEMKeyPair pair) {
                key = converter.getPrivateKey(pair.getPrivateKeyInfo());
            } else if (object instanceof PrivateKeyInfo info) {
                key = converter.getPrivateKey(info);
            } else {
                throw new IOException(file + ": no PEM private key found");
            }
            if (!key.getAlgorithm().equals("RSA")) {
                throw new IOException(file + ": " + key.getAlgorithm() + " key; DKIM signing of reports needs RSA");
            }
            return key;
        }
    }

    /**
     * The DKIM-Signature field (one line, with CRLF) for a message.
     *
     * @param headers the header fields to sign, each "Name: value" without CRLF, in message order
     * @param body    the body, CRLF line ends
     */
    public String sign(List<String> headers, byte[] body, Instant time) throws GeneralSecurityException {
        String bodyHash = Base64.getEncoder().encodeToString(
                MessageDigest.getInstance("SHA-256").digest(relaxedBody(body)));
        StringBuilder names = new StringBuilder();
        StringBuilder signed = new StringBuilder();
        for (String field : headers) {
            names.append(names.isEmpty() ? "" : ":").append(field.substring(0, field.indexOf(':')).toLowerCase(Locale.ROOT));
            signed.append(relaxedHeader(field)).append("\r\n");
        }
        String unsigned = "DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed; d=" + domain + "; s=" + selector
                + "; t=" + time.getEpochSecond() + "; h=" + names + "; bh=" + bodyHash + "; b=";
        signed.append(relaxedHeader(unsigned));   // RFC 6376 section 3.7: itself last, b= empty, no CRLF
        Signature rsa = Signature.getInstance("SHA256withRSA");
        rsa.initSign(key);
        rsa.update(signed.toString().getBytes(StandardCharsets.US_ASCII));
        return unsigned + Base64.getEncoder().encodeToString(rsa.sign()) + "\r\n";
    }

    /** RFC 6376 section 3.4.2: lower-case name, unfolded, blanks squeezed, no blanks around the value. */
    static String relaxedHeader(String field) {
        int colon = field.indexOf(':');
        String name = field.substring(0, colon).strip().toLowerCase(Locale.ROOT);
        String value = field.substring(colon + 1).replaceAll("\r\n", "").replaceAll("[ \t]+", " ").strip();
        return name + ":" + value;
    }

    /** RFC 6376 section 3.4.4: blanks squeezed, none at line ends, no empty lines at the end, CRLF-terminated. */
    static byte[] relaxedBody(byte[] body) {
        String[] lines = new String(body, StandardCharsets.US_ASCII).split("\r\n", -1);
        StringBuilder out = new StringBuilder();
        int pendingEmpty = 0;
        for (String line : lines) {
            String squeezed = line.replaceAll("[ \t]+", " ").stripTrailing();
            if (squeezed.isEmpty()) {
                pendingEmpty++;
                continue;
            }
            out.append("\r\n".repeat(pendingEmpty)).append(squeezed).append("\r\n");
            pendingEmpty = 0;
        }
        return out.toString().getBytes(StandardCharsets.US_ASCII);
    }
}
