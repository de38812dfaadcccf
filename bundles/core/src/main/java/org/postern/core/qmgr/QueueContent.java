// SPDX-License-Identifier: Apache-2.0
package org.postern.core.qmgr;

import java.io.IOException;
import java.io.InputStream;

import org.postern.api.delivery.MessageContent;
import org.postern.core.queue.FileQueueStore;

/** A queued message's content for delivery agents: read from the queue file each time it is opened. */
record QueueContent(FileQueueStore store, String queueId, long size) implements MessageContent {

    @Override
    public InputStream open() throws IOException {
        return store.content(queueId);
    }
}
