// SPDX-License-Identifier: Apache-2.0
package org.postern.core.qmgr;

import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.postern.api.delivery.DeliveryAgent;
import org.postern.api.delivery.MessageSubmitter;
import org.postern.api.dict.DictRegistry;
import org.postern.core.config.ConfigException;
import org.postern.core.config.LoadedConfig;
import org.postern.core.queue.QueueStoreComponent;
import org.postern.core.runtime.PosternConfiguration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * SUMMARY   The queue manager as a service: wires {@link QueueManager} to the queue, the
 *           configuration and the delivery agents that bundles register.
 * DESCRIPTION
 *   Agents are followed dynamically: installing a transport feature makes its transport
 *   deliver at once, uninstalling it makes that transport's mail wait ("mail transport
 *   unavailable") without touching anything else. {@link #reload()} applies a new
 *   configuration (postfix reload).
 */
@Component(service = QueueManagerComponent.class, immediate = true)
public final class QueueManagerComponent {

    private static final Logger LOG = LoggerFactory.getLogger("postern.qmgr");

    @Reference
    PosternConfiguration configuration;

    @Reference
    QueueStoreComponent queue;

    @Reference
    DictRegistry dicts;

    @Reference
    MessageSubmitter submitter;

    private final Map<DeliveryAgent, String> agents = new ConcurrentHashMap<>();
    private volatile QueueManager manager;

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void addAgent(DeliveryAgent agent, Map<String, Object> properties) {
        Object name = properties.get(DeliveryAgent.AGENT_PROPERTY);
        if (name == null) {
            LOG.warn("warning: a DeliveryAgent without {} is ignored", DeliveryAgent.AGENT_PROPERTY);
            return;
        }
        agents.put(agent, name.toString());
        QueueManager m = manager;
        if (m != null) {
            m.agentAdded(name.toString(), agent);
        }
    }

    void removeAgent(DeliveryAgent agent, Map<String, Object> properties) {
        String name = agents.remove(agent);
        QueueManager m = manager;
        if (name != null && m != null) {
            m.agentRemoved(name, agent);
        }
    }

    @Activate
    void activate() {
        LoadedConfig loaded = configuration.current().map(PosternConfiguration.Loaded::config).orElse(null);
        if (loaded == null) {
            LOG.warn("warning: no usable main.cf/master.cf; the queue manager does not run");
            return;
        }
        try {
            QueueManager m = new QueueManager(queue.store(), QmgrSettings.from(loaded, dicts),
                    new DsnNotices(submitter, loaded.main()), Clock.systemUTC());
            agents.forEach((agent, name) -> m.agentAdded(name, agent));
            manager = m;
            m.start();
        } catch (ConfigException e) {
            LOG.error("fatal: queue manager: {}", e.getMessage());
        }
    }

    @Deactivate
    void deactivate() {
        QueueManager m = manager;
        manager = null;
        if (m != null) {
            m.stop(Duration.ofSeconds(10));
        }
    }

    /** Applies the running configuration (after postern:reload). */
    public void reload() {
        LoadedConfig loaded = configuration.current().map(PosternConfiguration.Loaded::config).orElse(null);
        QueueManager m = manager;
        if (loaded == null || m == null) {
            return;
        }
        try {
            m.reconfigure(QmgrSettings.from(loaded, dicts));
        } catch (ConfigException e) {
            LOG.error("fatal: queue manager: {}; keeping the previous settings", e.getMessage());
        }
    }

    /** postqueue -f. */
    public void flush() {
        QueueManager m = manager;
        if (m != null) {
            m.flush();
        }
    }

    /** After postsuper -r/-H. */
    public void rescan() {
        QueueManager m = manager;
        if (m != null) {
            m.rescan();
        }
    }

    /** postqueue -i ID. */
    public void deliverNow(String queueId) {
        QueueManager m = manager;
        if (m != null) {
            m.deliverNow(queueId);
        }
    }

    /** postqueue -s site. */
    public void flushSite(String site) {
        QueueManager m = manager;
        if (m != null) {
            m.flushSite(site);
        }
    }

    public boolean running() {
        return manager != null;
    }
}
