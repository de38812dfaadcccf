// SPDX-License-Identifier: Apache-2.0
package org.postern.api.parameter;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Converts expanded parameter text to booleans, numbers and durations, as Postfix's
 * conv_bool/conv_int/conv_long/conv_time: booleans are "yes"/"no" in any case; numbers are
 * plain decimal digits; a time is digits plus an optional one-letter unit (s, m, h, d, w), the
 * unit defaulting per parameter; with sub-second resolution also "ms" (a Postern extension).
 * Failures are {@link IllegalArgumentException}s reading "bad numerical value: 10x",
 * "bad boolean value: maybe", "bad time value: 1y"; overflow is a bad value, never wrapped.
 */
public final class ParameterSyntax {

    private static final Pattern REFERENCE = Pattern.compile("\\$(?:\\{(\\w+)\\}|\\((\\w+)\\)|(\\w+)|(\\$))");

    private ParameterSyntax() {
    }

    public static boolean parseBoolean(String text) {
        String t = text.toLowerCase(Locale.ROOT);
        if (t.equals("yes")) {
            return true;
        }
        if (t.equals("no")) {
            return false;
        }
        throw new IllegalArgumentException("bad boolean value: " + text);
    }

    public static long parseLong(String text) {
        if (!isDigits(text)) {
            throw new IllegalArgumentException("bad numerical value: " + text);
        }
        try {
            return Long.parseLong(text);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("bad numerical value: " + text);
        }
    }

    public static int parseInt(String text) {
        long v = parseLong(text);
        if (v > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("bad numerical value: " + text);
        }
        return (int) v;
    }

    /**
     * @param defaultUnit one of s, m, h, d, w: the unit of a bare number
     * @param subSecond   whether "ms" is allowed
     */
    public static Duration parseTime(String text, char defaultUnit, boolean subSecond) {
        int i = 0;
        while (i < text.length() && Character.isDigit(text.charAt(i)) && text.charAt(i) < 128) {
            i++;
        }
        String unit = text.substring(i);
        if (i == 0 || !(unit.length() == 1 || unit.isEmpty() || (subSecond && unit.equals("ms")))) {
            throw new IllegalArgumentException("bad time value: " + text);
        }
        long n;
        try {
            n = Long.parseLong(text.substring(0, i));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("bad time value: " + text);
        }
        if (unit.equals("ms")) {
            return Duration.ofMillis(n);
        }
        long seconds = unitSeconds(unit.isEmpty() ? defaultUnit : unit.charAt(0), text);
        try {
            return Duration.ofSeconds(Math.multiplyExact(n, seconds));
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException("bad time value: " + text);
        }
    }

    /** Seconds in one s, m, h, d or w. */
    public static long unitSeconds(char unit, String text) {
        return switch (unit) {
            case 's' -> 1;
            case 'm' -> 60;
            case 'h' -> 3600;
            case 'd' -> 86400;
            case 'w' -> 7 * 86400;
            default -> throw new IllegalArgumentException("bad time value: " + text);
        };
    }

    /** A list value split at commas and whitespace, empty items dropped. */
    public static List<String> splitList(String text) {
        List<String> out = new ArrayList<>();
        for (String item : text.split("[\\s,]+")) {
            if (!item.isEmpty()) {
                out.add(item);
            }
        }
        return out;
    }

    /**
     * Replaces {@code $name}, {@code ${name}} and {@code $(name)} with {@code values}' answer (empty
     * for null) and {@code $$} with {@code $}: enough for the defaults plugins declare
     * ("$myhostname", "$smtp_sasl_security_options"). Core's expander, which also knows
     * Postfix's conditional forms, is what a running Postern uses.
     */
    public static String expandReferences(String text, Function<String, String> values) {
        Matcher m = REFERENCE.matcher(text);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String name = m.group(1) != null ? m.group(1) : m.group(2) != null ? m.group(2) : m.group(3);
            String value = name == null ? "$" : values.apply(name);
            m.appendReplacement(out, Matcher.quoteReplacement(value == null ? "" : value));
        }
        m.appendTail(out);
        return out.toString();
    }

    private static boolean isDigits(String text) {
        if (text.isEmpty()) {
            return false;
        }
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') {
                return false;
            }
        }
        return true;
    }
}
