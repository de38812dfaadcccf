// SPDX-License-Identifier: Apache-2.0
package org.postern.core.smtpd;

import java.time.Duration;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import java.util.function.Supplier;

import org.postern.api.dns.DnsResolver;
import org.postern.api.milter.MilterService;
import org.postern.api.milter.MilterSettings;
import org.postern.core.anvil.Anvil;
import org.postern.core.queue.QueueStore;
import org.postern.core.smtpd.restrict.SmtpdChecks;
import org.postern.core.smtpd.sasl.SaslAuthServer;
import org.postern.core.smtpd.tls.ServerTls;


/**
 * What all sessions of one listener share: its master.cf service name and settings, the
 * restrictions, the queue, the blocking executor, the anvil, TLS, the DNS for client hostname
 * lookups, the authentication servers (null without SMTP AUTH), the ETRN flush (null: ETRN
 * answers 458), the free space of the queue's file system, smtpd_milters (null when none), the
 * milter client present now (null when none is installed) and the executor the milter calls
 * block on (apart from the restrictions' {@code executor}, so that a stalled filter delays no
 * other session's restrictions).
 */
record SessionContext(String service, SmtpdSettings settings, SmtpdChecks checks, QueueStore queue,
                      Executor executor, Anvil anvil, ServerTls ssl, DnsResolver dns, Duration dnsTimeout,
                      Supplier<SaslAuthServer> saslServers, Consumer<String> siteFlush, FreeSpace queueSpace,
                      MilterSettings milters, Supplier<MilterService> milterService, Executor milterExecutor) {

    /** Without milters. */
    SessionContext(String service, SmtpdSettings settings, SmtpdChecks checks, QueueStore queue, Executor executor,
                   Anvil anvil, ServerTls ssl, DnsResolver dns, Duration dnsTimeout,
                   Supplier<SaslAuthServer> saslServers, Consumer<String> siteFlush, FreeSpace queueSpace) {
        this(service, settings, checks, queue, executor, anvil, ssl, dns, dnsTimeout, saslServers, siteFlush,
                queueSpace, null, () -> null, executor);
    }

    /** The queue's free space measured in queue_directory. */
    SessionContext(String service, SmtpdSettings settings, SmtpdChecks checks, QueueStore queue, Executor executor,
                   Anvil anvil, ServerTls ssl, DnsResolver dns, Duration dnsTimeout,
                   Supplier<SaslAuthServer> saslServers, Consumer<String> siteFlush) {
        this(service, settings, checks, queue, executor, anvil, ssl, dns, dnsTimeout, saslServers, siteFlush,
                FreeSpace.of(settings.queueDirectory()));
    }

    /** Without ETRN flushes (ETRN answers 458). */
    SessionContext(String service, SmtpdSettings settings, SmtpdChecks checks, QueueStore queue, Executor executor,
                   Anvil anvil, ServerTls ssl, DnsResolver dns, Duration dnsTimeout,
                   Supplier<SaslAuthServer> saslServers) {
        this(service, settings, checks, queue, executor, anvil, ssl, dns, dnsTimeout, saslServers, null);
    }

    /** Without SMTP AUTH. */
    SessionContext(String service, SmtpdSettings settings, SmtpdChecks checks, QueueStore queue, Executor executor,
                   Anvil anvil, ServerTls ssl, DnsResolver dns, Duration dnsTimeout) {
        this(service, settings, checks, queue, executor, anvil, ssl, dns, dnsTimeout, null);
    }

    /** Without client hostname lookup. */
    SessionContext(String service, SmtpdSettings settings, SmtpdChecks checks, QueueStore queue, Executor executor,
                   Anvil anvil, ServerTls ssl) {
        this(service, settings, checks, queue, executor, anvil, ssl, null, Duration.ofSeconds(10));
    }
}
