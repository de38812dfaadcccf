// SPDX-License-Identifier: Apache-2.0
package org.postern.core.smtpd.tls;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;

/**
 * SUMMARY   Refuses client-initiated TLS renegotiation: the connection is closed when the client
 *           sends a handshake record after its handshake finished.
 * DESCRIPTION
 *   Sits in front of the SslHandler and reads only the 5-byte TLS record headers, which are
 *   never encrypted. The client's ChangeCipherSpec record (type 20) ends its part of the
 *   handshake; one handshake record (type 22) may follow it (its Finished in TLS 1.2, or a
 *   second ClientHello after a TLS 1.3 HelloRetryRequest in middlebox compatibility mode).
 *   Every later handshake record is a renegotiation request: TLS 1.3 has no renegotiation and
 *   sends its post-handshake messages as type 23. JSSE's own switch for this
 *   (jdk.tls.rejectClientInitiatedRenegotiation) is a JVM-wide system property read once,
 *   which this per-connection guard does not depend on.
 * SECURITY  Client input: the headers are only counted, never trusted for more. Renegotiation
 *           costs the server a full handshake per request (a DoS vector, testssl's MEDIUM).
 */
public final class RenegotiationGuard extends ChannelInboundHandlerAdapter {

    private static final int CHANGE_CIPHER_SPEC = 20;
    private static final int HANDSHAKE = 22;

    private final Runnable onRefused;
    private final byte[] header = new byte[5];
    private int headerBytes;
    private long bodyLeft;
    private boolean sawChangeCipherSpec;
    private int handshakeRecordsAfterCcs;
    private boolean refused;

    /** @param onRefused logs the refusal; called once, on the event loop, before the channel closes */
    public RenegotiationGuard(Runnable onRefused) {
        this.onRefused = onRefused;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (refused) {
            ReferenceCountUtil.release(msg);
            return;
        }
        if (msg instanceof ByteBuf && renegotiates((ByteBuf) msg)) {
            refused = true;
            ReferenceCountUtil.release(msg);
            onRefused.run();
            ctx.close();
            return;
        }
        ctx.fireChannelRead(msg);
    }

    /** Walks the record headers in {@code buf} without consuming it. */
    private boolean renegotiates(ByteBuf buf) {
        int i = buf.readerIndex();
        int end = buf.writerIndex();
        while (i < end) {
            if (bodyLeft > 0) {
                int skip = (int) Math.min(bodyLeft, end - i);
                bodyLeft -= skip;
                i += skip;
                continue;
            }
            header[headerBytes++] = buf.getByte(i++);
            if (headerBytes < header.length) {
                continue;
            }
            headerBytes = 0;
            int type = header[0] & 0xff;
            bodyLeft = ((header[3] & 0xff) << 8) | (header[4] & 0xff);
            if (type == CHANGE_CIPHER_SPEC) {
                sawChangeCipherSpec = true;
            } else if (type == HANDSHAKE && sawChangeCipherSpec && ++handshakeRecordsAfterCcs > 1) {
                return true;
            }
        }
        return false;
    }
}
