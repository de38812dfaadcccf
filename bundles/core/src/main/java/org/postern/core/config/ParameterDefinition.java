// SPDX-License-Identifier: Apache-2.0
package org.postern.core.config;

import java.util.Objects;
import java.util.Set;
import java.util.function.Function;

import org.postern.api.parameter.Parameter;
import org.postern.api.parameter.ParameterType;
import org.postern.api.parameter.ValueSyntax;

/**
 * SUMMARY   One parameter's declaration in a {@link ParameterTable}: the api's {@link Parameter}
 *           (name, type, default as "postconf -d" prints it, bounds), plus, for a few of core's
 *           own parameters, a default computed from the runtime.
 * DESCRIPTION
 *   Core's parameters are written here with the static factories; a plugin's come from its
 *   {@code ParameterSet} service through {@link #declared(Parameter)}. A few of core's defaults
 *   depend on the runtime (myhostname, directories): those carry a {@link DynamicDefault}
 *   instead of default text. Validation is the api's ({@link Parameter#validate(String)}),
 *   plus compatibility_level's syntax.
 */
public record ParameterDefinition(Parameter parameter, DynamicDefault dynamicDefault) {

    /** A default computed from the runtime and, where Postfix does so, from other main.cf settings. */
    @FunctionalInterface
    public interface DynamicDefault {
        /**
         * @param mainCf the expanded main.cf value of a parameter, or null when main.cf does not set it
         */
        String compute(ConfigEnvironment env, Function<String, String> mainCf);
    }

    public ParameterDefinition {
        Objects.requireNonNull(parameter, "parameter");
    }

    /** A plugin's declaration as it is (a derived default becomes a dynamic one). */
    public static ParameterDefinition declared(Parameter p) {
        Parameter.DerivedDefault derived = p.derivedDefault();
        return new ParameterDefinition(p, derived == null ? null : (env, mainCf) -> derived.compute(mainCf));
    }

    public static ParameterDefinition string(String name, String def) {
        return declared(Parameter.string(name, def));
    }

    public static ParameterDefinition list(String name, String def) {
        return declared(Parameter.list(name, def));
    }

    public static ParameterDefinition bool(String name, String def) {
        return declared(Parameter.bool(name, def));
    }

    public static ParameterDefinition integer(String name, String def, int min) {
        return declared(Parameter.integer(name, def, min));
    }

    public static ParameterDefinition size(String name, String def, long min) {
        return declared(Parameter.size(name, def, min));
    }

    /** A time; {@code minSeconds} is the lower bound, the upper bound is Postfix's INT_MAX seconds. */
    public static ParameterDefinition time(String name, String def, char unit, long minSeconds) {
        return declared(Parameter.time(name, def, unit, minSeconds));
    }

    /** A default computed from the runtime (host name, directories, other settings). */
    public static ParameterDefinition dynamic(String name, ParameterType type, DynamicDefault def) {
        return new ParameterDefinition(Parameter.derived(name, type, settings -> {
            throw new IllegalStateException(name + ": the default needs the runtime");
        }), def);
    }

    /** The same definition accepting "ms" (Postern extension). */
    public ParameterDefinition withSubSecond() {
        return new ParameterDefinition(parameter.withSubSecond(), dynamicDefault);
    }

    public ParameterDefinition withMax(long newMax) {
        return new ParameterDefinition(parameter.withMax(newMax), dynamicDefault);
    }

    public ParameterDefinition withAllowed(String... values) {
        return new ParameterDefinition(parameter.withAllowed(values), dynamicDefault);
    }

    /** The same definition with a value grammar ({@link ValueSyntax}) checked by {@link #validate(String)}. */
    public ParameterDefinition withSyntax(ValueSyntax syntax) {
        return new ParameterDefinition(parameter.withSyntax(syntax), dynamicDefault);
    }

    public String name() {
        return parameter.name();
    }

    public ParameterType type() {
        return parameter.type();
    }

    /** The default text, or null for a dynamic default. */
    public String defaultValue() {
        return dynamicDefault != null ? null : parameter.defaultValue();
    }

    public long min() {
        return parameter.min();
    }

    public long max() {
        return parameter.max();
    }

    public char timeUnit() {
        return parameter.timeUnit();
    }

    public boolean subSecond() {
        return parameter.subSecond();
    }

    public Set<String> allowed() {
        return parameter.allowed();
    }

    /** The default text for this runtime, given a view of main.cf (see {@link DynamicDefault}). */
    public String defaultValue(ConfigEnvironment env, Function<String, String> mainCf) {
        return dynamicDefault != null ? dynamicDefault.compute(env, mainCf) : parameter.defaultValue();
    }

    /**
     * Checks an expanded value against type and bounds.
     *
     * @throws IllegalArgumentException with a message such as "bad numerical value: 10x"
     */
    public void validate(String value) {
        if (name().equals("compatibility_level") && !value.matches("[0-9]+(\\.[0-9]+){0,2}")) {
            throw new IllegalArgumentException("malformed compatibility level syntax: " + value);
        }
        parameter.validate(value);
    }
}
