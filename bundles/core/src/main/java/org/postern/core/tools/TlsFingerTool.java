// SPDX-License-Identifier: Apache-2.0
package org.postern.core.tools;

import java.io.PrintWriter;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.postern.api.delivery.ServiceSettings;
import org.postern.api.tls.TlsFinger;
import org.postern.core.runtime.PosternConfiguration;

/**
 * SUMMARY   posttls-finger [-w] [-l level] destination: the smtp client's TLS decisions for a
 *           destination and a handshake with it, done by the smtp bundle's {@link TlsFinger}
 *           service.
 * DESCRIPTION
 *   For anyone, as Postfix's posttls-finger (it needs no privilege); shared by bin/posttls-finger
 *   and the shell's postern:tls-finger. The destination is a nexthop as transport(5) writes it
 *   ("example.com", "[mx.example.com]:587"). As Postfix's: -w connects in wrapper mode (smtps,
 *   as smtp_tls_wrappermode = yes) and -l overrides smtp_tls_security_level; everything else is
 *   main.cf's. Without the smtp bundle it says so and exits 1.
 */
public final class TlsFingerTool {

    static final String USAGE = "posttls-finger: usage: posttls-finger [-w] [-l level] destination";

    private TlsFingerTool() {
    }

    /** Runs it with main.cf's settings and the options' overrides; the exit status. */
    public static int run(Optional<TlsFinger> finger, PosternConfiguration configuration, List<String> args,
                          PrintWriter out, PrintWriter err) {
        Map<String, String> overrides = new HashMap<>();
        String destination = null;
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            if (a.equals("-w")) {
                overrides.put("smtp_tls_wrappermode", "yes");
            } else if (a.equals("-l") && i + 1 < args.size()) {
                overrides.put("smtp_tls_security_level", args.get(++i));
            } else if (a.startsWith("-") || destination != null) {
                err.println(USAGE);
                return 64;
            } else {
                destination = a;
            }
        }
        if (destination == null) {
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
        ServiceSettings base = settings.get();
        ServiceSettings withOptions = name -> overrides.containsKey(name) ? overrides.get(name) : base.get(name);
        return finger.get().finger(destination, withOptions, out);
    }
}
