// SPDX-License-Identifier: Apache-2.0
package org.postern.core.config;

import java.time.Duration;
import java.util.Locale;

/**
 * SUMMARY   Converts expanded parameter text to booleans, numbers and durations, with bounds.
 * DESCRIPTION
 *   Follows Postfix's conv_bool/conv_int/conv_long/conv_time: booleans are "yes"/"no" in any
 *   case; numbers are plain decimal digits; a time is digits plus an optional one-letter unit
 *   (s, m, h, d, w), the unit defaulting per parameter. Postern extension: parameters declared
 *   with sub-second resolution also accept "ms". Messages read
 *   "bad numerical value: 10x", "bad boolean value: maybe", "bad time value: 1y".
 * SECURITY  Overflow is reported as a bad value, never wrapped.
 */
public final class ParameterValues {

    private ParameterValues() {
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
     * @param defaultUnit one of s, m, h, d, w
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

    static long unitSeconds(char unit, String text) {
        return switch (unit) {
            case 's' -> 1;
            case 'm' -> 60;
            case 'h' -> 3600;
            case 'd' -> 86400;
            case 'w' -> 7 * 86400;
            default -> throw new IllegalArgumentException("bad time value: " + text);
        };
    }

    /** A duration in Postfix notation with the largest exact unit ("300s" stays "5m"). */
    public static String formatTime(Duration d) {
        if (d.toMillisPart() != 0 || d.toNanosPart() % 1_000_000 != 0) {
            return d.toMillis() + "ms";
        }
        long s = d.getSeconds();
        if (s != 0) {
            for (char u : new char[] {'w', 'd', 'h', 'm'}) {
                long k = unitSeconds(u, "");
                if (s % k == 0) {
                    return s / k + String.valueOf(u);
                }
            }
        }
        return s + "s";
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
