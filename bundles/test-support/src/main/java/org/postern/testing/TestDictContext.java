// SPDX-License-Identifier: Apache-2.0
package org.postern.testing;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.postern.api.dict.DictContext;
import org.postern.api.dict.DictRegistry;

/** A DictContext for plugin tests: a config directory, an optional registry, and the warnings it got. */
public final class TestDictContext implements DictContext {

    private final Path configDirectory;
    private final DictRegistry registry;
    private final List<String> warnings = new CopyOnWriteArrayList<>();

    public TestDictContext(Path configDirectory) {
        this(configDirectory, null);
    }

    public TestDictContext(Path configDirectory, DictRegistry registry) {
        this.configDirectory = configDirectory;
        this.registry = registry;
    }

    @Override
    public Path configDirectory() {
        return configDirectory;
    }

    @Override
    public DictRegistry registry() {
        return registry;
    }

    @Override
    public void warn(String message) {
        warnings.add(message);
    }

    /** Every warning so far, in order. */
    public List<String> warnings() {
        return List.copyOf(warnings);
    }
}
