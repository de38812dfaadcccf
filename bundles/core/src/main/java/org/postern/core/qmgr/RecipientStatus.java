// SPDX-License-Identifier: Apache-2.0
package org.postern.core.qmgr;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.postern.api.delivery.RecipientResult.Outcome;
import org.postern.core.queue.QueueFile;

/**
 * SUMMARY   What delivery appends to a queue file, per recipient, and reading it back.
 * DESCRIPTION
 *   Record types (see {@link QueueFile}: letters after the commit record belong to delivery):
 *   <pre>
 *   D  done:     4-byte recipient index, 8-byte epoch second, then UTF-8
 *                "OUTCOME TAB dsn-status TAB relay TAB diagnostic"
 *                (OUTCOME is DELIVERED, RELAYED, HANDED_OFF, EXPANDED or BOUNCED)
 *   E  deferred: the same layout with OUTCOME DEFERRED: the latest reason (mailq, delay notices)
 *   W  delay warning sent: empty payload
 *   N  notices sent: empty payload (bounces/success notices queued; the message may be removed)
 *   H  placed on hold once (HOLD action): empty payload; a released message is not held again
 *   </pre>
 *   A recipient is final once it has a D record, so a restart never delivers it twice; the
 *   D records of bounced recipients are what the bounce notice is built from.
 */
record RecipientStatus(int index, Outcome outcome, Instant when, String dsnStatus, String relay, String diagnostic) {

    static final byte DONE = 'D';
    static final byte DEFERRED = 'E';
    static final byte WARNED = 'W';
    static final byte NOTIFIED = 'N';
    static final byte HELD = 'H';

    QueueFile.Record toRecord() {
        byte[] text = String.join("\t", outcome.name(), clean(dsnStatus), clean(relay), clean(diagnostic))
                .getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(12 + text.length).putInt(index).putLong(when.getEpochSecond()).put(text);
        return new QueueFile.Record(outcome == Outcome.DEFERRED ? DEFERRED : DONE, b.array());
    }

    private static String clean(String s) {
        return s == null ? "" : s.replace('\t', ' ').replace('\r', ' ').replace('\n', ' ');
    }

    static QueueFile.Record marker(byte type) {
        return new QueueFile.Record(type, new byte[0]);
    }

    /** The D and E records of a file, in file order; others are skipped. */
    static List<RecipientStatus> read(List<QueueFile.Record> records) {
        List<RecipientStatus> out = new ArrayList<>();
        for (QueueFile.Record r : records) {
            if ((r.type() != DONE && r.type() != DEFERRED) || r.payload().length < 12) {
                continue;
            }
            ByteBuffer b = ByteBuffer.wrap(r.payload());
            int index = b.getInt();
            Instant when = Instant.ofEpochSecond(b.getLong());
            String[] f = new String(r.payload(), 12, r.payload().length - 12, StandardCharsets.UTF_8).split("\t", 4);
            if (f.length < 4) {
                continue;
            }
            Outcome outcome;
            try {
                outcome = Outcome.valueOf(f[0]);
            } catch (IllegalArgumentException e) {
                continue;
            }
            out.add(new RecipientStatus(index, outcome, when, f[1], f[2], f[3]));
        }
        return out;
    }

    static boolean has(List<QueueFile.Record> records, byte type) {
        return records.stream().anyMatch(r -> r.type() == type);
    }
}
