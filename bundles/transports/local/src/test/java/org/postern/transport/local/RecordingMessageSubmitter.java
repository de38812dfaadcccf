// SPDX-License-Identifier: Apache-2.0
package org.postern.transport.local;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.postern.api.delivery.MessageContent;
import org.postern.api.delivery.MessageSubmitter;
import org.postern.api.delivery.Recipient;
import org.postern.api.message.DsnRequest;

/** Records what would have been queued anew, and answers with queue IDs Q1, Q2, ... */
final class RecordingMessageSubmitter implements MessageSubmitter {

    record Submission(String sender, List<Recipient> recipients, String content, DsnRequest dsn) {
    }

    final List<Submission> submissions = new CopyOnWriteArrayList<>();

    @Override
    public String submit(String sender, List<Recipient> recipients, MessageContent content, DsnRequest dsn)
            throws IOException {
        try (InputStream in = content.open()) {
            submissions.add(new Submission(sender, List.copyOf(recipients),
                    new String(in.readAllBytes(), StandardCharsets.UTF_8), dsn));
        }
        return "Q" + submissions.size();
    }
}
