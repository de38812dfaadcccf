// SPDX-License-Identifier: Apache-2.0
package org.postern.milter;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

import org.postern.api.milter.ConnectInfo;
import org.postern.api.milter.HeaderField;
import org.postern.api.milter.MilterReply;
import org.postern.api.milter.MilterSettings;
import org.postern.api.milter.MilterStage;
import org.postern.api.milter.Modification;
import org.postern.api.support.LogText;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * SUMMARY   One filter of one SMTP session: the connection, option negotiation, every event
 *           with its macros, and the filter's replies (Postfix's milter8.c, our own code).
 * DESCRIPTION
 *   SMFIC_OPTNEG offers milter_protocol's version with the actions and steps that version
 *   knows; a filter that answers with a newer version, or asks for an action or step not
 *   offered, is not used (its default action applies: Postfix's "tempfail when a filter asks
 *   for what the configuration cannot give"). A version 6 filter may name its own macro lists
 *   (SETSYMLIST) in the answer; they replace milter_*_macros for it. Events it turned off
 *   (SMFIP_NO*) are not sent; events it does not answer (SMFIP_NR_*) are not waited for.
 *   Headers go with their leading space when it asked for SMFIP_HDR_LEADSPC, else with one
 *   space removed, as Sendmail; headers it adds get that space back. Body chunks and headers
 *   are at most 65,535 bytes, or up to 256 KB or 1 MB when the filter was offered and took
 *   Sendmail's larger data size (data_size in {@link MilterSpec}); a header too large for the
 *   filter (header_size_limit allows 100 KB) is its failure, not truncated. SMFIR_SKIP (with
 *   SMFIP_SKIP) ends the body early. A filter that takes SMFIP_RCPT_REJ also hears of the
 *   recipients smtpd refused. SMFIR_PROGRESS restarts the timeout. Accept at CONNECT
 *   or HELO ends the filter's part in the session, at a later stage in the message. After a failure (refused or lost connection, a timeout, a malformed
 *   or unexpected reply) the filter answers its default action to every later event of the
 *   session and its connection is closed: nothing leaks, nothing is skipped silently.
 * CONFIGURATION PARAMETERS  milter_protocol, milter_default_action, milter_connect_timeout,
 *           milter_command_timeout, milter_content_timeout and the per-filter overrides
 *           ({@link MilterSpec}); milter_*_macros and milter_macro_defaults.
 * SECURITY  Replies come from a configured filter (trusted), but are parsed defensively:
 *           lengths are bounded ({@link Milter8#MAX_PACKET}), reply codes must be 4xx/5xx.
 */
final class MilterConnection {

    private static final Logger LOG = LoggerFactory.getLogger("postern.smtpd");

    /** MESSAGE_DONE: the filter accepted or discarded the message and hears nothing more of it. */
    private enum State { NEW, READY, ACCEPTED_SESSION, MESSAGE_DONE, FAILED, CLOSED }

    final MilterSpec spec;
    private final MilterSettings settings;
    private PacketChannel channel;
    private State state = State.NEW;
    private int version;
    private int actions;
    private int steps;
    /** The most data one packet to the filter carries: 65535, or more when MDS was negotiated. */
    private int dataSize = Milter8.CHUNK;
    private final Map<MilterStage, List<String>> symlists = new EnumMap<>(MilterStage.class);

    MilterConnection(MilterSpec spec, MilterSettings settings) {
        this.spec = spec;
        this.settings = settings;
    }

    boolean acceptedSession() {
        return state == State.ACCEPTED_SESSION || state == State.CLOSED;
    }

    // ------------------------------------------------------------------ events

    MilterReply connect(ConnectInfo client, Map<String, String> macros) {
        try {
            SocketAddress address = spec.address();
            if (address instanceof InetSocketAddress a && a.isUnresolved()) {
                address = new InetSocketAddress(a.getHostString(), a.getPort());
            }
            channel = PacketChannel.connect(address, spec.connectTimeout());
        } catch (IOException e) {
            LOG.warn("warning: connect to Milter service {}: {}", spec.name(), reason(e));
            return fail();
        }
        try {
            negotiate();
        } catch (IOException | ProtocolException e) {
            LOG.warn("warning: milter {}: {}", spec.name(), reason(e));
            return fail();
        }
        state = State.READY;
        ByteArrayOutputStream data = new ByteArrayOutputStream();
        writeString(data, client.name());
        InetAddress ip = ip(client.address());
        if (ip == null) {
            data.write('U');
        } else {
            data.write(ip.getAddress().length == 4 ? '4' : '6');
            data.write((client.port() >> 8) & 0xff);
            data.write(client.port() & 0xff);
            writeString(data, ip.getHostAddress());
        }
        return event(Milter8.CONNECT, data.toByteArray(), Milter8.SMFIP_NOCONNECT, Milter8.SMFIP_NR_CONN,
                MilterStage.CONNECT, macros, spec.commandTimeout());
    }

    MilterReply helo(String helo, Map<String, String> macros) {
        return event(Milter8.HELO, PacketChannel.strings(helo), Milter8.SMFIP_NOHELO, Milter8.SMFIP_NR_HELO,
                MilterStage.HELO, macros, spec.commandTimeout());
    }

    MilterReply mail(String sender, List<String> args, Map<String, String> macros) {
        if (state == State.MESSAGE_DONE) {
            state = State.READY; // a new message
        }
        return event(Milter8.MAIL, envelope(sender, args), Milter8.SMFIP_NOMAIL, Milter8.SMFIP_NR_MAIL,
                MilterStage.MAIL, macros, spec.commandTimeout());
    }

    MilterReply rcpt(String recipient, List<String> args, Map<String, String> macros) {
        return event(Milter8.RCPT, envelope(recipient, args), Milter8.SMFIP_NORCPT, Milter8.SMFIP_NR_RCPT,
                MilterStage.RCPT, macros, spec.commandTimeout());
    }

    /**
     * A recipient smtpd refused, sent only when the filter asked for those (SMFIP_RCPT_REJ, as
     * Postfix's milter8.c): the same SMFIC_RCPT with the refusal in the macros. The reply is
     * the caller's to ignore; an accept or a failure still counts for the filter's later events.
     */
    MilterReply rejectedRcpt(String recipient, List<String> args, Map<String, String> macros) {
        if ((steps & Milter8.SMFIP_RCPT_REJ) == 0) {
            return MilterReply.CONTINUE;
        }
        return rcpt(recipient, args, macros);
    }

    MilterReply data(Map<String, String> macros) {
        if (version < 4) {
            return MilterReply.CONTINUE;
        }
        return event(Milter8.DATA, new byte[0], Milter8.SMFIP_NODATA, Milter8.SMFIP_NR_DATA, MilterStage.DATA,
                macros, spec.commandTimeout());
    }

    MilterReply unknown(String command, Map<String, String> macros) {
        if (version < 3) {
            return MilterReply.CONTINUE;
        }
        return event(Milter8.UNKNOWN, PacketChannel.strings(command), Milter8.SMFIP_NOUNKNOWN,
                Milter8.SMFIP_NR_UNKN, MilterStage.UNKNOWN, macros, spec.commandTimeout());
    }

    /**
     * Headers, end of headers, body and end of message; the modifications the filter asked for
     * are added to {@code modifications}, a quarantine reason to {@code quarantine}.
     */
    MilterReply message(List<HeaderField> headers, InputStream body, Map<String, String> macros,
                        List<Modification> modifications, List<String> quarantine) {
        MilterReply r;
        for (HeaderField h : headers) {
            byte[] data = header(h);
            if (data.length > dataSize && state == State.READY && (steps & Milter8.SMFIP_NOHDRS) == 0) {
                // libmilter drops a connection whose packet exceeds its data size: the filter cannot have it.
                LOG.warn("warning: milter {}: header {} of {} bytes exceeds the filter's data size of {} bytes{}",
                        spec.name(), LogText.printable(h.name()), data.length, dataSize,
                        dataSize < Milter8.CHUNK_1M ? " (a larger data_size offers more)" : "");
                return early(fail());
            }
            r = event(Milter8.HEADER, data, Milter8.SMFIP_NOHDRS, Milter8.SMFIP_NR_HDR, null, macros,
                    spec.contentTimeout());
            if (!(r instanceof MilterReply.Continue)) {
                return early(r);
            }
        }
        r = event(Milter8.EOH, new byte[0], Milter8.SMFIP_NOEOH, Milter8.SMFIP_NR_EOH, MilterStage.END_OF_HEADERS,
                macros, spec.contentTimeout());
        if (!(r instanceof MilterReply.Continue)) {
            return early(r);
        }
        r = body(body);
        if (!(r instanceof MilterReply.Continue)) {
            return early(r);
        }
        if (state != State.READY) {
            return early(replyInState());
        }
        try {
            sendMacros(MilterStage.END_OF_DATA, Milter8.BODYEOB, macros);
            channel.send(Milter8.BODYEOB, new byte[0], spec.contentTimeout());
            while (true) {
                PacketChannel.Packet p = channel.receive(spec.contentTimeout());
                if (p.command() == Milter8.PROGRESS) {
                    continue;
                }
                if (modification(p, modifications, quarantine)) {
                    continue;
                }
                return done(reply(p, Milter8.BODYEOB));
            }
        } catch (IOException | ProtocolException e) {
            LOG.warn("warning: milter {}: can't read SMFIC_BODYEOB reply packet: {}", spec.name(), reason(e));
            modifications.clear();
            return fail();
        }
    }

    /** The filter's part ended before the end of the message: SMFIC_ABORT tells it the message is over. */
    private MilterReply early(MilterReply r) {
        if (state == State.READY || state == State.MESSAGE_DONE) {
            abort();
        }
        return done(r);
    }

    /** The message is over: a filter that accepted it hears from the next one again. */
    private MilterReply done(MilterReply r) {
        if (state == State.MESSAGE_DONE) {
            state = State.READY;
        }
        return r instanceof MilterReply.Accept ? MilterReply.CONTINUE : r;
    }

    private MilterReply body(InputStream body) {
        if (state != State.READY || (steps & Milter8.SMFIP_NOBODY) != 0) {
            return MilterReply.CONTINUE;
        }
        byte[] chunk = new byte[dataSize];
        try {
            int n;
            while ((n = body.readNBytes(chunk, 0, chunk.length)) > 0) {
                MilterReply r = event(Milter8.BODY, Arrays.copyOf(chunk, n), Milter8.SMFIP_NOBODY,
                        Milter8.SMFIP_NR_BODY, null, Map.of(), spec.contentTimeout());
                if (r == SKIPPED) {
                    return MilterReply.CONTINUE;
                }
                if (!(r instanceof MilterReply.Continue)) {
                    return r;
                }
            }
        } catch (IOException e) {
            LOG.warn("warning: milter {}: cannot read the message body: {}", spec.name(), reason(e));
            return fail();
        }
        return MilterReply.CONTINUE;
    }

    /** SMFIC_ABORT: the transaction ended without a message. */
    void abort() {
        if (state == State.READY || state == State.MESSAGE_DONE) {
            try {
                channel.send(Milter8.ABORT, new byte[0], spec.commandTimeout());
                state = State.READY;
            } catch (IOException e) {
                LOG.warn("warning: milter {}: can't send SMFIC_ABORT: {}", spec.name(), reason(e));
                fail();
            }
        }
    }

    /** SMFIC_QUIT and the connection closed. */
    void close() {
        if (channel != null) {
            if (state != State.FAILED) {
                try {
                    channel.send(Milter8.QUIT, new byte[0], spec.commandTimeout());
                } catch (IOException e) {
                    // the filter went away first; nothing is owed to it
                }
            }
            channel.close();
            channel = null;
        }
        if (state != State.FAILED) {
            state = State.CLOSED;
        }
    }

    // ------------------------------------------------------------------ the exchange

    /** A body chunk answered with SMFIR_SKIP. */
    private static final MilterReply SKIPPED = new MilterReply.Continue();

    private MilterReply event(byte command, byte[] data, int noFlag, int nrFlag, MilterStage stage,
                              Map<String, String> macros, Duration timeout) {
        if (state == State.FAILED) {
            return defaultReply();
        }
        if (state != State.READY) {
            return replyInState();
        }
        if ((steps & noFlag) != 0) {
            return MilterReply.CONTINUE;
        }
        try {
            if (stage != null) {
                sendMacros(stage, command, macros);
            }
            channel.send(command, data, timeout);
            if ((steps & nrFlag) != 0) {
                return MilterReply.CONTINUE;
            }
            while (true) {
                PacketChannel.Packet p = channel.receive(timeout);
                if (p.command() == Milter8.PROGRESS) {
                    continue;
                }
                if (p.command() == Milter8.SKIP && command == Milter8.BODY && (steps & Milter8.SMFIP_SKIP) != 0) {
                    return SKIPPED;
                }
                MilterReply r = reply(p, command);
                boolean sessionEvent = command == Milter8.CONNECT || command == Milter8.HELO;
                if (r instanceof MilterReply.Accept) {
                    state = sessionEvent ? State.ACCEPTED_SESSION : State.MESSAGE_DONE;
                } else if (r instanceof MilterReply.Discard && !sessionEvent) {
                    // The filter is done with this message (libmilter answers nothing more until
                    // the next one), as after an accept: the message is discarded.
                    state = State.MESSAGE_DONE;
                }
                return r;
            }
        } catch (IOException | ProtocolException e) {
            LOG.warn("warning: milter {}: can't read {} reply packet: {}", spec.name(),
                    Milter8.commandName(command), reason(e));
            return fail();
        }
    }

    private MilterReply replyInState() {
        return state == State.FAILED ? defaultReply() : MilterReply.CONTINUE;
    }

    /** A final reply to {@code command}; ProtocolException for anything else. */
    private MilterReply reply(PacketChannel.Packet p, byte command) throws ProtocolException {
        switch (p.command()) {
            case Milter8.CONTINUE:
                return MilterReply.CONTINUE;
            case Milter8.ACCEPT:
                return MilterReply.ACCEPT;
            case Milter8.REJECT:
                return new MilterReply.Refuse(550, "5.7.1", List.of("Command rejected"));
            case Milter8.TEMPFAIL:
                return new MilterReply.Refuse(451, "4.7.1", List.of("Service unavailable - try again later"));
            case Milter8.DISCARD:
                return MilterReply.DISCARD;
            case Milter8.SHUTDOWN:
            case Milter8.CONN_FAIL:
                return new MilterReply.Refuse(421, "4.7.0", List.of("Server closing connection"));
            case Milter8.REPLYCODE:
                return ReplyCode.parse(p.text());
            default:
                throw new ProtocolException("unexpected filter response " + printable(p.command()) + " after event "
                        + Milter8.commandName(command));
        }
    }

    /** Adds an end-of-message modification; false when {@code p} is none. */
    private boolean modification(PacketChannel.Packet p, List<Modification> out, List<String> quarantine)
            throws ProtocolException {
        ByteBuffer b = ByteBuffer.wrap(p.data());
        switch (p.command()) {
            case Milter8.ADDHEADER:
                allowed(Milter8.SMFIF_ADDHDRS, p);
                out.add(new Modification.AddHeader(field(cstring(b), cbytes(b))));
                return true;
            case Milter8.INSHEADER: {
                allowed(Milter8.SMFIF_ADDHDRS, p);
                int index = integer(b);
                out.add(new Modification.InsertHeader(index, field(cstring(b), cbytes(b))));
                return true;
            }
            case Milter8.CHGHEADER: {
                allowed(Milter8.SMFIF_CHGHDRS, p);
                int index = integer(b);
                String name = cstring(b);
                byte[] value = cbytes(b);
                out.add(new Modification.ChangeHeader(index, value.length == 0
                        ? new HeaderField(name, value) : field(name, value)));
                return true;
            }
            case Milter8.CHGFROM: {
                allowed(Milter8.SMFIF_CHGFROM, p);
                String sender = cstring(b);
                out.add(new Modification.ChangeSender(sender, args(b)));
                return true;
            }
            case Milter8.ADDRCPT:
                allowed(Milter8.SMFIF_ADDRCPT, p);
                out.add(new Modification.AddRecipient(cstring(b), List.of()));
                return true;
            case Milter8.ADDRCPT_PAR: {
                allowed(Milter8.SMFIF_ADDRCPT_PAR, p);
                String rcpt = cstring(b);
                out.add(new Modification.AddRecipient(rcpt, args(b)));
                return true;
            }
            case Milter8.DELRCPT:
                allowed(Milter8.SMFIF_DELRCPT, p);
                out.add(new Modification.DeleteRecipient(cstring(b)));
                return true;
            case Milter8.REPLBODY: {
                allowed(Milter8.SMFIF_CHGBODY, p);
                appendBody(out, p.data());
                return true;
            }
            case Milter8.QUARANTINE:
                allowed(Milter8.SMFIF_QUARANTINE, p);
                quarantine.add(cstring(b));
                return true;
            default:
                return false;
        }
    }

    /** SMFIR_REPLBODY chunks join into one new body. */
    private static void appendBody(List<Modification> out, byte[] chunk) {
        if (!out.isEmpty() && out.get(out.size() - 1) instanceof Modification.ReplaceBody last) {
            byte[] before = last.body();
            byte[] joined = Arrays.copyOf(before, before.length + chunk.length);
            System.arraycopy(chunk, 0, joined, before.length, chunk.length);
            out.set(out.size() - 1, new Modification.ReplaceBody(joined));
            return;
        }
        out.add(new Modification.ReplaceBody(chunk));
    }

    private void allowed(int action, PacketChannel.Packet p) throws ProtocolException {
        if ((actions & action) == 0) {
            throw new ProtocolException("unexpected filter response " + printable(p.command())
                    + " (an action not negotiated) after event SMFIC_BODYEOB");
        }
    }

    /** A header the filter sends: one space after the colon unless it speaks SMFIP_HDR_LEADSPC. */
    private HeaderField field(String name, byte[] value) {
        byte[] v = lineEnds(value);
        if ((steps & Milter8.SMFIP_HDR_LEADSPC) == 0) {
            byte[] spaced = new byte[v.length + 1];
            spaced[0] = ' ';
            System.arraycopy(v, 0, spaced, 1, v.length);
            v = spaced;
        }
        return new HeaderField(name, v);
    }

    /** CRLF inside a filter's header value as "\n" (the form the MTA writes back with CRLF). */
    private static byte[] lineEnds(byte[] value) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(value.length);
        for (int i = 0; i < value.length; i++) {
            if (value[i] == '\r' && i + 1 < value.length && value[i + 1] == '\n') {
                continue;
            }
            out.write(value[i]);
        }
        return out.toByteArray();
    }

    private byte[] header(HeaderField h) {
        byte[] value = h.value();
        int from = 0;
        if ((steps & Milter8.SMFIP_HDR_LEADSPC) == 0 && value.length > 0 && value[0] == ' ') {
            from = 1; // Sendmail's view: the space after the colon is not part of the value
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(value.length + h.name().length() + 2);
        byte[] name = h.name().getBytes(StandardCharsets.ISO_8859_1);
        out.write(name, 0, name.length);
        out.write(0);
        out.write(value, from, value.length - from);
        out.write(0);
        return out.toByteArray();
    }

    // ------------------------------------------------------------------ negotiation and macros

    private void negotiate() throws IOException, ProtocolException {
        int offeredActions = Milter8.actions(spec.protocol());
        int offeredSteps = Milter8.steps(spec.protocol()) | spec.mdsOffer();
        ByteBuffer offer = ByteBuffer.allocate(12).putInt(spec.protocol()).putInt(offeredActions).putInt(offeredSteps);
        channel.send(Milter8.OPTNEG, offer.array(), spec.commandTimeout());
        PacketChannel.Packet p = channel.receive(spec.commandTimeout());
        if (p.command() != Milter8.OPTNEG || p.data().length < 12) {
            throw new ProtocolException("unexpected filter response " + printable(p.command())
                    + " after event SMFIC_OPTNEG");
        }
        ByteBuffer b = ByteBuffer.wrap(p.data());
        version = b.getInt();
        actions = b.getInt();
        steps = b.getInt();
        int mds = steps & (Milter8.SMFIP_MDS_256K | Milter8.SMFIP_MDS_1M);
        steps &= ~mds; // a size not offered is ignored, as Sendmail does, not a refusal
        dataSize = (mds & spec.mdsOffer()) != 0 ? spec.dataSize() : Milter8.CHUNK;
        if (version < 2 || version > 6) {
            throw new ProtocolException("protocol version " + version + " conflict (MTA offers " + spec.protocol() + ")");
        }
        if ((actions & ~offeredActions) != 0) {
            throw new ProtocolException(String.format("filter asks for actions 0x%x, milter_protocol %d offers 0x%x",
                    actions, spec.protocol(), offeredActions));
        }
        if ((steps & ~offeredSteps) != 0) {
            throw new ProtocolException(String.format("filter asks for protocol steps 0x%x, milter_protocol %d "
                    + "offers 0x%x", steps, spec.protocol(), offeredSteps));
        }
        while (b.remaining() >= 4) {
            int where = b.getInt();
            String list = cstring(b);
            MilterStage stage = symStage(where);
            if (stage != null) {
                symlists.put(stage, List.of(list.trim().split("\\s+")));
            }
        }
    }

    private static MilterStage symStage(int where) {
        return switch (where) {
            case Milter8.SMFIM_CONNECT -> MilterStage.CONNECT;
            case Milter8.SMFIM_HELO -> MilterStage.HELO;
            case Milter8.SMFIM_ENVFROM -> MilterStage.MAIL;
            case Milter8.SMFIM_ENVRCPT -> MilterStage.RCPT;
            case Milter8.SMFIM_DATA -> MilterStage.DATA;
            case Milter8.SMFIM_EOM -> MilterStage.END_OF_DATA;
            case Milter8.SMFIM_EOH -> MilterStage.END_OF_HEADERS;
            default -> null;
        };
    }

    /** SMFIC_MACRO for {@code stage}: the names its list gives that have a value now. */
    private void sendMacros(MilterStage stage, byte command, Map<String, String> macros) throws IOException {
        List<String> names = symlists.containsKey(stage) ? symlists.get(stage) : settings.macros(stage);
        ByteArrayOutputStream data = new ByteArrayOutputStream();
        data.write(command);
        boolean any = false;
        for (String name : names) {
            String value = macros.get(name);
            if (value == null && name.length() > 2 && name.startsWith("{") && name.endsWith("}")) {
                value = macros.get(name.substring(1, name.length() - 1));
            } else if (value == null) {
                value = macros.get("{" + name + "}");
            }
            if (value != null) {
                writeString(data, name);
                writeString(data, value);
                any = true;
            }
        }
        if (any || command == Milter8.CONNECT) {
            channel.queue(Milter8.MACRO, data.toByteArray());
        }
    }

    // ------------------------------------------------------------------ failure

    private MilterReply fail() {
        if (channel != null) {
            channel.close();
            channel = null;
        }
        state = State.FAILED;
        return defaultReply();
    }

    /** What milter_default_action (or the filter's default_action) answers. */
    private MilterReply defaultReply() {
        return spec.defaultAction().reply();
    }



    // ------------------------------------------------------------------ encoding

    private static byte[] envelope(String address, List<String> args) {
        String[] all = new String[args.size() + 1];
        all[0] = "<" + address + ">";
        for (int i = 0; i < args.size(); i++) {
            all[i + 1] = args.get(i);
        }
        return PacketChannel.strings(all);
    }

    private static void writeString(ByteArrayOutputStream out, String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        out.write(b, 0, b.length);
        out.write(0);
    }

    private static InetAddress ip(String address) {
        if (address == null || address.isEmpty() || !(Character.digit(address.charAt(0), 16) >= 0
                || address.charAt(0) == ':')) {
            return null;
        }
        try {
            return InetAddress.getByName(address); // a literal: no lookup
        } catch (IOException e) {
            return null;
        }
    }

    private static int integer(ByteBuffer b) throws ProtocolException {
        if (b.remaining() < 4) {
            throw new ProtocolException("short packet");
        }
        return b.getInt();
    }

    private static byte[] cbytes(ByteBuffer b) throws ProtocolException {
        int start = b.position();
        while (b.hasRemaining()) {
            if (b.get() == 0) {
                return Arrays.copyOfRange(b.array(), start, b.position() - 1);
            }
        }
        throw new ProtocolException("string without NUL in filter response");
    }

    private static String cstring(ByteBuffer b) throws ProtocolException {
        return new String(cbytes(b), StandardCharsets.UTF_8);
    }

    private static List<String> args(ByteBuffer b) throws ProtocolException {
        List<String> args = new ArrayList<>();
        while (b.hasRemaining()) {
            for (String a : cstring(b).trim().split("\\s+")) {
                if (!a.isEmpty()) {
                    args.add(a);
                }
            }
        }
        return args;
    }

    private static String printable(byte command) {
        return command >= 32 && command < 127 ? Character.toString((char) command) : String.format("0x%02x", command);
    }

    private static String reason(Exception e) {
        String m = e.getMessage();
        return LogText.printable(m == null ? e.getClass().getSimpleName() : m);
    }

    /** A filter broke the protocol. */
    static final class ProtocolException extends Exception {
        private static final long serialVersionUID = 1L;

        ProtocolException(String message) {
            super(message);
        }
    }
}
