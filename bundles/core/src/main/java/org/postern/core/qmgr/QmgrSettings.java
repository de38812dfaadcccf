// SPDX-License-Identifier: Apache-2.0
package org.postern.core.qmgr;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

import org.postern.api.dict.DictRegistry;
import org.postern.core.config.ConfigException;
import org.postern.core.config.LoadedConfig;
import org.postern.core.config.PostfixConfig;
import org.postern.core.rewrite.DeliveryRouter;

/** The queue manager's view of main.cf and master.cf, rebuilt on reload. */
record QmgrSettings(PostfixConfig main, DeliveryRouter router, Map<String, TransportService> transports,
                    Backoff backoff, Duration queueRunDelay, Duration maximalQueueLifetime,
                    Duration bounceQueueLifetime, Duration delayWarningTime, Duration transportRetryTime,
                    int activeLimit, int initialConcurrency, boolean softBounce, java.util.Set<String> deferTransports,
                    List<String> problems) {

    static QmgrSettings from(LoadedConfig loaded, DictRegistry dicts) throws ConfigException {
        PostfixConfig c = loaded.main();
        List<String> problems = new ArrayList<>();
        Map<String, TransportService> transports = loaded.master()
                .map(m -> TransportService.all(m, c, problems)).orElse(Map.of());
        return new QmgrSettings(c, new DeliveryRouter(c, dicts), transports,
                new Backoff(c.time("minimal_backoff_time"), c.time("maximal_backoff_time"),
                        () -> ThreadLocalRandom.current().nextDouble()),
                c.time("queue_run_delay"), c.time("maximal_queue_lifetime"), c.time("bounce_queue_lifetime"),
                c.time("delay_warning_time"), c.time("transport_retry_time"),
                c.integer("qmgr_message_active_limit"), c.integer("initial_destination_concurrency"),
                c.bool("soft_bounce"), java.util.Set.copyOf(c.list("defer_transports")), problems);
    }
}
