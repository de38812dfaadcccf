// SPDX-License-Identifier: Apache-2.0
package org.postern.core.qmgr;

import java.io.IOException;
import java.io.PrintWriter;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.postern.api.delivery.RecipientResult.Outcome;
import org.postern.core.message.EnvelopeRecipient;
import org.postern.core.queue.MailqFormat;
import org.postern.core.queue.QueueFile;
import org.postern.core.queue.QueueName;
import org.postern.core.queue.QueueStore;
import org.postern.core.queue.QueuedMessage;

/**
 * What mailq shows of a message: the recipients still to deliver, each with the reason of its
 * latest deferral, as Postfix's showq reads them from the queue file.
 */
public final class QueueListing {

    private QueueListing() {
    }

    /** The whole queue as mailq prints it (postqueue -p), or one JSON object per message (-j). */
    public static void print(QueueStore queue, boolean longIds, boolean json, PrintWriter out) throws IOException {
        MailqFormat format = new MailqFormat(ZoneId.systemDefault(), longIds);
        List<MailqFormat.Entry> entries = new ArrayList<>();
        for (QueueName q : MailqFormat.LISTED) {
            for (QueuedMessage m : queue.list(q)) {
                entries.add(entry(m, queue.appendedRecords(m.queueId())));
            }
        }
        if (json) {
            format.printJson(entries, out);
        } else {
            format.printList(entries, out);
        }
    }

    public static MailqFormat.Entry entry(QueuedMessage m, List<QueueFile.Record> records) {
        Set<Integer> done = new HashSet<>();
        Map<Integer, String> reasons = new HashMap<>();
        for (RecipientStatus s : RecipientStatus.read(records)) {
            if (s.outcome() == Outcome.DEFERRED) {
                reasons.put(s.index(), s.diagnostic());
            } else {
                done.add(s.index());
            }
        }
        List<MailqFormat.Recipient> pending = new ArrayList<>();
        List<EnvelopeRecipient> all = m.envelope().recipients();
        for (int i = 0; i < all.size(); i++) {
            if (!done.contains(i)) {
                pending.add(new MailqFormat.Recipient(all.get(i).address(), reasons.getOrDefault(i, "")));
            }
        }
        return new MailqFormat.Entry(m.queueId(), m.queue(), m.envelope().arrival(), m.size(), false,
                m.envelope().sender(), pending);
    }
}
