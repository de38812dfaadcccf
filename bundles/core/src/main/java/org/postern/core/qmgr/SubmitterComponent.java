// SPDX-License-Identifier: Apache-2.0
package org.postern.core.qmgr;

import java.io.IOException;
import java.time.Clock;
import java.util.List;

import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.postern.api.delivery.MessageContent;
import org.postern.api.delivery.MessageSubmitter;
import org.postern.api.delivery.Recipient;
import org.postern.api.dict.DictRegistry;
import org.postern.api.message.DsnRequest;
import org.postern.core.cleanup.CleanupQueueStore;
import org.postern.core.config.PostfixConfig;
import org.postern.core.queue.QueueStore;
import org.postern.core.runtime.PosternConfiguration;

/**
 * SUMMARY   The MessageSubmitter service: forwarded mail (aliases, .forward) into the queue
 *           through cleanup, with main.cf's cleanup settings (canonical maps, header checks, bcc).
 */
@Component(service = MessageSubmitter.class)
public final class SubmitterComponent implements MessageSubmitter {

    @Reference
    PosternConfiguration configuration;

    @Reference
    QueueStore queue;

    @Reference
    DictRegistry dicts;

    @Override
    public String submit(String sender, List<Recipient> recipients, MessageContent content,
                         DsnRequest dsn) throws IOException {
        PostfixConfig main = configuration.current().map(l -> l.config().main())
                .orElseThrow(() -> new IOException("no usable main.cf"));
        try {
            return Resubmission.submit(CleanupQueueStore.create(queue, main, dicts), Clock.systemUTC(), sender,
                    recipients, content, dsn);
        } catch (org.postern.core.config.ConfigException e) {
            throw new IOException("cleanup settings: " + e.getMessage(), e);
        }
    }
}
