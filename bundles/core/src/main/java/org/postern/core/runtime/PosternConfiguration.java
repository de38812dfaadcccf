// SPDX-License-Identifier: Apache-2.0
package org.postern.core.runtime;

import java.io.IOException;
import java.nio.file.Files;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.postern.core.config.ConfigEnvironment;
import org.postern.core.config.ConfigException;
import org.postern.core.config.HostNames;
import org.postern.core.config.LoadedConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * SUMMARY   The running configuration: main.cf and master.cf from ${karaf.etc}/postern.
 * DESCRIPTION
 *   Loaded at start and on {@link #reload()}. A reload that finds a broken file keeps the
 *   running configuration and logs why (file, line, parameter), like "postfix reload" after
 *   "postfix check" fails. {@link #check()} validates the files without applying them.
 * SECURITY  The files are the administrator's; nothing here reads network input.
 */
@Component(service = PosternConfiguration.class, immediate = true)
public final class PosternConfiguration {

    private static final Logger LOG = LoggerFactory.getLogger("postern.master");

    /** One consistent pair of files, as loaded at one moment. */
    public record Loaded(LoadedConfig config, Instant loadedAt) {
    }

    private final ConfigEnvironment environment;
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
    void activate() {
        try {
            Files.createDirectories(environment.dataDirectory());
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
    public List<String> reload() {
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
        return LoadedConfig.check(environment);
    }

    private Loaded load() throws IOException, ConfigException {
        return new Loaded(LoadedConfig.load(environment), Instant.now());
    }
}
