// SPDX-License-Identifier: Apache-2.0
package org.postern.transport.smtp.sts;

import java.nio.file.Path;
import java.time.Clock;
import java.util.function.Supplier;

import org.postern.api.dns.DnsResolver;
import org.slf4j.Logger;

/** The tests' way to an MtaSts that fetches from a local port (production: 443 only). */
public final class StsTesting {

    private StsTesting() {
    }

    public static MtaSts mtaSts(Supplier<DnsResolver> dns, Path cache, Logger log, int port, Clock clock) {
        return new MtaSts(dns, cache, log, port, clock);
    }
}
