// SPDX-License-Identifier: Apache-2.0
package org.postern.milter;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

import org.postern.api.milter.ConnectInfo;
import org.postern.api.milter.EndOfMessage;
import org.postern.api.milter.HeaderEdits;
import org.postern.api.milter.HeaderField;
import org.postern.api.milter.MilterReply;
import org.postern.api.milter.MilterSession;
import org.postern.api.milter.Modification;

/**
 * SUMMARY   The filters of one session, in smtpd_milters order: each event goes to every filter
 *           still taking part; the first refusal, discard or quarantine answers it.
 * DESCRIPTION
 *   Accept from a filter ends its part (in the session at CONNECT/HELO, in the message later);
 *   the chain answers Accept only when every filter accepted the session. A recipient smtpd
 *   refused goes only to the filters that negotiated SMFIP_RCPT_REJ. At the end of the
 *   message each filter sees the headers and body the filters before it left ({@link
 *   HeaderEdits}), and their modifications are collected in order, so that applying them in
 *   that order gives what the last filter saw plus its own changes; the first quarantine
 *   reason is kept. Each filter has its own connection: no lock is shared with another session.
 * BUGS      The body is read into memory when there are several filters.
 */
final class FilterChain implements MilterSession {

    private final List<MilterConnection> filters;

    FilterChain(List<MilterConnection> filters) {
        this.filters = List.copyOf(filters);
    }

    @Override
    public MilterReply connect(ConnectInfo client, Map<String, String> macros) {
        return each(f -> f.connect(client, macros));
    }

    @Override
    public MilterReply helo(String helo, Map<String, String> macros) {
        return each(f -> f.helo(helo, macros));
    }

    @Override
    public MilterReply mail(String sender, List<String> args, Map<String, String> macros) {
        return each(f -> f.mail(sender, args, macros));
    }

    @Override
    public MilterReply rcpt(String recipient, List<String> args, Map<String, String> macros) {
        return each(f -> f.rcpt(recipient, args, macros));
    }

    /** As Postfix's milter_rcpt_event: the filters that asked for it, up to the first one not continuing. */
    @Override
    public void rejectedRcpt(String recipient, List<String> args, Map<String, String> macros) {
        for (MilterConnection f : filters) {
            MilterReply r = f.rejectedRcpt(recipient, args, macros);
            if (!(r instanceof MilterReply.Continue) && !(r instanceof MilterReply.Accept)) {
                return;
            }
        }
    }

    @Override
    public MilterReply data(Map<String, String> macros) {
        return each(f -> f.data(macros));
    }

    @Override
    public MilterReply unknown(String command, Map<String, String> macros) {
        return each(f -> f.unknown(command, macros));
    }

    private MilterReply each(Function<MilterConnection, MilterReply> event) {
        for (MilterConnection f : filters) {
            MilterReply r = event.apply(f);
            if (!(r instanceof MilterReply.Continue) && !(r instanceof MilterReply.Accept)) {
                return r;
            }
        }
        for (MilterConnection f : filters) {
            if (!f.acceptedSession()) {
                return MilterReply.CONTINUE;
            }
        }
        return MilterReply.ACCEPT;
    }

    @Override
    public EndOfMessage message(List<HeaderField> headers, InputStream body, Map<String, String> macros) {
        List<HeaderField> current = headers;
        byte[] copy = null;
        List<Modification> modifications = new ArrayList<>();
        List<String> quarantine = new ArrayList<>();
        MilterReply reply = MilterReply.CONTINUE;
        for (int i = 0; i < filters.size(); i++) {
            InputStream b = body;
            if (filters.size() > 1) {
                try {
                    copy = copy == null ? body.readAllBytes() : copy;
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
                b = new ByteArrayInputStream(copy);
            }
            List<Modification> mine = new ArrayList<>();
            MilterReply r = filters.get(i).message(current, b, macros, mine, quarantine);
            modifications.addAll(mine);
            if (r instanceof MilterReply.Refuse) {
                for (int j = i + 1; j < filters.size(); j++) {
                    filters.get(j).abort();
                }
                return EndOfMessage.of(r);
            }
            if (r instanceof MilterReply.Discard || r instanceof MilterReply.Quarantine) {
                reply = reply instanceof MilterReply.Continue ? r : reply;
            }
            // The next filter sees the message as this one left it, as in Postfix (whose
            // milters read the queue file that cleanup edits as they answer).
            current = HeaderEdits.apply(current, mine);
            copy = replacedBody(mine).orElse(copy);
        }
        Optional<String> hold = quarantine.isEmpty() ? Optional.empty() : Optional.of(quarantine.get(0));
        return new EndOfMessage(reply, modifications, hold);
    }

    private static Optional<byte[]> replacedBody(List<Modification> modifications) {
        byte[] body = null;
        for (Modification m : modifications) {
            if (m instanceof Modification.ReplaceBody r) {
                body = r.body();
            }
        }
        return Optional.ofNullable(body);
    }

    @Override
    public void abort() {
        filters.forEach(MilterConnection::abort);
    }

    @Override
    public void close() {
        filters.forEach(MilterConnection::close);
    }
}
