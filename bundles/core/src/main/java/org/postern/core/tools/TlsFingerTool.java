// SPDX-License-Identifier: Apache-2.0
package org.postern.core.tools;

import java.io.PrintWriter;
import java.util.List;
import java.util.Optional;

import org.postern.api.delivery.ServiceSettings;
import org.postern.api.tls.TlsFinger;
import org.postern.core.runtime.PosternConfiguration;

/**
 * SUMMARY   posttls-finger destination: the smtp client's TLS decisions for a destination and a
 *           handshake with it, done by the smtp bundle's {@link TlsFinger} service.
 * DESCRIPTION
 *   For anyone, as Postfix's posttls-finger (it needs no privilege); shared by bin/posttls-finger
 *   and the shell's postern:tls-finger. The destination is a nexthop as transport(5) writes it
 *   ("example.com", "[mx.example.com]:587"). Without the smtp bundle it says so and exits 1.
 */
public final class TlsFingerTool {

    static final String USAGE = "posttls-finger: usage: posttls-finger destination";

    private TlsFingerTool() {
    }

    /** Runs it with main.cf's settings; the exit status. */
    public static int run(Optional<TlsFinger> finger, PosternConfiguration configuration, List<String> args,
                          PrintWriter out, PrintWriter err) {
        if (args.size() != 1 || args.get(0).startsWith("-")) {
            err.println(USAGE);
            return 64;
        }
        if (finger.isEmpty()) {
            err.println("posttls-finger: fatal: the smtp transport (feature postern-transport-smtp) is not active");
            return 1;
        }
        Optional<ServiceSettings> settings = configuration.current().map(c -> c.config().main().settings());
        if (settings.isEmpty()) {
            err.println("posttls-finger: fatal: no configuration loaded");
            return 1;
        }
        return finger.get().finger(args.get(0), settings.get(), out);
    }
}
