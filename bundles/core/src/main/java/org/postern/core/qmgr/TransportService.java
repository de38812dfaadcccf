// SPDX-License-Identifier: Apache-2.0
package org.postern.core.qmgr;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.postern.api.delivery.ServiceSettings;
import org.postern.core.config.ConfigException;
import org.postern.core.config.MasterCf;
import org.postern.core.config.MasterService;
import org.postern.core.config.PostfixConfig;

/**
 * SUMMARY   One master.cf delivery service ("smtp unix - - n - - smtp"): its agent and settings.
 * DESCRIPTION
 *   The service name is the transport that routes name (transport_maps, default_transport);
 *   the command field names the delivery agent (a DeliveryAgent with that
 *   postern.transport.agent). The agent sees main.cf with the line's -o overrides, and the
 *   line's other arguments (pipe's flags= user= argv=). The process limit caps how many
 *   deliveries of this service run at once, as master's maxproc does.
 */
record TransportService(String name, String agent, List<String> arguments, PostfixConfig config,
                        ServiceSettings settings, int processLimit) {

    /** Agents that are servers, not delivery agents: a transport naming them is a mistake. */
    private static final List<String> NOT_AGENTS = List.of("smtpd", "cleanup", "qmgr", "bounce", "pickup",
            "tlsmgr", "trivial-rewrite", "showq", "flush", "proxymap", "verify", "anvil", "scache", "postlog");

    /** The "unix" delivery services of master.cf, by service name. Lines that cannot apply are skipped. */
    static Map<String, TransportService> all(MasterCf master, PostfixConfig main, List<String> problems) {
        Map<String, TransportService> out = new HashMap<>();
        for (MasterService s : master.services()) {
            if (!"unix".equals(s.type()) || NOT_AGENTS.contains(s.command())) {
                continue;
            }
            try {
                PostfixConfig config = main.withOverrides(s.overrideEntries());
                out.put(s.service(), new TransportService(s.service(), s.command(), withoutOverrides(s.arguments()),
                        config, settings(config), s.processLimit(main)));
            } catch (ConfigException | IllegalArgumentException e) {
                problems.add(s.file() + ", line " + s.line() + ": " + s.service() + "/unix: " + e.getMessage());
            }
        }
        return out;
    }

    private static ServiceSettings settings(PostfixConfig config) {
        return config.settings();
    }

    private static List<String> withoutOverrides(List<String> arguments) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < arguments.size(); i++) {
            if (arguments.get(i).equals("-o") && i + 1 < arguments.size()) {
                i++;
            } else {
                out.add(arguments.get(i));
            }
        }
        return out;
    }

    /** {@code <service>_<suffix>} if set, else {@code default_<suffix>}, as Postfix's per-transport parameters. */
    int perTransport(String suffix, int fallback) {
        String own = config.find(name + "_" + suffix).orElse(null);
        String value = own != null && !own.isBlank() ? own : config.find("default_" + suffix).orElse(null);
        try {
            return value == null ? fallback : Integer.parseInt(value.strip());
        } catch (NumberFormatException e) {
            return fallback;
        }
    }

    /** The per-transport time parameter (e.g. destination_rate_delay: "250ms", "1s"), in milliseconds. */
    long perTransportMillis(String suffix) {
        String own = settings.get(name + "_" + suffix);
        String key = own != null && !own.isBlank() ? name + "_" + suffix : "default_" + suffix;
        return settings.time(key, java.time.Duration.ZERO).toMillis();
    }
}
