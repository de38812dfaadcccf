// SPDX-License-Identifier: Apache-2.0
package org.postern.core.runtime;

import java.io.IOException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.postern.api.parameter.ParameterSet;
import org.postern.core.config.ConfigEnvironment;
import org.postern.core.config.ConfigException;
import org.postern.core.config.DeclaredParameters;
import org.postern.core.config.FileModes;
import org.postern.core.config.HostNames;
import org.postern.core.config.LoadedConfig;
import org.postern.core.config.ParameterTable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * SUMMARY   The running configuration: main.cf and master.cf from ${karaf.etc}/postern.
 * DESCRIPTION
 *   Loaded at start and on {@link #reload()}. A reload that finds a broken file keeps the
 *   running configuration and logs why (file, line, parameter), like "postfix reload" after
 *   "postfix check" fails. {@link #check()} validates the files without applying them.
 *   The parameters known are core's and those of every plugin's {@link ParameterSet} service
 *   (a whiteboard): when a plugin comes or goes, the running files are validated again against
 *   the new table and, if they pass, replace the running snapshot; if a new plugin's parameter
 *   has a malformed value, the error (file, line, parameter) is logged and the running snapshot
 *   stays, so the plugin meets the error when it reads the value.
 *   At start the data directory (${karaf.data}/postern) is created mode 0700, or set to 0700
 *   with a warning when it is wider.
 * SECURITY  The files are the administrator's; nothing here reads network input. Files that
 *   anyone but root or Postern's user could have written are refused like broken ones
 *   ({@link org.postern.core.config.ConfigFileSafety}): not loaded at start, refused by reload.
 */
@Component(service = PosternConfiguration.class, immediate = true)
public final class PosternConfiguration {

    private static final Logger LOG = LoggerFactory.getLogger("postern.master");

    /** One consistent pair of files, as loaded at one moment. */
    public record Loaded(LoadedConfig config, Instant loadedAt) {
    }

    private final ConfigEnvironment environment;
    private final DeclaredParameters declared = new DeclaredParameters();
    private volatile ParameterTable parameters = ParameterTable.standard();
    private volatile Loaded current;

    public PosternConfiguration() {
        this(defaultEnvironment());
    }

    public PosternConfiguration(ConfigEnvironment environment) {
        this.environment = environment;
    }

    /** ${karaf.etc}/postern, ${karaf.data}/postern and this host's name. */
    public static ConfigEnvironment defaultEnvironment() {
        RuntimePaths paths = RuntimePaths.fromSystemProperties();
        return new ConfigEnvironment(paths.configDirectory(), paths.dataDirectory(), HostNames.local());
    }

    @Activate
    synchronized void activate() {
        try {
            // 0711: other users pass through to public/tools (the tool socket) but cannot list anything.
            FileModes.directory(environment.dataDirectory(), FileModes.TRAVERSABLE_DIRECTORY).ifPresent(was -> LOG.warn(
                    "warning: data directory mode changed to 0711: {} (was {})", environment.dataDirectory(), was));
        } catch (IOException e) {
            LOG.error("fatal: cannot create data directory {}: {}", environment.dataDirectory(), e.getMessage());
        }
        try {
            current = load();
            LOG.info("configuration loaded from {}", environment.configDirectory());
            current.config().warnings().forEach(w -> LOG.warn("warning: {}", w));
        } catch (IOException | ConfigException e) {
            LOG.error("fatal: {}; using built-in defaults until the configuration is fixed and reloaded", e.getMessage());
        }
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    void addParameterSet(ParameterSet set) {
        declared.add(set);
        redeclare();
    }

    void removeParameterSet(ParameterSet set) {
        declared.remove(set);
        redeclare();
    }

    /** Core's parameters and those of the plugins active now. */
    public ParameterTable parameters() {
        return parameters;
    }

    /**
     * Merges the parameter sets again (a conflicting declaration is logged here, once) and
     * validates the running files against the result (see the class description).
     */
    private synchronized void redeclare() {
        parameters = declared.table(conflict -> LOG.warn("warning: {}", conflict));
        Loaded running = current;
        if (running == null) {
            return;
        }
        try {
            current = new Loaded(running.config().withTable(parameters), running.loadedAt());
        } catch (ConfigException e) {
            LOG.error("fatal: {}; keeping the running configuration", e.getMessage());
        }
    }

    public ConfigEnvironment environment() {
        return environment;
    }

    /** The running configuration; empty only when none could be loaded since start. */
    public Optional<Loaded> current() {
        return Optional.ofNullable(current);
    }

    /**
     * Re-reads the files. On success they replace the running configuration; on failure
     * the running configuration stays and the returned list says why.
     *
     * @return the errors; empty when the new configuration is running
     */
    public synchronized List<String> reload() {
        try {
            Loaded next = load();
            current = next;
            LOG.info("reload -- configuration {}", environment.configDirectory());
            next.config().warnings().forEach(w -> LOG.warn("warning: {}", w));
            return List.of();
        } catch (IOException | ConfigException e) {
            LOG.warn("warning: reload refused: {}; keeping the running configuration", e.getMessage());
            return List.of(e.getMessage());
        }
    }

    /** Validates the files as they are on disk now: errors first, then warnings. Applies nothing. */
    public List<String> check() {
        return LoadedConfig.check(environment, parameters());
    }

    private Loaded load() throws IOException, ConfigException {
        return new Loaded(LoadedConfig.load(environment, parameters()), Instant.now());
    }
}
