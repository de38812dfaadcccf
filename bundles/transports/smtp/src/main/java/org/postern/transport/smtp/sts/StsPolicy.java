// SPDX-License-Identifier: Apache-2.0
package org.postern.transport.smtp.sts;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * SUMMARY   An MTA-STS policy as served at https://mta-sts.DOMAIN/.well-known/mta-sts.txt
 *           (RFC 8461 section 3.2), parsed strictly.
 * DESCRIPTION
 *   Lines end with CRLF or LF; each is "key:" optional blanks, a value, optional trailing
 *   blanks. Exactly one "version: STSv1", one "mode" (enforce, testing, none) and one
 *   "max_age" (at most 10 digits, at most 31557600 seconds); one or more "mx" patterns
 *   (a domain, or "*." and a domain) unless the mode is none. Unknown keys that follow the
 *   extension grammar are ignored, as the RFC asks. Anything else makes the whole policy
 *   invalid: a blank line, a repeated version, mode or max_age, a value with a bad character.
 *   An mx pattern "*.example.com" matches exactly one more leftmost label (section 4.1).
 * SECURITY  The text comes from a web server: it is bounded by the fetcher (64 KB) and
 *   only kept whole for the cache and for TLSRPT's policy-string.
 *
 * @param mode       the policy mode
 * @param mxPatterns lower-case patterns, in the order given
 * @param maxAge     how long the policy may be cached
 * @param text       the policy as fetched (for the cache and reports)
 */
public record StsPolicy(Mode mode, List<String> mxPatterns, Duration maxAge, String text) {

    /** The longest max_age RFC 8461 allows (about one year). */
    static final long MAX_AGE_LIMIT = 31_557_600L;

    private static final Pattern LINE = Pattern.compile("([A-Za-z0-9][A-Za-z0-9_.-]{0,31}):[ \\t]*(.*?)[ \\t]*");
    private static final Pattern EXT_VALUE = Pattern.compile("[\\x21-\\x7e\\u0080-\\uffff]([\\x20-\\x7e\\u0080-\\uffff]*[\\x21-\\x7e\\u0080-\\uffff])?");
    private static final Pattern LABEL = Pattern.compile("[a-z0-9]([a-z0-9-]*[a-z0-9])?");

    /** RFC 8461's policy modes. */
    public enum Mode {
        ENFORCE, TESTING, NONE;

        /** The spelling in the policy and in logs. */
        public String wireName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** Why a policy text is not a valid policy. */
    static final class Invalid extends Exception {
        private static final long serialVersionUID = 1L;

        Invalid(String message) {
            super(message);
        }
    }

    public StsPolicy {
        mxPatterns = List.copyOf(mxPatterns);
    }

    /** @throws Invalid with a reason fit for a log line */
    static StsPolicy parse(String text) throws Invalid {
        String body = text.endsWith("\n") ? text.substring(0, text.length() - 1) : text;
        if (body.endsWith("\r")) {
            body = body.substring(0, body.length() - 1);
        }
        if (body.isEmpty()) {
            throw new Invalid("empty policy");
        }
        String version = null;
        Mode mode = null;
        Long maxAge = null;
        List<String> mx = new ArrayList<>();
        int number = 0;
        for (String raw : body.split("\n", -1)) {
            number++;
            String line = raw.endsWith("\r") ? raw.substring(0, raw.length() - 1) : raw;
            Matcher m = LINE.matcher(line);
            if (!m.matches()) {
                throw new Invalid("line " + number + ": not a \"key: value\" line");
            }
            String key = m.group(1);
            String value = m.group(2);
            switch (key) {
                case "version" -> {
                    if (version != null || !value.equals("STSv1")) {
                        throw new Invalid("line " + number + ": version must appear once and be STSv1");
                    }
                    version = value;
                }
                case "mode" -> {
                    if (mode != null) {
                        throw new Invalid("line " + number + ": mode appears twice");
                    }
                    mode = mode(value, number);
                }
                case "max_age" -> {
                    if (maxAge != null) {
                        throw new Invalid("line " + number + ": max_age appears twice");
                    }
                    maxAge = maxAge(value, number);
                }
                case "mx" -> mx.add(mxPattern(value, number));
                default -> {
                    if (!EXT_VALUE.matcher(value).matches()) {
                        throw new Invalid("line " + number + ": bad value for " + key);
                    }
                }
            }
        }
        if (version == null || mode == null || maxAge == null) {
            throw new Invalid("version, mode and max_age are required");
        }
        if (mx.isEmpty() && mode != Mode.NONE) {
            throw new Invalid("no mx pattern in a policy of mode " + mode.wireName());
        }
        return new StsPolicy(mode, mx, Duration.ofSeconds(maxAge), text);
    }

    /** True when the MX host name matches one of the patterns (RFC 8461 section 4.1). */
    public boolean allows(String mxHost) {
        String host = withoutDot(mxHost.toLowerCase(Locale.ROOT));
        for (String pattern : mxPatterns) {
            if (matches(pattern, host)) {
                return true;
            }
        }
        return false;
    }

    /** "mx.example.com" exactly, or "*.example.com" with exactly one more leftmost label. */
    static boolean matches(String pattern, String host) {
        if (pattern.startsWith("*.")) {
            int dot = host.indexOf('.');
            return dot > 0 && host.substring(dot + 1).equals(pattern.substring(2));
        }
        return host.equals(pattern);
    }

    /** The policy as RFC 8460 section 4.4's policy-string: one string per line. */
    public List<String> policyStrings() {
        List<String> lines = new ArrayList<>();
        for (String line : text.split("\r?\n")) {
            if (!line.isEmpty()) {
                lines.add(line);
            }
        }
        return lines;
    }

    private static Mode mode(String value, int number) throws Invalid {
        return switch (value) {
            case "enforce" -> Mode.ENFORCE;
            case "testing" -> Mode.TESTING;
            case "none" -> Mode.NONE;
            default -> throw new Invalid("line " + number + ": unknown mode");
        };
    }

    private static long maxAge(String value, int number) throws Invalid {
        if (!value.matches("[0-9]{1,10}")) {
            throw new Invalid("line " + number + ": max_age is not a number of seconds");
        }
        long seconds = Long.parseLong(value);
        if (seconds > MAX_AGE_LIMIT) {
            throw new Invalid("line " + number + ": max_age exceeds " + MAX_AGE_LIMIT);
        }
        return seconds;
    }

    private static String mxPattern(String value, int number) throws Invalid {
        String v = withoutDot(value.toLowerCase(Locale.ROOT));
        String domain = v.startsWith("*.") ? v.substring(2) : v;
        String[] labels = domain.split("\\.", -1);
        boolean ok = domain.length() <= 253 && labels.length >= 1;
        for (String label : labels) {
            ok &= label.length() <= 63 && LABEL.matcher(label).matches();
        }
        if (!ok) {
            throw new Invalid("line " + number + ": bad mx pattern");
        }
        return v;
    }

    private static String withoutDot(String name) {
        return name.endsWith(".") ? name.substring(0, name.length() - 1) : name;
    }
}
