// SPDX-License-Identifier: Apache-2.0
package org.postern.core.smtpd;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import org.postern.api.milter.ConnectInfo;
import org.postern.api.milter.EndOfMessage;
import org.postern.api.milter.HeaderField;
import org.postern.api.milter.MilterReply;
import org.postern.api.milter.MilterService;
import org.postern.api.milter.MilterSession;
import org.postern.api.milter.MilterSettings;
import org.postern.api.milter.MilterStage;

/**
 * A milter client double: answers each stage as scripted and records what it was given
 * (events in order, the headers and body of the message, the macros of each stage).
 */
final class ScriptedMilterService implements MilterService {

    final Map<MilterStage, MilterReply> replies = new EnumMap<>(MilterStage.class);
    volatile EndOfMessage endOfMessage = EndOfMessage.of(MilterReply.CONTINUE);
    final List<String> events = new CopyOnWriteArrayList<>();
    final Map<MilterStage, Map<String, String>> macros = new EnumMap<>(MilterStage.class);
    volatile List<HeaderField> headers;
    volatile byte[] body;
    volatile int opened;

    ScriptedMilterService reply(MilterStage stage, MilterReply reply) {
        replies.put(stage, reply);
        return this;
    }

    @Override
    public MilterSession open(MilterSettings settings) {
        opened++;
        return new MilterSession() {
            private MilterReply answer(MilterStage stage, String event, Map<String, String> m) {
                events.add(event);
                macros.put(stage, m);
                return replies.getOrDefault(stage, MilterReply.CONTINUE);
            }

            @Override
            public MilterReply connect(ConnectInfo client, Map<String, String> m) {
                return answer(MilterStage.CONNECT, "connect " + client.name() + " " + client.address(), m);
            }

            @Override
            public MilterReply helo(String helo, Map<String, String> m) {
                return answer(MilterStage.HELO, "helo " + helo, m);
            }

            @Override
            public MilterReply mail(String sender, List<String> args, Map<String, String> m) {
                return answer(MilterStage.MAIL, "mail " + sender + " " + args, m);
            }

            @Override
            public MilterReply rcpt(String recipient, List<String> args, Map<String, String> m) {
                return answer(MilterStage.RCPT, "rcpt " + recipient, m);
            }

            @Override
            public MilterReply data(Map<String, String> m) {
                return answer(MilterStage.DATA, "data", m);
            }

            @Override
            public MilterReply unknown(String command, Map<String, String> m) {
                return answer(MilterStage.UNKNOWN, "unknown " + command, m);
            }

            @Override
            public EndOfMessage message(List<HeaderField> h, InputStream b, Map<String, String> m) {
                events.add("message");
                macros.put(MilterStage.END_OF_DATA, m);
                headers = h;
                try {
                    body = b.readAllBytes();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
                return endOfMessage;
            }

            @Override
            public void abort() {
                events.add("abort");
            }

            @Override
            public void close() {
                events.add("close");
            }
        };
    }
}
