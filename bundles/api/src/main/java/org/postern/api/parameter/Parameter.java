// SPDX-License-Identifier: Apache-2.0
package org.postern.api.parameter;

import java.time.Duration;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * One main.cf parameter's declaration: name, type, default and bounds, as {@code postconf -d}
 * shows it and as the configuration is validated against it.
 * <p>
 * {@code defaultValue} is unexpanded Postfix text and may refer to other parameters
 * ({@code "$myhostname"}, {@code "$smtp_sasl_security_options"}). A default that Postfix's
 * syntax cannot say (three times another parameter) is a {@link DerivedDefault} instead. For
 * INTEGER and SIZE, {@code min}/{@code max} bound the number; for TIME they bound the value in
 * seconds and {@code timeUnit} is the unit of a bare number; {@code subSecond} admits "ms".
 * {@code allowed}, when not empty, lists the accepted values of a STRING (compared
 * case-insensitively; empty is always accepted). A {@code template} is a value the plugin
 * expands itself, per recipient ({@code $home}, {@code ${user}}) or not at all (a shell command):
 * core hands it over as written, and postconf reports none of its $names as undefined, as
 * Postfix does for forward_path, luser_relay and mailbox_command. {@code syntax} names a value
 * grammar that type and bounds cannot say ({@link ValueSyntax}, since 1.1.0): a bad value is
 * then found when the configuration is checked, not when the setting is first used.
 */
public record Parameter(String name, ParameterType type, String defaultValue, DerivedDefault derivedDefault,
                        long min, long max, char timeUnit, boolean subSecond, Set<String> allowed, boolean template,
                        ValueSyntax syntax) {

    /** A default computed from other settings. */
    @FunctionalInterface
    public interface DerivedDefault {
        /**
         * @param settings the expanded value of a parameter that main.cf (or a master.cf -o) sets, or null
         * @return the default text, as {@code postconf -d} prints it
         */
        String compute(Function<String, String> settings);
    }

    public Parameter {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
        if ((defaultValue == null) == (derivedDefault == null)) {
            throw new IllegalArgumentException(name + ": exactly one of default text and derived default");
        }
        allowed = Set.copyOf(allowed);
        Objects.requireNonNull(syntax, "syntax");
    }

    /** The 1.0 form, without a value syntax. */
    public Parameter(String name, ParameterType type, String defaultValue, DerivedDefault derivedDefault,
                     long min, long max, char timeUnit, boolean subSecond, Set<String> allowed, boolean template) {
        this(name, type, defaultValue, derivedDefault, min, max, timeUnit, subSecond, allowed, template,
                ValueSyntax.ANY);
    }

    public static Parameter string(String name, String def) {
        return new Parameter(name, ParameterType.STRING, def, null, 0, 0, 's', false, Set.of(), false);
    }

    public static Parameter list(String name, String def) {
        return new Parameter(name, ParameterType.LIST, def, null, 0, 0, 's', false, Set.of(), false);
    }

    public static Parameter bool(String name, String def) {
        return new Parameter(name, ParameterType.BOOLEAN, def, null, 0, 0, 's', false, Set.of(), false);
    }

    /** An int of at least {@code min}. */
    public static Parameter integer(String name, String def, int min) {
        return new Parameter(name, ParameterType.INTEGER, def, null, min, Integer.MAX_VALUE, 's', false, Set.of(),
                false);
    }

    /** A long (byte count) of at least {@code min}. */
    public static Parameter size(String name, String def, long min) {
        return new Parameter(name, ParameterType.SIZE, def, null, min, Long.MAX_VALUE, 's', false, Set.of(), false);
    }

    /** A time; {@code minSeconds} is the lower bound, the upper bound is Postfix's INT_MAX seconds. */
    public static Parameter time(String name, String def, char unit, long minSeconds) {
        return new Parameter(name, ParameterType.TIME, def, null, minSeconds, Integer.MAX_VALUE, unit, false,
                Set.of(), false);
    }

    /** The same declaration as a template the plugin expands itself. */
    public Parameter withTemplate() {
        return new Parameter(name, type, defaultValue, derivedDefault, min, max, timeUnit, subSecond, allowed, true,
                syntax);
    }

    /** A parameter whose default is computed from other settings; numbers from 0 to the type's largest. */
    public static Parameter derived(String name, ParameterType type, DerivedDefault def) {
        long max = type == ParameterType.SIZE ? Long.MAX_VALUE : Integer.MAX_VALUE;
        return new Parameter(name, type, null, def, 0, max, 's', false, Set.of(), false);
    }

    /** The same declaration accepting "ms" (Postern extension). */
    public Parameter withSubSecond() {
        return new Parameter(name, type, defaultValue, derivedDefault, min, max, timeUnit, true, allowed, template,
                syntax);
    }

    public Parameter withMin(long newMin) {
        return new Parameter(name, type, defaultValue, derivedDefault, newMin, max, timeUnit, subSecond, allowed,
                template, syntax);
    }

    public Parameter withMax(long newMax) {
        return new Parameter(name, type, defaultValue, derivedDefault, min, newMax, timeUnit, subSecond, allowed,
                template, syntax);
    }

    public Parameter withAllowed(String... values) {
        return new Parameter(name, type, defaultValue, derivedDefault, min, max, timeUnit, subSecond, Set.of(values),
                template, syntax);
    }

    /** The same declaration with a value grammar checked by {@link #validate(String)}. */
    public Parameter withSyntax(ValueSyntax newSyntax) {
        return new Parameter(name, type, defaultValue, derivedDefault, min, max, timeUnit, subSecond, allowed,
                template, newSyntax);
    }

    /** The default text, given the settings made in main.cf (see {@link DerivedDefault}). */
    public String defaultValue(Function<String, String> settings) {
        return derivedDefault != null ? derivedDefault.compute(settings) : defaultValue;
    }

    /**
     * Checks an expanded value against type and bounds.
     *
     * @throws IllegalArgumentException with a message such as "bad numerical value: 10x"
     */
    public void validate(String value) {
        switch (type) {
            case BOOLEAN -> ParameterSyntax.parseBoolean(value);
            case INTEGER -> checkBounds(ParameterSyntax.parseInt(value), value);
            case SIZE -> checkBounds(ParameterSyntax.parseLong(value), value);
            case TIME -> toDuration(value);
            case STRING, LIST -> {
                if (!allowed.isEmpty() && !value.isEmpty()
                        && allowed.stream().noneMatch(a -> a.equalsIgnoreCase(value))) {
                    throw new IllegalArgumentException("bad value: " + value + " (expected one of "
                            + String.join(", ", new TreeSet<>(allowed)) + ")");
                }
                syntax.check(value);
            }
            default -> throw new IllegalStateException(type.toString());
        }
    }

    /** A TIME value as a duration, bounds checked. */
    public Duration toDuration(String value) {
        Duration d = ParameterSyntax.parseTime(value, timeUnit, subSecond);
        if (d.compareTo(Duration.ofSeconds(min)) < 0) {
            throw new IllegalArgumentException("invalid value: " + value + " (minimum " + min + "s)");
        }
        if (d.compareTo(Duration.ofSeconds(max)) > 0) {
            throw new IllegalArgumentException("invalid value: " + value + " (maximum " + max + "s)");
        }
        return d;
    }

    private void checkBounds(long v, String text) {
        if (v < min) {
            throw new IllegalArgumentException("invalid value: " + text + " (minimum " + min + ")");
        }
        if (v > max) {
            throw new IllegalArgumentException("invalid value: " + text + " (maximum " + max + ")");
        }
    }
}
