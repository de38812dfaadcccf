// SPDX-License-Identifier: Apache-2.0
package org.postern.core.queue;

import java.io.PrintWriter;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * SUMMARY   mailq / postqueue -p and postqueue -j output, byte for byte as Postfix 3.7 prints it.
 * DESCRIPTION
 *   {@link #printList}: the sendmail-style listing of Postfix's showq_compat.c. With short
 *   IDs (enable_long_queue_ids = no, the Postfix default and what suits Postern's 10-character
 *   IDs) each message is {@code "%-11s %7ld %20.20s %s"}: ID plus status ({@code *} active,
 *   {@code !} on hold, {@code #} forced to expire), size, the first 20 characters of
 *   asctime(3) (so a trailing space) and the sender; with long IDs {@code "%-17s %8ld %19.19s %s"}.
 *   Recipients follow, indented by the empty columns; a delay reason is printed right-aligned
 *   at column 76 in parentheses before the first recipient it applies to, and again only when
 *   it changes. Messages are separated by a blank line; the trailer is
 *   {@code "-- N Kbytes in M Requests."} (Request for one) after a blank line, or
 *   {@code "Mail queue is empty"}.
 *   <p>{@link #printJson}: postqueue -j, one object per line with queue_name, queue_id,
 *   arrival_time, message_size, forced_expire, sender and recipients (address, delay_reason).
 *   <p>The null sender is shown as MAILER-DAEMON (Postfix's empty_address_recipient default)
 *   in both.
 * SECURITY  Addresses and reasons come from SMTP clients and remote servers: JSON strings are
 *   escaped as Postfix's json_quote does; in the text listing control characters become '?'
 *   (Postfix's printable()).
 * BUGS      Addresses are shown as stored, not re-quoted with quote_822_local. Duplicate
 *   recipients are not filtered (showq's dup_filter_limit).
 */
public final class MailqFormat {

    /** One recipient line; {@code delayReason} is empty when none is known. */
    public record Recipient(String address, String delayReason) {
        public Recipient {
            Objects.requireNonNull(address);
            Objects.requireNonNull(delayReason);
        }
    }

    /** One message as the listing shows it. */
    public record Entry(String queueId, QueueName queue, Instant arrival, long size, boolean forcedExpire,
                        String sender, List<Recipient> recipients) {
        public Entry {
            recipients = List.copyOf(recipients);
        }

        /** A committed message with all its recipients pending and no delay reasons yet. */
        public static Entry of(QueuedMessage m) {
            return new Entry(m.queueId(), m.queue(), m.envelope().arrival(), m.size(), false, m.envelope().sender(),
                    m.envelope().recipients().stream().map(r -> new Recipient(r.address(), "")).toList());
        }
    }

    /** The queues postqueue -p lists, in its order (the corrupt queue is not listed). */
    public static final List<QueueName> LISTED = List.of(QueueName.INCOMING, QueueName.ACTIVE, QueueName.DEFERRED,
            QueueName.HOLD);

    private static final String EMPTY_ADDRESS = "MAILER-DAEMON";
    private static final DateTimeFormatter ASCTIME = DateTimeFormatter.ofPattern("EEE MMM ppd HH:mm:ss yyyy", Locale.ROOT);

    private final ZoneId zone;
    private final boolean longQueueIds;

    /**
     * @param zone         the local time zone (asctime(localtime(...)))
     * @param longQueueIds enable_long_queue_ids: selects the column widths
     */
    public MailqFormat(ZoneId zone, boolean longQueueIds) {
        this.zone = zone;
        this.longQueueIds = longQueueIds;
    }

    /** asctime(3) without its newline: {@code Thu Jan  1 00:00:00 1970}. */
    public static String asctime(Instant time, ZoneId zone) {
        return ASCTIME.format(time.atZone(zone));
    }

    /** postqueue -p. */
    public void printList(List<Entry> entries, PrintWriter out) {
        long total = 0;
        int count = 0;
        for (Entry e : entries) {
            if (count > 0) {
                out.print("\n");
            } else if (longQueueIds) {
                out.print(String.format(Locale.ROOT, "%-17s %8s %-19s %s\n",
                        "----Queue ID-----", "--Size--", "---Arrival Time----", "--Sender/Recipient------"));
            } else {
                out.print(String.format(Locale.ROOT, "%-11s %7s %-20s %s\n",
                        "-Queue ID-", "--Size--", "----Arrival Time----", "-Sender/Recipient-------"));
            }
            printMessage(e, out);
            total += e.size();
            count++;
        }
        if (count == 0) {
            out.print("Mail queue is empty\n");
        } else {
            out.print(String.format(Locale.ROOT, "\n-- %d Kbytes in %d Request%s.\n", total / 1024, count,
                    count == 1 ? "" : "s"));
        }
        out.flush();
    }

    private void printMessage(Entry e, PrintWriter out) {
        StringBuilder id = new StringBuilder(e.queueId());
        if (e.queue() == QueueName.ACTIVE) {
            id.append('*');
        } else if (e.queue() == QueueName.HOLD) {
            id.append('!');
        }
        if (e.forcedExpire()) {
            id.append('#');
        }
        String time = asctime(e.arrival(), zone);
        if (longQueueIds) {
            out.print(String.format(Locale.ROOT, "%-17s %8d %19.19s %s\n", id, e.size(), time, sender(e)));
        } else {
            out.print(String.format(Locale.ROOT, "%-11s %7d %20.20s %s\n", id, e.size(), time + " ", sender(e)));
        }
        String saved = "";
        for (Recipient r : e.recipients()) {
            String why = printable(r.delayReason());
            if (!saved.equals(why)) {
                saved = why;
                String show = why.isEmpty() ? "reason unavailable" : why;
                int padding = Math.max(0, 76 - show.length());
                out.print(" ".repeat(padding) + "(" + show + ")\n");
            }
            if (longQueueIds) {
                out.print(String.format(Locale.ROOT, "%-17s %8s %-19s %s\n", "", "", "", printable(r.address())));
            } else {
                out.print(String.format(Locale.ROOT, "%-11s %7s %-20s %s\n", "", "", "", printable(r.address())));
            }
        }
    }

    private static String sender(Entry e) {
        return e.sender().isEmpty() ? EMPTY_ADDRESS : printable(e.sender());
    }

    /** postqueue -j: one JSON object per line. */
    public void printJson(List<Entry> entries, PrintWriter out) {
        for (Entry e : entries) {
            StringBuilder b = new StringBuilder(256);
            b.append('{');
            b.append("\"queue_name\": \"").append(json(e.queue().directory())).append("\", ");
            b.append("\"queue_id\": \"").append(json(e.queueId())).append("\", ");
            b.append("\"arrival_time\": ").append(e.arrival().getEpochSecond()).append(", ");
            b.append("\"message_size\": ").append(e.size()).append(", ");
            b.append("\"forced_expire\": ").append(e.forcedExpire()).append(", ");
            b.append("\"sender\": \"").append(json(e.sender().isEmpty() ? EMPTY_ADDRESS : e.sender())).append("\", ");
            b.append("\"recipients\": [");
            int n = 0;
            for (Recipient r : e.recipients()) {
                if (n++ > 0) {
                    b.append(", ");
                }
                b.append("{\"address\": \"").append(json(r.address())).append('"');
                if (!r.delayReason().isEmpty()) {
                    b.append(", \"delay_reason\": \"").append(json(r.delayReason())).append('"');
                }
                b.append('}');
            }
            b.append("]}\n");
            out.print(b);
        }
        out.flush();
    }

    /** Postfix's json_quote: short escapes for common controls, \\uXXXX for the others. */
    static String json(String text) {
        StringBuilder b = new StringBuilder(text.length() + 8);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '\b':
                    b.append("\\b");
                    break;
                case '\f':
                    b.append("\\f");
                    break;
                case '\n':
                    b.append("\\n");
                    break;
                case '\r':
                    b.append("\\r");
                    break;
                case '\t':
                    b.append("\\t");
                    break;
                case '\\':
                case '"':
                    b.append('\\').append(c);
                    break;
                default:
                    if (c < 0x20 || c == 0x7f) {
                        b.append(String.format(Locale.ROOT, "\\u%04X", (int) c));
                    } else {
                        b.append(c);
                    }
            }
        }
        return b.toString();
    }

    /** Postfix's printable(s, '?') for the text listing. */
    static String printable(String s) {
        StringBuilder b = null;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x20 || c == 0x7f) {
                if (b == null) {
                    b = new StringBuilder(s.substring(0, i));
                }
                b.append('?');
            } else if (b != null) {
                b.append(c);
            }
        }
        return b == null ? s : b.toString();
    }
}
