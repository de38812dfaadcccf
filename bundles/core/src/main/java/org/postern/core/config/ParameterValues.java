// SPDX-License-Identifier: Apache-2.0
package org.postern.core.config;

import java.time.Duration;

import org.postern.api.parameter.ParameterSyntax;

/**
 * SUMMARY   Converts expanded parameter text to booleans, numbers and durations, with bounds.
 * DESCRIPTION
 *   The api's {@link ParameterSyntax} (Postfix's conv_bool/conv_int/conv_long/conv_time, with
 *   "ms" where a parameter allows it), under the name core's callers know, plus the
 *   formatting of durations. Messages read "bad numerical value: 10x", "bad boolean value:
 *   maybe", "bad time value: 1y".
 * SECURITY  Overflow is reported as a bad value, never wrapped.
 */
public final class ParameterValues {

    private ParameterValues() {
    }

    public static boolean parseBoolean(String text) {
        return ParameterSyntax.parseBoolean(text);
    }

    public static long parseLong(String text) {
        return ParameterSyntax.parseLong(text);
    }

    public static int parseInt(String text) {
        return ParameterSyntax.parseInt(text);
    }

    /**
     * @param defaultUnit one of s, m, h, d, w
     * @param subSecond   whether "ms" is allowed
     */
    public static Duration parseTime(String text, char defaultUnit, boolean subSecond) {
        return ParameterSyntax.parseTime(text, defaultUnit, subSecond);
    }

    /** A duration in Postfix notation with the largest exact unit ("300s" stays "5m"). */
    public static String formatTime(Duration d) {
        if (d.toMillisPart() != 0 || d.toNanosPart() % 1_000_000 != 0) {
            return d.toMillis() + "ms";
        }
        long s = d.getSeconds();
        if (s != 0) {
            for (char u : new char[] {'w', 'd', 'h', 'm'}) {
                long k = ParameterSyntax.unitSeconds(u, "");
                if (s % k == 0) {
                    return s / k + String.valueOf(u);
                }
            }
        }
        return s + "s";
    }
}
