// SPDX-License-Identifier: Apache-2.0
package org.postern.core.qmgr;

import java.util.ArrayList;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.postern.api.delivery.DeliveryAgent;
import org.postern.api.delivery.DeliveryRequest;
import org.postern.api.delivery.DeliveryResult;
import org.postern.api.delivery.TransportDispatcher;
import org.postern.core.config.LoadedConfig;
import org.postern.core.runtime.PosternConfiguration;

/**
 * SUMMARY   The TransportDispatcher service: {@link TransportDispatch} over the running
 *           master.cf and the delivery agents that bundles register.
 * DESCRIPTION
 *   Agents are followed as the queue manager follows them (dynamic, greedy); the services are
 *   read from the running configuration and rebuilt when a reload replaces it.
 */
@Component(service = TransportDispatcher.class)
public final class TransportDispatcherComponent implements TransportDispatcher {

    /** The services of one loaded configuration. */
    private record Services(LoadedConfig config, Map<String, TransportService> byName) {
    }

    @Reference
    PosternConfiguration configuration;

    private final Map<String, DeliveryAgent> agents = new ConcurrentHashMap<>();
    private volatile Services services;

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void addAgent(DeliveryAgent agent, Map<String, Object> properties) {
        Object name = properties.get(DeliveryAgent.AGENT_PROPERTY);
        if (name != null) {
            agents.put(name.toString(), agent);
        }
    }

    void removeAgent(DeliveryAgent agent, Map<String, Object> properties) {
        Object name = properties.get(DeliveryAgent.AGENT_PROPERTY);
        if (name != null) {
            agents.remove(name.toString(), agent);
        }
    }

    @Override
    public DeliveryResult deliver(String transport, String nexthop, DeliveryRequest request) {
        Map<String, TransportService> byName = services();
        return new TransportDispatch(byName::get, agents::get).deliver(transport, nexthop, request);
    }

    private Map<String, TransportService> services() {
        LoadedConfig loaded = configuration.current().map(PosternConfiguration.Loaded::config).orElse(null);
        if (loaded == null) {
            return Map.of();
        }
        Services s = services;
        if (s == null || s.config() != loaded) {
            // Problems with master.cf lines are the queue manager's to report.
            s = new Services(loaded, loaded.master()
                    .map(m -> TransportService.all(m, loaded.main(), new ArrayList<>())).orElse(Map.of()));
            services = s;
        }
        return s.byName();
    }
}
