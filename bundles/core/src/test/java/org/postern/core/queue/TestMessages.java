// SPDX-License-Identifier: Apache-2.0
package org.postern.core.queue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

import org.postern.api.delivery.Recipient.DsnNotify;
import org.postern.api.message.ClientFacts;
import org.postern.api.message.DsnRequest;
import org.postern.core.message.Envelope;
import org.postern.core.message.EnvelopeRecipient;

/** Envelopes and self-verifying message contents for queue tests. */
final class TestMessages {

    private TestMessages() {
    }

    static Envelope envelope(String sender, String... recipients) {
        return Envelope.builder(sender,
                java.util.Arrays.stream(recipients).map(r -> new EnvelopeRecipient(r, "", Set.of())).toList(),
                Instant.parse("2024-05-01T12:00:00Z"))
                .client(new ClientFacts("client.example", "", "192.0.2.1", -1, "", "ESMTP")).build();
    }

    static Envelope dsnEnvelope() {
        return Envelope.builder("a@example.org",
                List.of(new EnvelopeRecipient("x@example.com", "rfc822;X@example.com", Set.of(DsnNotify.SUCCESS, DsnNotify.FAILURE)),
                        new EnvelopeRecipient("y@example.com", "", Set.of(DsnNotify.NEVER))),
                Instant.parse("2024-05-01T12:00:00.123456789Z"))
                .dsn(new DsnRequest("QQ314159", DsnRequest.Return.HDRS))
                .client(new ClientFacts("", "", "192.0.2.1", -1, "mx.example.org", "")).build();
    }

    /**
     * A message whose body is {@code size} bytes of printable filler and whose X-Body-SHA256
     * header holds the body's digest, so that a reader can prove it is whole.
     */
    static byte[] selfCheckingMessage(long seed, int size) {
        StringBuilder body = new StringBuilder(size + 100);
        long x = seed * 6364136223846793005L + 1442695040888963407L;
        int line = 0;
        while (body.length() < size) {
            x = x * 6364136223846793005L + 1442695040888963407L;
            body.append((char) ('a' + (int) ((x >>> 33) % 26)));
            if (++line == 76) {
                body.append("\r\n");
                line = 0;
            }
        }
        body.append("\r\n");
        byte[] b = body.toString().getBytes(StandardCharsets.US_ASCII);
        String headers = "From: <a@example.org>\r\nTo: <x@example.com>\r\nSubject: test " + seed + "\r\n"
                + "X-Body-SHA256: " + sha256(b) + "\r\n\r\n";
        byte[] h = headers.getBytes(StandardCharsets.US_ASCII);
        byte[] all = new byte[h.length + b.length];
        System.arraycopy(h, 0, all, 0, h.length);
        System.arraycopy(b, 0, all, h.length, b.length);
        return all;
    }

    /** True when the message's body matches its X-Body-SHA256 header. */
    static boolean isWhole(byte[] message) {
        String text = new String(message, StandardCharsets.US_ASCII);
        int split = text.indexOf("\r\n\r\n");
        int h = text.indexOf("X-Body-SHA256: ");
        if (split < 0 || h < 0 || h > split) {
            return false;
        }
        String digest = text.substring(h + 15, text.indexOf("\r\n", h));
        byte[] body = java.util.Arrays.copyOfRange(message, split + 4, message.length);
        return digest.equals(sha256(body));
    }

    static String sha256(byte[] b) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Receives, writes and commits one message; returns its queue ID and the commit future. */
    static Submitted submit(QueueStore store, byte[] content, Envelope envelope) throws IOException {
        IncomingMessage m = store.receive();
        try (OutputStream out = m.content()) {
            out.write(content);
        }
        return new Submitted(m.queueId(), m.commit(envelope));
    }

    record Submitted(String queueId, CompletableFuture<Void> committed) {
    }
}
