// SPDX-License-Identifier: Apache-2.0
package org.postern.core.smtpd.policy;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;

import org.postern.api.support.LogText;
import org.postern.core.config.ParameterValues;
import org.postern.core.config.PostfixConfig;

/**
 * SUMMARY   Where a check_policy_service goes and how hard it tries.
 * DESCRIPTION
 *   "inet:host:port", "host:port", "unix:/path" (a relative unix: path is below
 *   queue_directory, as Postfix's private/policy), or Postfix 3.0's
 *   "{ inet:host:port, timeout=10s, default_action=DUNNO, policy_context=x, try_limit=2,
 *   retry_delay=1s, max_idle=300s, max_ttl=1000s, request_limit=0 }", whose settings
 *   override the smtpd_policy_service_* parameters.
 */
public record PolicyEndpoint(String name, SocketAddress address, Duration timeout, String defaultAction,
                             String policyContext, int tryLimit, Duration retryDelay, Duration maxIdle,
                             Duration maxTtl, int requestLimit) {

    /** @throws IllegalArgumentException with the reason, for the configuration error message */
    public static PolicyEndpoint parse(String spec, PostfixConfig config) {
        String text = spec.strip();
        String endpoint;
        Duration timeout = config.time("smtpd_policy_service_timeout");
        String defaultAction = config.get("smtpd_policy_service_default_action");
        String context = config.get("smtpd_policy_service_policy_context");
        int tryLimit = config.integer("smtpd_policy_service_try_limit");
        Duration retryDelay = config.time("smtpd_policy_service_retry_delay");
        Duration maxIdle = config.time("smtpd_policy_service_max_idle");
        Duration maxTtl = config.time("smtpd_policy_service_max_ttl");
        int requestLimit = config.integer("smtpd_policy_service_request_limit");
        if (text.startsWith("{")) {
            if (!text.endsWith("}")) {
                throw new IllegalArgumentException("missing '}' in \"" + LogText.printable(spec) + "\"");
            }
            String[] items = text.substring(1, text.length() - 1).split(",");
            endpoint = items[0].strip();
            for (int i = 1; i < items.length; i++) {
                String item = items[i].strip();
                int eq = item.indexOf('=');
                if (eq <= 0) {
                    throw new IllegalArgumentException("expected name=value, got \"" + LogText.printable(item) + "\"");
                }
                String key = item.substring(0, eq).strip().toLowerCase(Locale.ROOT);
                String value = item.substring(eq + 1).strip();
                switch (key) {
                    case "timeout" -> timeout = time(value);
                    case "default_action" -> defaultAction = value;
                    case "policy_context" -> context = value;
                    case "try_limit" -> tryLimit = positive(key, value);
                    case "retry_delay" -> retryDelay = time(value);
                    case "max_idle" -> maxIdle = time(value);
                    case "max_ttl" -> maxTtl = time(value);
                    case "request_limit" -> requestLimit = Integer.parseInt(value);
                    default -> throw new IllegalArgumentException("unknown attribute \"" + LogText.printable(key) + "\"");
                }
            }
        } else {
            endpoint = text;
        }
        return new PolicyEndpoint(endpoint, address(endpoint, config), timeout, defaultAction, context,
                Math.max(1, tryLimit), retryDelay, maxIdle, maxTtl, requestLimit);
    }

    private static SocketAddress address(String endpoint, PostfixConfig config) {
        if (endpoint.startsWith("unix:")) {
            Path path = Path.of(endpoint.substring(5));
            if (!path.isAbsolute()) {
                path = Path.of(config.get("queue_directory")).resolve(path);
            }
            return UnixDomainSocketAddress.of(path);
        }
        String hostPort = endpoint.startsWith("inet:") ? endpoint.substring(5) : endpoint;
        int colon = hostPort.lastIndexOf(':');
        if (colon <= 0 || colon == hostPort.length() - 1) {
            throw new IllegalArgumentException("need inet:host:port or unix:/path, got \"" + LogText.printable(endpoint) + "\"");
        }
        String host = hostPort.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        try {
            return InetSocketAddress.createUnresolved(host, Integer.parseInt(hostPort.substring(colon + 1)));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("bad port in \"" + LogText.printable(endpoint) + "\"");
        }
    }

    private static Duration time(String value) {
        return ParameterValues.parseTime(value, 's', true);
    }

    private static int positive(String key, String value) {
        int n = Integer.parseInt(value);
        if (n < 1) {
            throw new IllegalArgumentException(key + " must be at least 1");
        }
        return n;
    }
}
