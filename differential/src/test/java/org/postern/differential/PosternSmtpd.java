// SPDX-License-Identifier: Apache-2.0
package org.postern.differential;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.postern.core.cleanup.CleanupQueueStore;
import org.postern.core.config.ConfigEnvironment;
import org.postern.core.config.PostfixConfig;
import org.postern.core.dict.DictRegistryImpl;
import org.postern.core.dict.builtin.CoreTables;
import org.postern.core.dns.DnsjavaResolver;
import org.postern.core.queue.FileQueueStore;
import org.postern.core.smtpd.SmtpServer;
import org.postern.core.smtpd.restrict.RestrictionChecks;
import org.postern.maps.regexp.RegexpDictFactory;
import org.postern.milter.MilterClient;

/**
 * Postern's smtpd wired as the master wires an "inet ... smtpd" line (restrictions, cleanup,
 * the durable file queue), in this JVM, from a main.cf on disk. Nothing delivers the queue:
 * the comparison ends at the SMTP replies.
 */
final class PosternSmtpd implements AutoCloseable {

    private final FileQueueStore queue;
    private final SmtpServer server;
    private final InetSocketAddress address;

    private PosternSmtpd(FileQueueStore queue, SmtpServer server, InetSocketAddress address) {
        this.queue = queue;
        this.server = server;
        this.address = address;
    }

    static PosternSmtpd start(Path directory, List<String> mainCf) throws Exception {
        Path etc = Files.createDirectories(directory.resolve("etc"));
        Path data = Files.createDirectories(directory.resolve("data"));
        Files.write(etc.resolve("main.cf"), mainCf);
        ConfigEnvironment env = new ConfigEnvironment(etc, data, "mx.example.test");
        PostfixConfig config = PostfixConfig.load(env);
        DictRegistryImpl dicts = new DictRegistryImpl(etc);
        CoreTables.factories().forEach((type, factory) -> dicts.register(type, factory.get(), "core"));
        // As in the distribution, where postern-map-regexp is a boot feature.
        dicts.register("regexp", new RegexpDictFactory(), "postern-map-regexp");
        DnsjavaResolver dns = new DnsjavaResolver();
        FileQueueStore queue = FileQueueStore.open(data.resolve("queue"));
        RestrictionChecks restrictions = RestrictionChecks.create(config, dicts, dns);
        SmtpServer server = new SmtpServer("smtp", new InetSocketAddress("127.0.0.1", 0), config, restrictions,
                CleanupQueueStore.create(queue, config, dicts), data.resolve("tls"), null, null, null, null, dns)
                .milterService(MilterClient::new); // as with the postern-milter feature installed
        try {
            return new PosternSmtpd(queue, server, server.start());
        } catch (IOException | RuntimeException e) {
            server.stop();
            queue.close();
            throw e;
        }
    }

    InetSocketAddress address() {
        return address;
    }

    @Override
    public void close() {
        server.stop(1, TimeUnit.SECONDS);
        queue.close();
    }
}
