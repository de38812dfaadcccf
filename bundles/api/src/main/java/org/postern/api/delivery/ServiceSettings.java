// SPDX-License-Identifier: Apache-2.0
package org.postern.api.delivery;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.osgi.annotation.versioning.ProviderType;

/**
 * The main.cf parameters as one master.cf service sees them: its {@code -o name=value}
 * overrides applied and {@code $name} expanded. Agents read their settings here
 * ({@code smtp_connect_timeout}, {@code home_mailbox}, ...), so that
 * {@code relay unix - - n - - smtp -o smtp_helo_name=...} works as in Postfix.
 * Parameters Postern does not know are still readable when main.cf or -o sets them.
 */
@ProviderType
public interface ServiceSettings {

    /** The value, or null when neither main.cf, -o nor a default gives one. */
    String get(String name);

    /** The value, or {@code defaultValue} when unset. */
    default String get(String name, String defaultValue) {
        String v = get(name);
        return v == null ? defaultValue : v;
    }

    /** A whole number; {@code defaultValue} when unset or not a number. */
    default int integer(String name, int defaultValue) {
        String v = get(name);
        try {
            return v == null || v.isBlank() ? defaultValue : Integer.parseInt(v.strip());
        } catch (NumberFormatException e) {
            return defaultValue;
        }
    }

    /** yes/no; {@code defaultValue} when unset or neither. */
    default boolean bool(String name, boolean defaultValue) {
        String v = get(name);
        if (v == null) {
            return defaultValue;
        }
        return switch (v.strip().toLowerCase(Locale.ROOT)) {
            case "yes", "true", "1" -> true;
            case "no", "false", "0" -> false;
            default -> defaultValue;
        };
    }

    /**
     * A Postfix time value: digits and an optional unit s, m, h, d, w or ms (seconds when
     * there is none); {@code defaultValue} when unset or malformed.
     */
    default Duration time(String name, Duration defaultValue) {
        String v = get(name);
        if (v == null || v.isBlank()) {
            return defaultValue;
        }
        String t = v.strip().toLowerCase(Locale.ROOT);
        int i = 0;
        while (i < t.length() && Character.isDigit(t.charAt(i))) {
            i++;
        }
        if (i == 0) {
            return defaultValue;
        }
        long n = Long.parseLong(t.substring(0, i));
        return switch (t.substring(i)) {
            case "", "s" -> Duration.ofSeconds(n);
            case "ms" -> Duration.ofMillis(n);
            case "m" -> Duration.ofMinutes(n);
            case "h" -> Duration.ofHours(n);
            case "d" -> Duration.ofDays(n);
            case "w" -> Duration.ofDays(7 * n);
            default -> defaultValue;
        };
    }

    /** A list separated by commas and/or whitespace; empty when unset. */
    default List<String> list(String name) {
        String v = get(name);
        List<String> out = new ArrayList<>();
        if (v != null) {
            for (String item : v.split("[\\s,]+")) {
                if (!item.isEmpty()) {
                    out.add(item);
                }
            }
        }
        return out;
    }
}
