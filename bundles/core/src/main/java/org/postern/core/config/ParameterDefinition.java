// SPDX-License-Identifier: Apache-2.0
package org.postern.core.config;

import java.time.Duration;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;

/**
 * SUMMARY   One parameter's declaration: name, type, default (as "postconf -d" prints it), bounds.
 * DESCRIPTION
 *   {@code defaultValue} is unexpanded Postfix text ("$myhostname, localhost.$mydomain, localhost").
 *   A few defaults depend on the runtime (myhostname, directories): those carry a
 *   {@link DynamicDefault} instead. For INTEGER and SIZE, {@code min}/{@code max} bound the
 *   number; for TIME they bound the value in seconds, and {@code timeUnit} is the unit of a
 *   bare number. {@code allowed}, when not empty, lists the accepted values of a STRING
 *   (compared case-insensitively; empty is always accepted when the default is empty).
 */
public record ParameterDefinition(String name, ParameterType type, String defaultValue, DynamicDefault dynamicDefault,
                                  long min, long max, char timeUnit, boolean subSecond, Set<String> allowed) {

    /** A default computed from the runtime and, where Postfix does so, from other main.cf settings. */
    @FunctionalInterface
    public interface DynamicDefault {
        /**
         * @param mainCf the expanded main.cf value of a parameter, or null when main.cf does not set it
         */
        String compute(ConfigEnvironment env, Function<String, String> mainCf);
    }

    public ParameterDefinition {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
        if (defaultValue == null && dynamicDefault == null) {
            throw new IllegalArgumentException(name + ": no default");
        }
        allowed = Set.copyOf(allowed);
    }

    public static ParameterDefinition string(String name, String def) {
        return new ParameterDefinition(name, ParameterType.STRING, def, null, 0, 0, 's', false, Set.of());
    }

    public static ParameterDefinition list(String name, String def) {
        return new ParameterDefinition(name, ParameterType.LIST, def, null, 0, 0, 's', false, Set.of());
    }

    public static ParameterDefinition bool(String name, String def) {
        return new ParameterDefinition(name, ParameterType.BOOLEAN, def, null, 0, 0, 's', false, Set.of());
    }

    public static ParameterDefinition integer(String name, String def, int min) {
        return new ParameterDefinition(name, ParameterType.INTEGER, def, null, min, Integer.MAX_VALUE, 's', false,
                Set.of());
    }

    public static ParameterDefinition size(String name, String def, long min) {
        return new ParameterDefinition(name, ParameterType.SIZE, def, null, min, Long.MAX_VALUE, 's', false, Set.of());
    }

    /** A time; {@code minSeconds} is the lower bound, the upper bound is Postfix's INT_MAX seconds. */
    public static ParameterDefinition time(String name, String def, char unit, long minSeconds) {
        return new ParameterDefinition(name, ParameterType.TIME, def, null, minSeconds, Integer.MAX_VALUE, unit, false,
                Set.of());
    }

    public static ParameterDefinition dynamic(String name, ParameterType type, DynamicDefault def) {
        return new ParameterDefinition(name, type, null, def, 0, 0, 's', false, Set.of());
    }

    /** The same definition accepting "ms" (Postern extension). */
    public ParameterDefinition withSubSecond() {
        return new ParameterDefinition(name, type, defaultValue, dynamicDefault, min, max, timeUnit, true, allowed);
    }

    public ParameterDefinition withMax(long newMax) {
        return new ParameterDefinition(name, type, defaultValue, dynamicDefault, min, newMax, timeUnit, subSecond,
                allowed);
    }

    public ParameterDefinition withAllowed(String... values) {
        return new ParameterDefinition(name, type, defaultValue, dynamicDefault, min, max, timeUnit, subSecond,
                Set.of(values));
    }

    /** The default text for this runtime, given a view of main.cf (see {@link DynamicDefault}). */
    public String defaultValue(ConfigEnvironment env, Function<String, String> mainCf) {
        return dynamicDefault != null ? dynamicDefault.compute(env, mainCf) : defaultValue;
    }

    /**
     * Checks an expanded value against type and bounds.
     *
     * @throws IllegalArgumentException with a message such as "bad numerical value: 10x"
     */
    public void validate(String value) {
        switch (type) {
            case BOOLEAN -> ParameterValues.parseBoolean(value);
            case INTEGER, SIZE -> checkBounds(type == ParameterType.INTEGER
                    ? ParameterValues.parseInt(value) : ParameterValues.parseLong(value), value, "");
            case TIME -> {
                Duration d = ParameterValues.parseTime(value, timeUnit, subSecond);
                if (d.compareTo(Duration.ofSeconds(min)) < 0) {
                    throw new IllegalArgumentException("invalid value: " + value + " (minimum " + min + "s)");
                }
                if (d.compareTo(Duration.ofSeconds(max)) > 0) {
                    throw new IllegalArgumentException("invalid value: " + value + " (maximum " + max + "s)");
                }
            }
            case STRING, LIST -> {
                if (name.equals("compatibility_level") && !value.matches("[0-9]+(\\.[0-9]+){0,2}")) {
                    throw new IllegalArgumentException("malformed compatibility level syntax: " + value);
                }
                if (!allowed.isEmpty() && !value.isEmpty()
                        && allowed.stream().noneMatch(a -> a.equalsIgnoreCase(value))) {
                    throw new IllegalArgumentException("bad value: " + value + " (expected one of "
                            + String.join(", ", new java.util.TreeSet<>(allowed)) + ")");
                }
            }
            default -> throw new IllegalStateException(type.toString());
        }
    }

    private void checkBounds(long v, String text, String unit) {
        if (v < min) {
            throw new IllegalArgumentException("invalid value: " + text + " (minimum " + min + unit + ")");
        }
        if (v > max) {
            throw new IllegalArgumentException("invalid value: " + text + " (maximum " + max + unit + ")");
        }
    }
}
