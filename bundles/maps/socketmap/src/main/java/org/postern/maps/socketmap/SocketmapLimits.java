// SPDX-License-Identifier: Apache-2.0
package org.postern.maps.socketmap;

import java.time.Duration;

/**
 * Protocol limits; Postfix's defaults (dict_sockmap.c), which Postfix does not make configurable.
 *
 * @param timeout   connect, and each request-reply exchange
 * @param maxReply  reply payload bytes
 * @param maxIdle   an idle connection older than this is closed instead of reused
 * @param maxTtl    a connection older than this is closed instead of reused
 */
record SocketmapLimits(Duration timeout, int maxReply, Duration maxIdle, Duration maxTtl) {

    static final SocketmapLimits POSTFIX = new SocketmapLimits(Duration.ofSeconds(10), 100_000,
            Duration.ofSeconds(10), Duration.ofSeconds(100));
}
