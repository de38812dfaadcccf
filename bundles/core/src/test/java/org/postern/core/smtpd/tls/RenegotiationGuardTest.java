// SPDX-License-Identifier: Apache-2.0
package org.postern.core.smtpd.tls;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;

/** The guard reads TLS record headers (RFC 5246 section 6.2.1) and nothing else. */
class RenegotiationGuardTest {

    private final AtomicInteger refusals = new AtomicInteger();
    private final EmbeddedChannel channel = new EmbeddedChannel(new RenegotiationGuard(refusals::incrementAndGet));

    private static byte[] record(int type, int length) {
        byte[] r = new byte[5 + length];
        r[0] = (byte) type;
        r[1] = 3;
        r[2] = 3;
        r[3] = (byte) (length >> 8);
        r[4] = (byte) length;
        return r;
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    /** A TLS 1.2 client: ClientHello, ClientKeyExchange, ChangeCipherSpec, Finished, then data. */
    private static final byte[] HANDSHAKE = concat(record(22, 300), record(22, 70), record(20, 1), record(22, 40),
            record(23, 100));

    @Test
    void fullHandshakeAndDataShouldPassUntouched() {
        channel.writeInbound(Unpooled.wrappedBuffer(HANDSHAKE));

        ByteBuf passed = channel.readInbound();
        assertThat(passed.readableBytes()).isEqualTo(HANDSHAKE.length);
        passed.release();
        assertThat(refusals.get()).isZero();
        assertThat(channel.isOpen()).isTrue();
    }

    @Test
    void handshakeRecordAfterTheFinishedShouldCloseTheConnection() {
        channel.writeInbound(Unpooled.wrappedBuffer(HANDSHAKE));
        ((ByteBuf) channel.readInbound()).release();

        channel.writeInbound(Unpooled.wrappedBuffer(record(22, 200)));

        assertThat((Object) channel.readInbound()).isNull();
        assertThat(refusals.get()).isEqualTo(1);
        assertThat(channel.isOpen()).isFalse();
    }

    @Test
    void renegotiationShouldBeSeenWhateverTheSegmentBoundaries() {
        byte[] all = concat(HANDSHAKE, record(22, 200));
        for (int i = 0; i < all.length && channel.isOpen(); i++) {
            channel.writeInbound(Unpooled.wrappedBuffer(all, i, 1));
        }
        Object read;
        while ((read = channel.readInbound()) != null) {
            ((ByteBuf) read).release();
        }

        assertThat(refusals.get()).isEqualTo(1);
        assertThat(channel.isOpen()).isFalse();
    }

    @Test
    void tls13HelloRetryWithCompatibilityChangeCipherSpecShouldPass() {
        // ClientHello, (HelloRetryRequest from the server), CCS, second ClientHello, encrypted rest.
        byte[] tls13 = concat(record(22, 250), record(20, 1), record(22, 250), record(23, 80), record(23, 60));

        channel.writeInbound(Unpooled.wrappedBuffer(tls13));

        ((ByteBuf) channel.readInbound()).release();
        assertThat(refusals.get()).isZero();
        assertThat(channel.isOpen()).isTrue();
    }
}
