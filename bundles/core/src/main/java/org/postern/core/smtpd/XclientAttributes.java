// SPDX-License-Identifier: Apache-2.0
package org.postern.core.smtpd;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.postern.api.support.LogText;
import org.postern.core.net.HostNames;
import org.postern.core.smtp.SmtpReply;
import org.postern.core.smtpd.codec.Xtext;

/**
 * SUMMARY   The attribute lists of XCLIENT and XFORWARD, checked as Postfix's xclient_cmd() and
 *           xforward_cmd() check them.
 * DESCRIPTION
 *   Each argument is NAME=value with an xtext-encoded value of at most 255 characters (a value
 *   that is not valid xtext is taken as it is, for pre-2.3 clients). "[UNAVAILABLE]" and, for
 *   XCLIENT NAME/REVERSE_NAME, "[TEMPUNAVAIL]" stand for unknown values. Non-printable
 *   characters become '?', and so do the characters that could break a Received: header
 *   ({@code <>()\";@} and space) in HELO, IDENT and the XFORWARD values.
 * SECURITY  Arguments come from a client that passed smtpd_authorized_xclient_hosts or
 *           smtpd_authorized_xforward_hosts; they are still checked for syntax and length.
 * SEE ALSO  Postfix XCLIENT_README, XFORWARD_README.
 */
final class XclientAttributes {

    static final String UNAVAILABLE = "[UNAVAILABLE]";
    static final String TEMPUNAVAIL = "[TEMPUNAVAIL]";
    private static final String NEUTER = " <>()\\\";@";

    private XclientAttributes() {
    }

    /** What one XCLIENT command changes; a null field was not given. */
    static final class Update {
        String name;
        ClientHostname.Status nameStatus;
        String reverseName;
        ClientHostname.Status reverseStatus;
        String address;
        Integer port;
        boolean heloGiven;
        String helo;
        String protocol;
        String login;
        SmtpReply error;
    }

    static Update xclient(List<String> arguments) {
        Update u = new Update();
        for (String arg : arguments) {
            int eq = arg.indexOf('=');
            String key = eq < 0 ? arg : arg.substring(0, eq).toUpperCase(Locale.ROOT);
            String raw = eq < 0 ? "" : arg.substring(eq + 1);
            u.error = checkRaw(raw);
            if (u.error != null) {
                return u;
            }
            String value = cook(raw);
            switch (key) {
                case "NAME":
                case "REVERSE_NAME": {
                    ClientHostname.Status status = nameStatus(value);
                    if (status == ClientHostname.Status.OK && !HostNames.validHostname(value)) {
                        u.error = bad(key, value);
                        return u;
                    }
                    String v = status == ClientHostname.Status.OK ? value : ClientHostname.UNKNOWN;
                    if (key.equals("NAME")) {
                        u.name = v;
                        u.nameStatus = status;
                        if (status == ClientHostname.Status.OK) {
                            u.reverseName = v;
                            u.reverseStatus = status;
                        }
                    } else {
                        u.reverseName = v;
                        u.reverseStatus = status;
                    }
                    break;
                }
                case "ADDR":
                    if (value.equalsIgnoreCase(UNAVAILABLE)) {
                        u.address = ClientHostname.UNKNOWN;
                    } else {
                        u.address = HostNames.bareMailhostAddr(value);
                        if (u.address == null) {
                            u.error = bad(key, value);
                            return u;
                        }
                    }
                    break;
                case "PORT":
                    if (value.equalsIgnoreCase(UNAVAILABLE)) {
                        u.port = 0;
                    } else if (value.isEmpty() || value.length() > 5 || !value.chars().allMatch(Character::isDigit)) {
                        u.error = bad(key, value);
                        return u;
                    } else {
                        u.port = Integer.parseInt(value);
                    }
                    break;
                case "HELO":
                    u.heloGiven = true;
                    if (value.equalsIgnoreCase(UNAVAILABLE)) {
                        u.helo = null;
                    } else if (value.length() > 255) {
                        u.error = bad(key, value);
                        return u;
                    } else {
                        u.helo = neuter(value);
                    }
                    break;
                case "PROTO":
                    if (!value.equalsIgnoreCase("SMTP") && !value.equalsIgnoreCase("ESMTP")) {
                        u.error = bad(key, value);
                        return u;
                    }
                    u.protocol = value.toUpperCase(Locale.ROOT);
                    break;
                case "LOGIN":
                    if (!value.equalsIgnoreCase(UNAVAILABLE)) {
                        u.login = value;
                    }
                    break;
                default:
                    u.error = new SmtpReply(501, "5.5.4", "Bad XCLIENT attribute name: " + LogText.printable(key));
                    return u;
            }
        }
        return u;
    }

    /**
     * The XFORWARD attributes as given (NAME, ADDR, PORT, PROTO, HELO, IDENT, SOURCE), cooked;
     * unavailable values become "unknown" (SOURCE: "local"). Returns the error reply in
     * {@code errorOut[0]} and null when an attribute is bad.
     */
    static Map<String, String> xforward(List<String> arguments, SmtpReply[] errorOut) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String arg : arguments) {
            int eq = arg.indexOf('=');
            String key = eq < 0 ? arg : arg.substring(0, eq).toUpperCase(Locale.ROOT);
            String raw = eq < 0 ? "" : arg.substring(eq + 1);
            SmtpReply error = checkRaw(raw);
            if (error != null) {
                errorOut[0] = error;
                return null;
            }
            String value = cook(raw);
            boolean unavailable = value.equalsIgnoreCase(UNAVAILABLE);
            switch (key) {
                case "NAME":
                    if (unavailable) {
                        value = ClientHostname.UNKNOWN;
                    } else {
                        value = neuter(value);
                        if (!HostNames.validHostname(value)) {
                            errorOut[0] = bad(key, value);
                            return null;
                        }
                    }
                    break;
                case "ADDR":
                    if (unavailable) {
                        value = ClientHostname.UNKNOWN;
                    } else {
                        value = HostNames.bareMailhostAddr(neuter(value));
                        if (value == null) {
                            errorOut[0] = bad(key, cook(raw));
                            return null;
                        }
                    }
                    break;
                case "PORT":
                    if (unavailable) {
                        value = ClientHostname.UNKNOWN;
                    } else if (value.isEmpty() || value.length() > 5 || !value.chars().allMatch(Character::isDigit)) {
                        errorOut[0] = bad(key, value);
                        return null;
                    }
                    break;
                case "PROTO":
                    if (unavailable) {
                        value = ClientHostname.UNKNOWN;
                    } else if (value.length() > 64) {
                        errorOut[0] = bad(key, value);
                        return null;
                    } else {
                        value = neuter(value);
                    }
                    break;
                case "HELO":
                case "IDENT":
                    value = unavailable ? ClientHostname.UNKNOWN : neuter(value);
                    break;
                case "SOURCE":
                    if (unavailable || value.equalsIgnoreCase("LOCAL")) {
                        value = "local";
                    } else if (value.equalsIgnoreCase("REMOTE")) {
                        value = "remote";
                    } else {
                        errorOut[0] = bad(key, value);
                        return null;
                    }
                    break;
                default:
                    errorOut[0] = new SmtpReply(501, "5.5.4", "Bad XFORWARD attribute name: "
                            + LogText.printable(key));
                    return null;
            }
            out.put(key, value);
        }
        return out;
    }

    private static SmtpReply checkRaw(String raw) {
        if (raw.isEmpty()) {
            return new SmtpReply(501, "5.5.4", "Error: attribute=value expected");
        }
        if (raw.length() > 255) {
            return new SmtpReply(501, "5.5.4", "Error: attribute value too long");
        }
        return null;
    }

    /** xtext-decoded when it is valid xtext, else as given; then non-printable characters as '?'. */
    static String cook(String raw) {
        String decoded = Xtext.decode(raw);
        String v = decoded == null ? raw : decoded;
        StringBuilder b = new StringBuilder(v.length());
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            b.append(c < 0x20 || c == 0x7f ? '?' : c);
        }
        return b.toString();
    }

    private static String neuter(String v) {
        StringBuilder b = new StringBuilder(v.length());
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            b.append(NEUTER.indexOf(c) >= 0 ? '?' : c);
        }
        return b.toString();
    }

    private static ClientHostname.Status nameStatus(String value) {
        if (value.equalsIgnoreCase(UNAVAILABLE)) {
            return ClientHostname.Status.PERM;
        }
        if (value.equalsIgnoreCase(TEMPUNAVAIL)) {
            return ClientHostname.Status.TEMP;
        }
        return ClientHostname.Status.OK;
    }

    private static SmtpReply bad(String key, String value) {
        return new SmtpReply(501, "5.5.4", "Bad " + key + " syntax: " + LogText.printable(value));
    }
}
