// SPDX-License-Identifier: Apache-2.0
package org.postern.core.tools;

import java.io.PrintWriter;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.postern.api.delivery.ServiceSettings;
import org.postern.api.tls.TlsFinger;
import org.postern.core.config.ConfigException;
import org.postern.core.config.LoadedConfig;
import org.postern.core.config.MasterService;
import org.postern.core.runtime.PosternConfiguration;

/**
 * SUMMARY   posttls-finger [-w] [-l level] [-o name=value] [-x service] destination: the smtp
 *           client's TLS decisions for a destination and a handshake with it, done by the smtp
 *           bundle's {@link TlsFinger} service.
 * DESCRIPTION
 *   For anyone, as Postfix's posttls-finger (it needs no privilege); shared by bin/posttls-finger
 *   and the shell's postern:tls-finger. The destination is a nexthop as transport(5) writes it
 *   ("example.com", "[mx.example.com]:587"). The settings are those the smtp transport
 *   delivers with: main.cf, then the master.cf -o overrides of the service "smtp" (Postern's -x
 *   names another, "relay" for example; Postfix's tool reads main.cf only, so a transport's
 *   overrides showed nowhere), then the options. As Postfix's: -w connects in wrapper mode
 *   (smtps, as smtp_tls_wrappermode = yes), -l overrides smtp_tls_security_level, -o name=value
 *   any parameter (repeatable). Without the smtp bundle it says so and exits 1.
 */
public final class TlsFingerTool {

    static final String USAGE = "posttls-finger: usage: posttls-finger [-w] [-l level] [-o name=value]"
            + " [-x service] destination";

    /** The master.cf service whose -o overrides apply unless -x names another. */
    static final String DEFAULT_SERVICE = "smtp";

    private TlsFingerTool() {
    }

    /** Runs it with main.cf's settings and the options' overrides; the exit status. */
    public static int run(Optional<TlsFinger> finger, PosternConfiguration configuration, List<String> args,
                          PrintWriter out, PrintWriter err) {
        Map<String, String> overrides = new HashMap<>();
        String destination = null;
        String service = null;
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            if (a.equals("-w")) {
                overrides.put("smtp_tls_wrappermode", "yes");
            } else if (a.equals("-l") && i + 1 < args.size()) {
                overrides.put("smtp_tls_security_level", args.get(++i));
            } else if (a.equals("-o") && i + 1 < args.size() && args.get(i + 1).indexOf('=') > 0) {
                String setting = args.get(++i);
                overrides.put(setting.substring(0, setting.indexOf('=')).strip(),
                        setting.substring(setting.indexOf('=') + 1).strip());
            } else if (a.equals("-x") && i + 1 < args.size() && service == null) {
                service = args.get(++i);
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
        Optional<LoadedConfig> loaded = configuration.current().map(PosternConfiguration.Loaded::config);
        if (loaded.isEmpty()) {
            err.println("posttls-finger: fatal: no configuration loaded");
            return 1;
        }
        ServiceSettings base;
        try {
            base = transportSettings(loaded.get(), service == null ? DEFAULT_SERVICE : service, service != null);
        } catch (ConfigException e) {
            err.println("posttls-finger: fatal: " + e.getMessage());
            return 1;
        }
        ServiceSettings withOptions = name -> overrides.containsKey(name) ? overrides.get(name) : base.get(name);
        return finger.get().finger(destination, withOptions, out);
    }

    /**
     * main.cf with the -o overrides of the master.cf unix service {@code name}; main.cf alone when
     * there is no such service, unless it was asked for by name.
     */
    static ServiceSettings transportSettings(LoadedConfig config, String name, boolean named) throws ConfigException {
        Optional<MasterService> service = config.master().stream().flatMap(m -> m.services().stream())
                .filter(s -> s.service().equals(name) && s.type().equals("unix")).findFirst();
        if (service.isEmpty()) {
            if (named) {
                throw new ConfigException("no unix service \"" + name + "\" in master.cf");
            }
            return config.main().settings();
        }
        return config.main().withOverrides(service.get().overrideEntries()).settings();
    }
}
