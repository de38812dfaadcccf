// SPDX-License-Identifier: Apache-2.0
package org.postern.core.pickup;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ExecutionException;

import org.apache.james.mime4j.dom.address.AddressList;
import org.apache.james.mime4j.dom.address.Mailbox;
import org.apache.james.mime4j.field.address.LenientAddressParser;
import org.apache.james.mime4j.util.MimeUtil;
import org.postern.api.delivery.Recipient.DsnNotify;
import org.postern.api.message.ClientFacts;
import org.postern.api.message.DsnRequest;
import org.postern.core.cleanup.CleanupRejection;
import org.postern.core.cli.Getopt;
import org.postern.core.config.PostfixConfig;
import org.postern.core.message.Envelope;
import org.postern.core.message.EnvelopeRecipient;
import org.postern.core.message.MessageActions;
import org.postern.core.queue.IncomingMessage;
import org.postern.core.queue.QueueStore;
import org.postern.core.smtp.SmtpReply;

/**
 * Sendmail - Postfix to Sendmail compatibility interface: local submission of one message.
 *
 * <h2>SUMMARY</h2>
 * {@code sendmail [-f sender] [-t] [-i|-oi] [-F fullname] [-bm] [-o x] [--] recipient ...}
 *
 * <h2>DESCRIPTION</h2>
 * Reads a message from standard input and hands it, with its envelope, to the queue store
 * it was given (in service, cleanup wrapping the incoming queue: it adds missing
 * Message-ID:, Date: and From: headers for local submissions and applies canonical, virtual
 * and bcc mappings). Line ends become CRLF. Without {@code -i}, a line with a single "."
 * ends the input, as with Sendmail; no dot-unstuffing is done either way.
 *
 * <p>With {@code -t}, recipients also come from the To:, Cc: and Bcc: headers; when the
 * message has Resent-To:, Resent-Cc: or Resent-Bcc: headers, from those instead (as
 * Postfix's cleanup does). Bcc: and Resent-Bcc: headers are then removed. Header addresses
 * are parsed by mime4j's lenient parser; groups are flattened.
 *
 * <p>The envelope sender is {@code -f} (an empty value or {@code <>} is the null sender),
 * else the login name at $myorigin. Unqualified addresses get "@$myorigin"
 * (append_at_myorigin). The envelope carries protocol "local" and no client_address.
 *
 * <p>Exit status (sysexits): 0 queued; 64 usage error or no recipients; 69 cleanup rejected
 * the message with a 5xx reply; 75 the queue write failed or a 4xx rejection.
 *
 * <h2>SECURITY</h2>
 * The message and the arguments are untrusted local input. Header lines are only read for
 * addresses; nothing from them reaches a log unescaped here.
 *
 * <h2>CONFIGURATION PARAMETERS</h2>
 * myorigin (default $myhostname), myhostname.
 *
 * <h2>BUGS</h2>
 * Submission here is the deliver mode ({@code -bm}); {@link #parse} also reports the modes
 * {@code -bp}, {@code -bi}, {@code -bs} and {@code -q}, which the caller runs (mailq,
 * newaliases, a flush); {@code -bd}, {@code -bv} and friends are refused with status 64. Input
 * is read as UTF-8 text: bytes that are not UTF-8 are replaced. {@code -N}, {@code -R} and
 * {@code -V} become the recipients' NOTIFY= and the message's RET= and ENVID=; {@code -F} is
 * the display name of the From: header added when the message has none.
 *
 * <h2>SEE ALSO</h2>
 * sendmail(1), cleanup(8), CleanupQueueStore.
 */
public final class Sendmail {

    /** sysexits.h */
    public static final int EX_OK = 0;
    public static final int EX_USAGE = 64;
    public static final int EX_UNAVAILABLE = 69;
    public static final int EX_SOFTWARE = 70;
    public static final int EX_TEMPFAIL = 75;

    /** What the command line asks for: -bm (the default), -bp, -bi, -bs, or -q. */
    public enum Mode { DELIVER, LIST_QUEUE, NEWALIASES, SMTP, FLUSH }

    /**
     * Parsed command line. {@code sender} null = the default (login@$myorigin); {@code notifyOn}
     * empty = no -N; {@code flushTarget} is -q's value ("" for all, "Rsite", "Iqueue_id").
     */
    public record Options(String sender, boolean extractRecipients, boolean ignoreDots, String fullName,
                          List<String> recipients, Mode mode, Set<DsnNotify> notifyOn, DsnRequest dsn,
                          String flushTarget) {
        public Options {
            recipients = List.copyOf(recipients);
            notifyOn = Set.copyOf(notifyOn);
        }

        /** Deliver mode with no DSN options: what the older callers built. */
        public Options(String sender, boolean extractRecipients, boolean ignoreDots, String fullName,
                       List<String> recipients) {
            this(sender, extractRecipients, ignoreDots, fullName, recipients, Mode.DELIVER, Set.of(),
                    DsnRequest.NONE, "");
        }
    }

    /** A command line Postfix's sendmail would refuse. */
    public static final class UsageException extends Exception {
        private static final long serialVersionUID = 1L;

        public UsageException(String message) {
            super(message);
        }
    }

    /** Options taking a value, joined ("-fbob") or separate ("-f bob"), as Postfix's getopt string. */
    private static final String WITH_VALUE = "ABCFLNORVXbefhopr";

    private final QueueStore queue;
    private final String myorigin;
    private final String loginName;
    private final Clock clock;
    private static final ClientFacts LOCAL_CLIENT = ClientFacts.local("local");
    private final MessageActions actions;

    /**
     * @param queue     where the message goes (CleanupQueueStore in service)
     * @param config    main.cf (myorigin, myhostname, content_filter as Postfix's pickup reads it)
     * @param loginName the submitting user's login name, for the default sender
     */
    public Sendmail(QueueStore queue, PostfixConfig config, String loginName, Clock clock) {
        this.queue = queue;
        String origin = config.get("myorigin");
        this.myorigin = origin == null || origin.isBlank() ? config.get("myhostname") : origin.trim();
        this.loginName = loginName == null || loginName.isBlank() ? "root" : loginName;
        this.clock = clock;
        String filter = config.get("content_filter");
        this.actions = filter == null || filter.isBlank() ? MessageActions.NONE
                : MessageActions.NONE.withFilter(filter.strip());
    }

    /** Parses sendmail(1) arguments (without the program name). */
    public static Options parse(List<String> args) throws UsageException {
        String sender = null;
        String fullName = null;
        boolean extract = false;
        boolean ignoreDots = false;
        Mode mode = Mode.DELIVER;
        Set<DsnNotify> notify = EnumSet.noneOf(DsnNotify.class);
        String envelopeId = "";
        DsnRequest.Return ret = DsnRequest.Return.UNSPECIFIED;
        String flushTarget = "";
        // -q's value is optional ("-q" alone flushes), so it is taken out before getopt.
        List<String> words = new ArrayList<>();
        boolean options = true;
        for (String word : args) {
            if (options && word.startsWith("-q")) {
                mode = Mode.FLUSH;
                flushTarget = word.substring(2);
                continue;
            }
            if (word.equals("--") || !word.startsWith("-")) {
                options = false;
            }
            words.add(word);
        }
        // getopt(3) clusters, as Postfix's sendmail: "-ti" is -t -i; "-tfjoe" is -t -f joe.
        Getopt.Parsed parsed;
        try {
            parsed = Getopt.parse(words, WITH_VALUE);
        } catch (Getopt.MissingArgument e) {
            throw new UsageException(e.getMessage());
        }
        for (Getopt.Opt option : parsed.options()) {
            char opt = option.letter();
            String value = option.value();
            switch (opt) {
                case 'f', 'r' -> sender = value;
                case 'F' -> fullName = value;
                case 't' -> extract = true;
                case 'i' -> ignoreDots = true;
                case 'o' -> {
                    // -oi / -o i: dots are data; every other -o option is ignored, as Postfix does.
                    if (value.startsWith("i")) {
                        ignoreDots = true;
                    }
                }
                case 'b' -> mode = switch (value) {
                    case "m" -> Mode.DELIVER;
                    case "p" -> Mode.LIST_QUEUE;
                    case "i" -> Mode.NEWALIASES;
                    case "s" -> Mode.SMTP;
                    default -> throw new UsageException("unsupported: -b" + value
                            + " (-bm, -bp, -bi and -bs are implemented)");
                };
                case 'N' -> notify = notifyOption(value);
                case 'R' -> ret = DsnRequest.Return.of(value.toUpperCase(Locale.ROOT));
                case 'V' -> envelopeId = value;
                // Accepted and ignored, as Postfix's sendmail does or as not applicable here.
                case 'A', 'B', 'C', 'L', 'O', 'X', 'e', 'h', 'p', 'c', 'm', 'n', 'v', 'U', 'G', 'I', 'x' -> {
                }
                default -> throw new UsageException("illegal option -- " + opt);
            }
        }
        return new Options(sender, extract, ignoreDots, fullName, parsed.operands(), mode, notify,
                new DsnRequest(envelopeId, ret), flushTarget);
    }

    /** -N never, or a comma-separated list of success, delay, failure (Postfix's sendmail). */
    private static Set<DsnNotify> notifyOption(String value) throws UsageException {
        Set<DsnNotify> notify = EnumSet.noneOf(DsnNotify.class);
        for (String word : value.split(",")) {
            switch (word.strip().toLowerCase(Locale.ROOT)) {
                case "never" -> notify.add(DsnNotify.NEVER);
                case "success" -> notify.add(DsnNotify.SUCCESS);
                case "delay" -> notify.add(DsnNotify.DELAY);
                case "failure" -> notify.add(DsnNotify.FAILURE);
                default -> throw new UsageException("bad -N option value: " + value);
            }
        }
        if (notify.contains(DsnNotify.NEVER) && notify.size() > 1) {
            throw new UsageException("bad -N option value: " + value);
        }
        return notify;
    }

    /** The outcome of one submission: exit status and the queue ID (empty unless queued). */
    public record Result(int status, String queueId) {
    }

    /**
     * Submits the message read from {@code in}; diagnostics go to {@code err} as
     * "sendmail: fatal: ...". Returns the exit status.
     */
    public Result submit(Options options, BufferedReader in, PrintWriter err) {
        List<String> cmdline = new ArrayList<>();
        for (String r : options.recipients()) {
            cmdline.addAll(addresses(r));
        }
        if (cmdline.isEmpty() && !options.extractRecipients()) {
            err.println("sendmail: fatal: no recipients specified");
            return new Result(EX_USAGE, "");
        }
        String sender = sender(options.sender());
        try {
            List<String> headers = new ArrayList<>();
            String firstBodyLine = readHeaders(in, options.ignoreDots(), headers);
            Set<String> rcpts = new LinkedHashSet<>();
            for (String r : cmdline) {
                rcpts.add(qualify(r));
            }
            if (options.extractRecipients()) {
                for (String r : extract(headers)) {
                    rcpts.add(qualify(r));
                }
                headers = withoutBcc(headers);
            }
            if (options.fullName() != null && !sender.isEmpty()
                    && fields(headers).stream().noneMatch(f -> f.name().equals("from"))) {
                headers.add(fromWithFullName(options.fullName(), sender));
            }
            if (rcpts.isEmpty()) {
                err.println("sendmail: fatal: no recipients specified");
                return new Result(EX_USAGE, "");
            }
            List<EnvelopeRecipient> recipients = rcpts.stream()
                    .map(r -> new EnvelopeRecipient(r, "", options.notifyOn())).toList();
            Envelope preliminary = envelope(sender, recipients, options.dsn());
            try (IncomingMessage message = queue.receive()) {
                message.announce(preliminary);
                OutputStream out = message.content();
                for (String h : headers) {
                    line(out, h);
                }
                if (firstBodyLine != null) {
                    line(out, firstBodyLine);
                    String l;
                    while ((l = in.readLine()) != null && (options.ignoreDots() || !l.equals("."))) {
                        line(out, l);
                    }
                }
                out.flush();
                Envelope envelope = envelope(sender, recipients, options.dsn());
                message.commit(envelope).get();
                return new Result(EX_OK, message.queueId());
            }
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof CleanupRejection rejection) {
                SmtpReply reply = rejection.reply();
                err.println("sendmail: fatal: " + reply.text());
                return new Result(reply.isPermanentFailure() ? EX_UNAVAILABLE : EX_TEMPFAIL, "");
            }
            err.println("sendmail: fatal: queue file write error");
            return new Result(EX_TEMPFAIL, "");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            err.println("sendmail: fatal: interrupted");
            return new Result(EX_TEMPFAIL, "");
        } catch (IOException | RuntimeException e) {
            err.println("sendmail: fatal: queue file write error");
            return new Result(EX_TEMPFAIL, "");
        }
    }

    /**
     * Reads the header section into {@code headers} (one entry per physical line, without the
     * line end) and returns the first line after it (the empty separator line, or the first
     * line that is not a header), or null when input ended within the headers.
     */
    /** A local submission: protocol "local", no client, content_filter as the FILTER. */
    private Envelope envelope(String sender, List<EnvelopeRecipient> recipients, DsnRequest dsn) {
        return Envelope.builder(sender, recipients, clock.instant()).client(LOCAL_CLIENT).actions(actions).dsn(dsn)
                .build();
    }

    private static String readHeaders(BufferedReader in, boolean ignoreDots, List<String> headers) throws IOException {
        String l;
        while ((l = in.readLine()) != null) {
            if (!ignoreDots && l.equals(".")) {
                return null;
            }
            boolean continuation = !headers.isEmpty() && (l.startsWith(" ") || l.startsWith("\t"));
            if (continuation || isHeaderStart(l)) {
                headers.add(l);
            } else {
                return l;
            }
        }
        return null;
    }

    private static boolean isHeaderStart(String l) {
        int colon = l.indexOf(':');
        if (colon <= 0) {
            return false;
        }
        for (int i = 0; i < colon; i++) {
            char c = l.charAt(i);
            if (c <= ' ' || c > '~') {
                return false;
            }
        }
        return true;
    }

    /** Logical headers: name and unfolded value, with the index of their first physical line. */
    private record Field(String name, int first, int last, String value) {
    }

    private static List<Field> fields(List<String> headers) {
        List<Field> fields = new ArrayList<>();
        int i = 0;
        while (i < headers.size()) {
            int start = i;
            StringBuilder raw = new StringBuilder(headers.get(i++));
            while (i < headers.size() && (headers.get(i).startsWith(" ") || headers.get(i).startsWith("\t"))) {
                raw.append("\r\n").append(headers.get(i++));
            }
            int colon = raw.indexOf(":");
            if (colon > 0) {
                fields.add(new Field(raw.substring(0, colon).trim().toLowerCase(Locale.ROOT), start, i - 1,
                        MimeUtil.unfold(raw.substring(colon + 1))));
            }
        }
        return fields;
    }

    private static final Set<String> PLAIN = Set.of("to", "cc", "bcc");
    private static final Set<String> RESENT = Set.of("resent-to", "resent-cc", "resent-bcc");

    /** Recipients named in To:/Cc:/Bcc:, or in Resent-To:/-Cc:/-Bcc: when there are any. */
    static List<String> extract(List<String> headers) {
        List<Field> fields = fields(headers);
        boolean resent = fields.stream().anyMatch(f -> RESENT.contains(f.name()));
        Set<String> wanted = resent ? RESENT : PLAIN;
        List<String> out = new ArrayList<>();
        for (Field f : fields) {
            if (wanted.contains(f.name())) {
                out.addAll(addresses(f.value()));
            }
        }
        return out;
    }

    private static List<String> withoutBcc(List<String> headers) {
        List<String> out = new ArrayList<>();
        int next = 0;
        for (Field f : fields(headers)) {
            // physical lines before this field that did not belong to any field are kept
            for (; next < f.first(); next++) {
                out.add(headers.get(next));
            }
            if (!f.name().equals("bcc") && !f.name().equals("resent-bcc")) {
                for (int i = f.first(); i <= f.last(); i++) {
                    out.add(headers.get(i));
                }
            }
            next = f.last() + 1;
        }
        for (; next < headers.size(); next++) {
            out.add(headers.get(next));
        }
        return out;
    }

    /**
     * -F: the From: header cleanup would add, with the full name as its display name
     * (Postfix's hfrom_format = standard), quoted when it holds RFC 5322 specials.
     */
    static String fromWithFullName(String fullName, String sender) {
        String name = fullName.replaceAll("[\\r\\n]+", " ").strip();
        boolean plain = name.chars().allMatch(c -> c >= ' ' && c < 127 && "()<>[]:;@\\,.\"".indexOf(c) < 0);
        String phrase = plain ? name : "\"" + name.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
        return "From: " + phrase + " <" + sender + ">";
    }

    /** The mailbox addresses of an address list (groups flattened), by mime4j's lenient parser. */
    static List<String> addresses(String list) {
        List<String> out = new ArrayList<>();
        if (list.isBlank()) {
            return out;
        }
        AddressList parsed = LenientAddressParser.DEFAULT.parseAddressList(list);
        for (Mailbox m : parsed.flatten()) {
            String a = m.getAddress();
            if (a != null && !a.isBlank()) {
                out.add(a.trim());
            }
        }
        return out;
    }

    /** The envelope sender for {@code -f given} (null: the login name at $myorigin). */
    public String sender(String given) {
        if (given == null) {
            return loginName + "@" + myorigin;
        }
        String s = given.trim();
        if (s.startsWith("<") && s.endsWith(">")) {
            s = s.substring(1, s.length() - 1).trim();
        }
        return s.isEmpty() ? "" : qualify(s);
    }

    private String qualify(String address) {
        return address.indexOf('@') >= 0 ? address : address + "@" + myorigin;
    }

    private static void line(OutputStream out, String l) throws IOException {
        out.write(l.getBytes(StandardCharsets.UTF_8));
        out.write('\r');
        out.write('\n');
    }
}
