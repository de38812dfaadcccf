// SPDX-License-Identifier: Apache-2.0
package org.postern.core.smtpd.codec;

import java.nio.charset.StandardCharsets;
import java.util.List;

import org.postern.core.smtp.SmtpReply;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToByteEncoder;

/** Writes {@link SmtpReply} and {@link SmtpResponse} as RFC 5321 section 4.2 reply lines. */
@Sharable
public final class SmtpResponseEncoder extends MessageToByteEncoder<Object> {

    public static final SmtpResponseEncoder INSTANCE = new SmtpResponseEncoder();

    @Override
    public boolean acceptOutboundMessage(Object msg) {
        return msg instanceof SmtpReply || msg instanceof SmtpResponse;
    }

    @Override
    protected void encode(ChannelHandlerContext ctx, Object msg, ByteBuf out) {
        List<SmtpReply> lines = msg instanceof SmtpReply ? List.of((SmtpReply) msg) : ((SmtpResponse) msg).lines();
        for (int i = 0; i < lines.size(); i++) {
            SmtpReply r = lines.get(i);
            String sep = i < lines.size() - 1 ? "-" : " ";
            String text = r.enhancedCode().isEmpty() ? r.text() : r.enhancedCode() + " " + r.text();
            out.writeCharSequence(r.code() + sep + text + "\r\n", StandardCharsets.UTF_8);
        }
    }
}
