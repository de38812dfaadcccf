// SPDX-License-Identifier: Apache-2.0
package org.postern.core.queue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.postern.core.runtime.PosternConfiguration;

/**
 * SUMMARY   The queue as an OSGi service: a {@link FileQueueStore} under queue_directory.
 * DESCRIPTION
 *   Opens the store (running recovery) on activation and closes it on deactivation, after
 *   the pending commits are on disk; commits that arrive after that fail, so their SMTP
 *   clients get a 4xx and send again.
 * CONFIGURATION PARAMETERS
 *   queue_directory (default ${karaf.data}/postern/queue). Read at activation only: as with
 *   Postfix, moving the queue needs a restart, not a reload.
 */
@Component(service = {QueueStore.class, QueueStoreComponent.class}, immediate = true)
public final class QueueStoreComponent implements QueueStore {

    @Reference
    PosternConfiguration configuration;

    private volatile FileQueueStore store;

    @Activate
    void activate() throws IOException {
        Path directory = configuration.current()
                .map(c -> c.config().main().get("queue_directory"))
                .filter(s -> !s.isBlank())
                .map(Path::of)
                .orElseGet(() -> configuration.environment().queueDirectory());
        store = FileQueueStore.open(directory, FileQueueStore.Options.defaults());
        FileQueueStore.QMGR.info("queue directory {}: {} messages", directory, store.recovery().messages());
    }

    @Deactivate
    void deactivate() {
        FileQueueStore s = store;
        if (s != null) {
            s.close();
        }
    }

    /** The store itself, for the queue manager and the commands that need more than the interface. */
    public FileQueueStore store() {
        return store;
    }

    @Override
    public IncomingMessage receive() throws IOException {
        return store.receive();
    }

    @Override
    public List<QueuedMessage> list(QueueName queue) throws IOException {
        return store.list(queue);
    }

    @Override
    public Optional<QueuedMessage> find(String queueId) throws IOException {
        return store.find(queueId);
    }

    @Override
    public InputStream content(String queueId) throws IOException {
        return store.content(queueId);
    }

    @Override
    public List<QueueFile.Record> appendedRecords(String queueId) throws IOException {
        return store.appendedRecords(queueId);
    }
}
