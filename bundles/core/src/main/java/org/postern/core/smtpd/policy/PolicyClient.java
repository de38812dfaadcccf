// SPDX-License-Identifier: Apache-2.0
package org.postern.core.smtpd.policy;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * SUMMARY   Postfix's SMTPD policy delegation protocol, client side (check_policy_service).
 * DESCRIPTION
 *   A request is "name=value" lines and an empty line; the answer is "action=..." and an
 *   empty line (SMTPD_POLICY_README). Connections are kept and reused, each by one request at
 *   a time. A pooled connection is closed when it has been unused for max_idle or is older
 *   than max_ttl, by a timer, as Postfix's auto_clnt does: the server sees the close then,
 *   not at the next request; a connection is also not reused after request_limit requests.
 *   A failed exchange (no connection, a timeout, a malformed reply: see
 *   {@link PolicyConnection}) is logged with Postfix's wording and retried on a fresh
 *   connection, try_limit tries in all, retry_delay apart; when every try fails the answer
 *   is {@link PolicyReply.NoAnswer}, for which the caller applies default_action: a
 *   malformed reply never lets a request through.
 * SECURITY  Attribute values come from the client; newlines are removed so a value cannot
 *           end the request or add attributes.
 * BUGS      One shared daemon timer thread closes idle connections of every client; it
 *           exists only while some connection waits in a pool.
 */
public final class PolicyClient implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger("postern.smtpd");
    private static final ScheduledThreadPoolExecutor IDLE_TIMER = idleTimer();

    private final PolicyEndpoint endpoint;
    private final Deque<PolicyConnection> idle = new ArrayDeque<>();

    public PolicyClient(PolicyEndpoint endpoint) {
        this.endpoint = endpoint;
    }

    private static ScheduledThreadPoolExecutor idleTimer() {
        ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "postern-policy-idle");
            t.setDaemon(true);
            return t;
        });
        timer.setRemoveOnCancelPolicy(true);
        timer.setKeepAliveTime(10, TimeUnit.SECONDS);
        timer.allowCoreThreadTimeOut(true);
        return timer;
    }

    public PolicyEndpoint endpoint() {
        return endpoint;
    }

    /** Asks the policy server; its action, or {@link PolicyReply.NoAnswer} when no try gave one. */
    public PolicyReply query(Map<String, String> attributes) {
        String request = encode(attributes);
        String problem = "";
        for (int attempt = 1; attempt <= endpoint.tryLimit(); attempt++) {
            PolicyConnection c = null;
            try {
                c = take();
                String action = c.exchange(request);
                give(c);
                return new PolicyReply.Action(action);
            } catch (IOException e) {
                if (c != null) {
                    c.close();
                }
                problem = String.valueOf(e.getMessage());
                LOG.warn("warning: {}", problem);
                if (attempt < endpoint.tryLimit()) {
                    sleep();
                }
            }
        }
        LOG.warn("warning: problem talking to server {}: {}", endpoint.name(), problem);
        return new PolicyReply.NoAnswer();
    }

    private String encode(Map<String, String> attributes) {
        StringBuilder out = new StringBuilder();
        attributes.forEach((k, v) -> out.append(k).append('=').append(v == null ? "" : v.replaceAll("[\r\n]", " ")).append('\n'));
        if (!endpoint.policyContext().isEmpty()) {
            out.append("policy_context=").append(endpoint.policyContext()).append('\n');
        }
        return out.append('\n').toString();
    }

    private PolicyConnection take() throws IOException {
        long now = System.nanoTime();
        synchronized (idle) {
            while (!idle.isEmpty()) {
                PolicyConnection c = idle.pollFirst();
                c.expiry.cancel(false);
                if (c.usable(now)) {
                    return c;
                }
                c.close();
            }
        }
        return PolicyConnection.open(endpoint);
    }

    /** Back into the pool, with a timer that closes it when max_idle or max_ttl ends. */
    private void give(PolicyConnection c) {
        long now = System.nanoTime();
        if (!c.usable(now)) {
            c.close();
            return;
        }
        synchronized (idle) {
            idle.addFirst(c);
            c.expiry = IDLE_TIMER.schedule(() -> expire(c), c.nanosUntilExpiry(now), TimeUnit.NANOSECONDS);
        }
    }

    private void expire(PolicyConnection c) {
        synchronized (idle) {
            if (!idle.remove(c)) {
                return;   // taken meanwhile
            }
        }
        c.close();
    }

    private void sleep() {
        try {
            Thread.sleep(endpoint.retryDelay().toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        synchronized (idle) {
            idle.forEach(c -> {
                c.expiry.cancel(false);
                c.close();
            });
            idle.clear();
        }
    }
}
