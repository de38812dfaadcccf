// SPDX-License-Identifier: Apache-2.0
package org.postern.core.queue;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.time.ZoneId;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

import org.postern.api.delivery.Recipient.DsnNotify;
import org.postern.api.message.DsnRequest;
import org.postern.core.message.Envelope;
import org.postern.core.message.EnvelopeRecipient;

/**
 * SUMMARY   postcat - show a queue file in human-readable form, as Postfix's postcat -q does.
 * DESCRIPTION
 *   The envelope records come out with Postfix's record names ({@code message_size},
 *   {@code message_arrival_time}, {@code sender}, {@code named_attribute: name=value},
 *   {@code recipient}), DSN parameters as the named attributes Postfix uses
 *   ({@code envelope_id}, {@code ret_flags}, {@code notify_flags}, {@code dsn_orig_rcpt})
 *   with Postfix's numeric masks, then the content between the
 *   {@code *** MESSAGE CONTENTS queue/ID ***} and {@code *** HEADER EXTRACTED queue/ID ***}
 *   markers, then records appended after commit, then {@code *** MESSAGE FILE END queue/ID ***}.
 *   {@link Section} selects -e, -h and -b; none selected means all, as in Postfix.
 * SECURITY  Content and addresses are untrusted; they are printed as text (invalid UTF-8
 *   becomes U+FFFD), as postcat prints them raw.
 * BUGS      The message_size record shows Postern's values in Postfix's six columns
 *   (content size, content offset, recipients, 0, content size, SMTPUTF8 requested).
 *   Records appended after commit are shown as {@code record_<letter>: text} until the
 *   delivery code names them.
 */
public final class Postcat {

    /** postcat -e, -h, -b. */
    public enum Section { ENVELOPE, HEADER, BODY }

    private final ZoneId zone;

    public Postcat(ZoneId zone) {
        this.zone = zone;
    }

    /** Postfix's DSN_NOTIFY_* bits (dsn_mask.h). */
    static int notifyMask(Set<DsnNotify> notify) {
        int mask = 0;
        for (DsnNotify n : notify) {
            if (n == DsnNotify.NEVER) {
                mask |= 1;
            } else if (n == DsnNotify.SUCCESS) {
                mask |= 2;
            } else if (n == DsnNotify.FAILURE) {
                mask |= 4;
            } else if (n == DsnNotify.DELAY) {
                mask |= 8;
            }
        }
        return mask;
    }

    /** Postfix's DSN_RET_* bits: FULL 1, HDRS 2. */
    static String retMask(String ret) {
        String r = ret.toUpperCase(Locale.ROOT);
        if (r.equals("FULL")) {
            return "1";
        }
        if (r.equals("HDRS")) {
            return "2";
        }
        return ret;
    }

    /**
     * Prints one message.
     *
     * @param message  the envelope and where it is
     * @param appended records written after commit (status updates), in file order
     * @param content  headers and body; read to the end, not closed
     * @param sections what to print; empty means everything
     */
    public void print(QueuedMessage message, List<QueueFile.Record> appended, InputStream content,
                      Set<Section> sections, PrintWriter out) throws IOException {
        Set<Section> show = sections.isEmpty() ? EnumSet.allOf(Section.class) : EnumSet.copyOf(sections);
        boolean env = show.contains(Section.ENVELOPE);
        String path = message.queue().directory() + "/" + message.queueId();
        Envelope e = message.envelope();
        if (env) {
            out.print("*** ENVELOPE RECORDS " + path + " ***\n");
            boolean smtputf8 = e.smtputf8();
            out.print(String.format(Locale.ROOT, "message_size: %15d %15d %15d %15d %15d %15d\n", message.size(),
                    (long) QueueFile.HEADER_LENGTH, e.recipients().size(), 0, message.size(), smtputf8 ? 1 : 0));
            out.print("message_arrival_time: " + MailqFormat.asctime(e.arrival(), zone) + "\n");
            out.print("sender: " + e.sender() + "\n");
            if (!e.dsn().envelopeId().isEmpty()) {
                out.print("named_attribute: envelope_id=" + e.dsn().envelopeId() + "\n");
            }
            if (e.dsn().ret() != DsnRequest.Return.UNSPECIFIED) {
                out.print("named_attribute: ret_flags=" + retMask(e.dsn().ret().keyword()) + "\n");
            }
            for (EnvelopeAttributes.Attribute a : EnvelopeAttributes.of(e)) {
                out.print("named_attribute: " + a.name() + "=" + a.value() + "\n");
            }
            for (EnvelopeRecipient r : e.recipients()) {
                if (!r.originalRecipient().isEmpty()) {
                    out.print("named_attribute: dsn_orig_rcpt=" + r.originalRecipient() + "\n");
                }
                if (!r.notifyOn().isEmpty()) {
                    out.print("named_attribute: notify_flags=" + notifyMask(r.notifyOn()) + "\n");
                }
                out.print("recipient: " + r.address() + "\n");
            }
            out.print("*** MESSAGE CONTENTS " + path + " ***\n");
        }
        if (show.contains(Section.HEADER) || show.contains(Section.BODY)) {
            printContent(content, show.contains(Section.HEADER), show.contains(Section.BODY), out);
        }
        if (env) {
            out.print("*** HEADER EXTRACTED " + path + " ***\n");
            for (QueueFile.Record r : appended) {
                out.print("record_" + (char) r.type() + ": " + MailqFormat.printable(r.text()) + "\n");
            }
            out.print("*** MESSAGE FILE END " + path + " ***\n");
        }
        out.flush();
    }

    private static void printContent(InputStream content, boolean headers, boolean body, PrintWriter out)
            throws IOException {
        InputStream in = new BufferedInputStream(content);
        ByteArrayOutputStream line = new ByteArrayOutputStream(256);
        boolean inHeader = true;
        boolean previousWasHeader = false;
        int c;
        boolean eof = false;
        while (!eof) {
            line.reset();
            while ((c = in.read()) >= 0 && c != '\n') {
                line.write(c);
            }
            eof = c < 0;
            if (eof && line.size() == 0) {
                break;
            }
            byte[] bytes = line.toByteArray();
            int len = bytes.length;
            if (len > 0 && bytes[len - 1] == '\r') {
                len--;
            }
            String text = new String(bytes, 0, len, StandardCharsets.UTF_8);
            if (inHeader) {
                boolean continuation = previousWasHeader && !text.isEmpty()
                        && (text.charAt(0) == ' ' || text.charAt(0) == '\t');
                if (isHeader(text) || continuation) {
                    previousWasHeader = true;
                } else {
                    inHeader = false;
                }
            }
            if (inHeader ? headers : body) {
                out.print(text + "\n");
            }
        }
    }

    /** Postfix's is_header(): a field name of printable non-space characters, optional blanks, a colon. */
    static boolean isHeader(String line) {
        int i = 0;
        while (i < line.length()) {
            char c = line.charAt(i);
            if (c == ':' || c <= ' ' || c >= 0x7f) {
                break;
            }
            i++;
        }
        if (i == 0) {
            return false;
        }
        while (i < line.length() && (line.charAt(i) == ' ' || line.charAt(i) == '\t')) {
            i++;
        }
        return i < line.length() && line.charAt(i) == ':';
    }

    /**
     * postcat -q: prints each queued message of {@code ids}; returns 0, or 1 after Postfix's
     * fatal message for a bad or missing queue ID.
     */
    public int printQueued(QueueStore queue, List<String> ids, Set<Section> sections, PrintWriter out,
                           PrintWriter err) {
        for (String id : ids) {
            if (!QueueIds.isValid(id)) {
                err.println("postcat: fatal: bad mail queue ID: " + id);
                return 1;
            }
            try {
                Optional<QueuedMessage> m = queue.find(id);
                if (m.isEmpty()) {
                    err.println("postcat: fatal: open queue file " + id + ": No such file or directory");
                    return 1;
                }
                try (InputStream content = queue.content(id)) {
                    print(m.get(), queue.appendedRecords(id), content, sections, out);
                }
            } catch (NoSuchFileException e) {
                err.println("postcat: fatal: open queue file " + id + ": No such file or directory");
                return 1;
            } catch (IOException e) {
                err.println("postcat: fatal: " + id + ": " + e.getMessage());
                return 1;
            }
        }
        return 0;
    }
}
