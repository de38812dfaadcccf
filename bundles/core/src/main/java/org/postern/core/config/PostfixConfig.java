// SPDX-License-Identifier: Apache-2.0
package org.postern.core.config;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * SUMMARY   An immutable, validated snapshot of main.cf on top of the defaults.
 * DESCRIPTION
 *   Built from a {@link ParameterTable}, a {@link ConfigEnvironment} and a parsed {@link MainCf};
 *   optional overrides (master.cf "-o name=value", postconf -c) sit on top. At construction
 *   every parameter is expanded once (loops and syntax errors surface here, not at first use)
 *   and every known parameter's value is checked against its type and bounds. Getters then
 *   only read maps. As in Postfix, a name that is neither known nor set expands to empty.
 * SECURITY  Input is the administrator's main.cf. Errors name file, line and parameter; the
 *           values in messages are the administrator's own text.
 * BUGS      Parameters that Postfix computes from the host (mynetworks, inet interfaces) use
 *           fixed defaults, see {@link ParameterTable}.
 */
public final class PostfixConfig {

    private final ParameterTable table;
    private final ConfigEnvironment env;
    private final MainCf mainCf;
    private final Map<String, ConfigEntry> overrides;
    private final Map<String, String> defaults;
    private final Map<String, String> raw;
    private final Map<String, String> expanded;
    private final Expander expander;

    private PostfixConfig(ParameterTable table, ConfigEnvironment env, MainCf mainCf,
                          Map<String, ConfigEntry> overrides) throws ConfigException {
        this.table = table;
        this.env = env;
        this.mainCf = mainCf;
        this.overrides = Collections.unmodifiableMap(new LinkedHashMap<>(overrides));
        this.defaults = Collections.unmodifiableMap(computeDefaults(table, env, mainCf));
        Map<String, String> values = new HashMap<>(defaults);
        for (ConfigEntry e : mainCf.effective().values()) {
            values.put(e.name(), e.value());
        }
        for (ConfigEntry e : this.overrides.values()) {
            values.put(e.name(), e.value());
        }
        this.raw = Collections.unmodifiableMap(values);
        this.expander = new Expander(raw::get);
        this.expanded = Collections.unmodifiableMap(expandAndValidate());
    }

    /** Reads {@code <env.configDirectory()>/main.cf} with core's table (no plugin's parameters). */
    public static PostfixConfig load(ConfigEnvironment env) throws IOException, ConfigException {
        return of(ParameterTable.standard(), env, MainCf.read(env.configDirectory().resolve("main.cf")));
    }

    /** A snapshot of the given parsed main.cf. */
    public static PostfixConfig of(ParameterTable table, ConfigEnvironment env, MainCf mainCf) throws ConfigException {
        return new PostfixConfig(table, env, mainCf, Map.of());
    }

    /** The built-in defaults only (postconf -d). */
    public static PostfixConfig defaults(ParameterTable table, ConfigEnvironment env) {
        try {
            return of(table, env, MainCf.empty(null));
        } catch (ConfigException e) {
            throw new IllegalStateException("built-in defaults do not validate: " + e.getMessage(), e);
        }
    }

    /**
     * This snapshot with settings on top (master.cf "-o" overrides of one service); later
     * entries win.
     */
    public PostfixConfig withOverrides(List<ConfigEntry> entries) throws ConfigException {
        Map<String, ConfigEntry> merged = new LinkedHashMap<>(overrides);
        for (ConfigEntry e : entries) {
            merged.remove(e.name());
            merged.put(e.name(), e);
        }
        return new PostfixConfig(table, env, mainCf, merged);
    }

    private static Map<String, String> computeDefaults(ParameterTable table, ConfigEnvironment env, MainCf mainCf) {
        Map<String, String> fixed = new HashMap<>();
        for (ParameterDefinition d : table.definitions()) {
            if (d.dynamicDefault() == null) {
                fixed.put(d.name(), d.defaultValue());
            }
        }
        Map<String, String> early = new HashMap<>(fixed);
        for (ConfigEntry e : mainCf.effective().values()) {
            early.put(e.name(), e.value());
        }
        Expander pre = new Expander(early::get);
        Map<String, String> result = new HashMap<>(fixed);
        for (ParameterDefinition d : table.definitions()) {
            if (d.dynamicDefault() != null) {
                result.put(d.name(), d.defaultValue(env, name -> {
                    if (mainCf.find(name).isEmpty()) {
                        return null;
                    }
                    try {
                        return pre.value(name);
                    } catch (ConfigException e) {
                        return null; // reported when the snapshot expands everything
                    }
                }));
            }
        }
        return result;
    }

    private Map<String, String> expandAndValidate() throws ConfigException {
        List<String> order = new ArrayList<>();
        for (ConfigEntry e : mainCf.effective().values()) {
            order.add(e.name());
        }
        order.addAll(overrides.keySet());
        order.addAll(new TreeSet<>(raw.keySet()));
        Map<String, String> result = new HashMap<>();
        for (String name : order) {
            if (result.containsKey(name)) {
                continue;
            }
            String value;
            try {
                value = expander.value(name);
            } catch (ConfigException e) {
                throw error(name, e.getMessage());
            }
            Optional<ParameterDefinition> def = table.find(name);
            if (def.isPresent()) {
                try {
                    def.get().validate(value);
                } catch (IllegalArgumentException e) {
                    throw error(name, e.getMessage());
                }
            }
            result.put(name, value);
        }
        return result;
    }

    /**
     * Checks the value of an undeclared parameter, when it is set, with the syntax of a declared
     * one: {@code relay_destination_concurrency_limit} as {@code default_destination_concurrency_limit}.
     */
    public void validateLike(String name, String declared) throws ConfigException {
        String value = expanded.get(name);
        Optional<ParameterDefinition> def = table.find(declared);
        if (value == null || def.isEmpty() || table.find(name).isPresent()) {
            return;
        }
        try {
            def.get().validate(value);
        } catch (IllegalArgumentException e) {
            throw error(name, e.getMessage());
        }
    }

    private ConfigException error(String name, String message) {
        Optional<ConfigEntry> where = entry(name);
        String prefix = where.map(ConfigEntry::location).orElse("");
        return new ConfigException(prefix + name + ": " + message);
    }

    /** The parameter table this snapshot was validated against. */
    public ParameterTable table() {
        return table;
    }

    public ConfigEnvironment environment() {
        return env;
    }

    /** The parsed main.cf (for editors and diagnostics). */
    public MainCf mainCf() {
        return mainCf;
    }

    /** This snapshot as a delivery agent reads it. */
    public ConfigSettings settings() {
        return new ConfigSettings(this);
    }

    /** The fully expanded value; empty for a name that is neither known nor set (like Postfix). */
    public String get(String name) {
        return expanded.getOrDefault(name, "");
    }

    /** The fully expanded value, or empty when the name is neither known nor set. */
    public Optional<String> find(String name) {
        return Optional.ofNullable(expanded.get(name));
    }

    /** The unexpanded value, or null. */
    public String raw(String name) {
        return raw.get(name);
    }

    /** The unexpanded default ("postconf -d"), or null for a name without a default. */
    public String defaultValue(String name) {
        return defaults.get(name);
    }

    /** Where {@code name} is set: an override, else main.cf. */
    public Optional<ConfigEntry> entry(String name) {
        ConfigEntry o = overrides.get(name);
        return o != null ? Optional.of(o) : mainCf.find(name);
    }

    /** True when neither main.cf nor an override sets {@code name}. */
    public boolean isDefault(String name) {
        return entry(name).isEmpty();
    }

    /** What main.cf sets (the winning line of each name, in file order), then the overrides. */
    public List<ConfigEntry> nonDefault() {
        Map<String, ConfigEntry> all = new LinkedHashMap<>(mainCf.effective());
        for (ConfigEntry e : overrides.values()) {
            all.remove(e.name());
            all.put(e.name(), e);
        }
        return List.copyOf(all.values());
    }

    /** Every defined name (known or set), sorted. */
    public SortedSet<String> names() {
        return Collections.unmodifiableSortedSet(new TreeSet<>(raw.keySet()));
    }

    /** Expands arbitrary text against this snapshot. */
    public String expand(String text) throws ConfigException {
        return expander.expand(text);
    }

    public boolean bool(String name) {
        return convert(name, () -> ParameterValues.parseBoolean(get(name)));
    }

    public int integer(String name) {
        return convert(name, () -> ParameterValues.parseInt(get(name)));
    }

    /** A byte count or other long. */
    public long size(String name) {
        return convert(name, () -> ParameterValues.parseLong(get(name)));
    }

    /** A time; a bare number is in the parameter's default unit (seconds for unknown names). */
    public Duration time(String name) {
        Optional<ParameterDefinition> def = table.find(name);
        char unit = def.map(ParameterDefinition::timeUnit).orElse('s');
        boolean ms = def.map(ParameterDefinition::subSecond).orElse(false);
        return convert(name, () -> ParameterValues.parseTime(get(name), unit, ms));
    }

    /** The value split as a Postfix list (commas and whitespace, "{...}" kept whole). */
    public List<String> list(String name) {
        return convert(name, () -> PostfixLists.split(get(name)));
    }

    private interface Conversion<T> {
        T apply();
    }

    private <T> T convert(String name, Conversion<T> c) {
        try {
            return c.apply();
        } catch (IllegalArgumentException e) {
            String prefix = entry(name).map(ConfigEntry::location).orElse("");
            throw new IllegalArgumentException(prefix + name + ": " + e.getMessage(), e);
        }
    }

    /** Path-valued convenience, e.g. {@code path("queue_directory")}. */
    public Path path(String name) {
        return Path.of(get(name));
    }
}
