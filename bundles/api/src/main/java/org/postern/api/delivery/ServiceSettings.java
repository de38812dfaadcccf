// SPDX-License-Identifier: Apache-2.0
package org.postern.api.delivery;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import org.osgi.annotation.versioning.ProviderType;
import org.postern.api.parameter.Parameter;
import org.postern.api.parameter.ParameterException;
import org.postern.api.parameter.ParameterSource;
import org.postern.api.parameter.ParameterSyntax;

/**
 * The main.cf parameters as one master.cf service sees them: its {@code -o name=value}
 * overrides applied and {@code $name} expanded. Agents read their settings here
 * ({@code smtp_connect_timeout}, {@code home_mailbox}, ...), so that
 * {@code relay unix - - n - - smtp -o smtp_helo_name=...} works as in Postfix.
 * <p>
 * A plugin reads its own parameters through their declarations
 * ({@link org.postern.api.parameter.ParameterSet}): {@code time(SmtpParameters.HELO_TIMEOUT)}
 * returns the validated value, the declaration's default when nothing sets it. Parameters of
 * core (myhostname, recipient_delimiter ...) are read by name; names nobody declares are still
 * readable when main.cf or -o sets them. A malformed value is never replaced by a default: the
 * typed getters throw {@link ParameterException}, whose message names the file, the line and
 * the parameter ({@link #source(String)}). Core validates every declared parameter when it
 * loads the configuration, so at run time that error concerns undeclared names.
 */
@ProviderType
public interface ServiceSettings {

    /** The value, or null when neither main.cf, -o nor a default gives one. */
    String get(String name);

    /**
     * Where the value of {@code name} was set (a main.cf line, a master.cf {@code -o}); empty
     * for a default, an unset name, or an implementation that does not know.
     *
     * @since 1.0
     */
    default Optional<ParameterSource> source(String name) {
        return Optional.empty();
    }

    /** The value, or {@code defaultValue} when unset. */
    default String get(String name, String defaultValue) {
        String v = get(name);
        return v == null ? defaultValue : v;
    }

    /**
     * A whole number; {@code defaultValue} when unset or empty.
     *
     * @throws ParameterException when the value is not a number (since 1.0; before, the default)
     */
    default int integer(String name, int defaultValue) {
        String v = get(name);
        if (v == null || v.isBlank()) {
            return defaultValue;
        }
        try {
            return Integer.parseInt(v.strip());
        } catch (NumberFormatException e) {
            throw malformed(name, "bad numerical value: " + v);
        }
    }

    /**
     * yes/no (also true/false, 1/0); {@code defaultValue} when unset.
     *
     * @throws ParameterException for any other word (since 1.0; before, the default)
     */
    default boolean bool(String name, boolean defaultValue) {
        String v = get(name);
        if (v == null) {
            return defaultValue;
        }
        return switch (v.strip().toLowerCase(Locale.ROOT)) {
            case "yes", "true", "1" -> true;
            case "no", "false", "0" -> false;
            default -> throw malformed(name, "bad boolean value: " + v);
        };
    }

    /**
     * A Postfix time value: digits and an optional unit s, m, h, d, w or ms (seconds when
     * there is none); {@code defaultValue} when unset or empty.
     *
     * @throws ParameterException when malformed (since 1.0; before, the default)
     */
    default Duration time(String name, Duration defaultValue) {
        String v = get(name);
        if (v == null || v.isBlank()) {
            return defaultValue;
        }
        try {
            return ParameterSyntax.parseTime(v.strip().toLowerCase(Locale.ROOT), 's', true);
        } catch (IllegalArgumentException e) {
            throw malformed(name, e.getMessage());
        }
    }

    /** A list separated by commas and/or whitespace; empty when unset. */
    default List<String> list(String name) {
        String v = get(name);
        return v == null ? new java.util.ArrayList<>() : ParameterSyntax.splitList(v);
    }

    /**
     * A declared parameter's text, checked against its allowed values; its default (with
     * $name references expanded through {@link #get(String)}, unless it is a template) when
     * nothing sets it. Values of other types are returned stripped.
     *
     * @since 1.0
     */
    default String string(Parameter p) {
        return checked(p);
    }

    /**
     * A declared LIST parameter, split at commas and whitespace.
     *
     * @since 1.0
     */
    default List<String> list(Parameter p) {
        return ParameterSyntax.splitList(checked(p));
    }

    /**
     * A declared BOOLEAN parameter.
     *
     * @since 1.0
     */
    default boolean bool(Parameter p) {
        return ParameterSyntax.parseBoolean(checked(p));
    }

    /**
     * A declared INTEGER parameter, within its bounds.
     *
     * @since 1.0
     */
    default int integer(Parameter p) {
        return ParameterSyntax.parseInt(checked(p));
    }

    /**
     * A declared SIZE parameter, within its bounds.
     *
     * @since 1.0
     */
    default long size(Parameter p) {
        return ParameterSyntax.parseLong(checked(p));
    }

    /**
     * A declared TIME parameter in its default unit, within its bounds.
     *
     * @since 1.0
     */
    default Duration time(Parameter p) {
        return p.toDuration(checked(p));
    }

    /**
     * The error for a malformed value of {@code name}, naming where it was set.
     *
     * @since 1.0
     */
    default ParameterException malformed(String name, String problem) {
        return new ParameterException(name, source(name), problem);
    }

    private String checked(Parameter p) {
        String value = get(p.name());
        if (value == null) {
            String text = p.defaultValue(this::get);
            value = p.template() ? text : ParameterSyntax.expandReferences(text, this::get);
        }
        String text = value.strip();
        try {
            p.validate(text);
        } catch (IllegalArgumentException e) {
            throw malformed(p.name(), e.getMessage());
        }
        return p.type() == org.postern.api.parameter.ParameterType.STRING ? value : text;
    }
}
