// SPDX-License-Identifier: Apache-2.0
package org.postern.core.smtpd.codec;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import org.postern.api.delivery.Recipient.DsnNotify;
import org.postern.core.smtp.SmtpReply;

/**
 * SUMMARY   Parses one SMTP command line (without its line end) into an {@link SmtpRequest}.
 * DESCRIPTION
 *   Syntax only: whether a command or parameter is allowed in the session's state (after HELO,
 *   without SMTPUTF8, before MAIL ...) is the session's business. Bad syntax becomes an
 *   {@link SmtpRequest.Invalid} carrying Postfix's reply. ESMTP parameters: RFC 1870 SIZE,
 *   RFC 6152 BODY, RFC 6531 SMTPUTF8, RFC 3461 RET/ENVID/NOTIFY/ORCPT, RFC 4954 AUTH.
 * SECURITY  Input is the untrusted command line.
 */
public final class SmtpCommandParser {

    static final SmtpReply BAD_SYNTAX = new SmtpReply(500, "5.5.2", "Error: bad syntax");

    private SmtpCommandParser() {
    }

    public static SmtpRequest parse(String raw) {
        String line = raw.stripLeading(); // Postfix tokenizes: leading white space is not a word
        int sp = 0;
        while (sp < line.length() && line.charAt(sp) != ' ' && line.charAt(sp) != '\t') {
            sp++;
        }
        String verb = line.substring(0, sp).toUpperCase(Locale.ROOT);
        String rest = line.substring(sp).strip();
        switch (verb) {
            case "":
                return new SmtpRequest.Invalid("unknown", BAD_SYNTAX, line);
            case "HELO":
            case "EHLO":
                if (rest.isEmpty()) {
                    return new SmtpRequest.Invalid(verb.toLowerCase(Locale.ROOT),
                            new SmtpReply(501, "", "Syntax: " + verb + " hostname"), line);
                }
                return new SmtpRequest.Helo(rest, verb.equals("EHLO"));
            case "MAIL":
                return mail(line, sp);
            case "RCPT":
                return rcpt(line, sp);
            case "DATA":
                return rest.isEmpty() ? new SmtpRequest.Data()
                        : syntax("data", "Syntax: DATA", line);
            case "BDAT":
                return bdat(rest, line);
            case "RSET":
                return rest.isEmpty() ? new SmtpRequest.Rset() : syntax("rset", "Syntax: RSET", line);
            case "NOOP":
                return new SmtpRequest.Noop();
            case "QUIT":
                return new SmtpRequest.Quit();
            case "VRFY":
                return rest.isEmpty() ? syntax("vrfy", "Syntax: VRFY address", line) : new SmtpRequest.Vrfy(rest);
            case "STARTTLS":
                return rest.isEmpty() ? new SmtpRequest.StartTls() : syntax("starttls", "Syntax: STARTTLS", line);
            case "AUTH":
                return new SmtpRequest.Auth(rest.isEmpty() ? List.of() : List.of(rest.split("[ \t]+")));
            case "ETRN":
                return new SmtpRequest.Etrn(rest.isEmpty() ? List.of() : List.of(rest.split("[ \t]+")));
            case "XCLIENT":
                return new SmtpRequest.Xclient(rest.isEmpty() ? List.of() : List.of(rest.split("[ \t]+")));
            case "XFORWARD":
                return new SmtpRequest.Xforward(rest.isEmpty() ? List.of() : List.of(rest.split("[ \t]+")));
            default:
                // Postfix's is_header() rule: a message header sent as a command. Other unknown
                // words are checked against smtpd_forbidden_commands by the session.
                String word = line.substring(0, sp);
                if (isHeaderLabel(word)) {
                    return new SmtpRequest.Forbidden(line);
                }
                return new SmtpRequest.Unknown(word, line);
        }
    }

    /** "Subject:" or "X-Foo:bar": a message header sent as a command (Postfix's is_header). */
    private static boolean isHeaderLabel(String word) {
        int colon = word.indexOf(':');
        if (colon <= 0) {
            return false;
        }
        for (int i = 0; i < colon; i++) {
            char c = word.charAt(i);
            if (c <= ' ' || c > '~') {
                return false;
            }
        }
        return true;
    }

    private static SmtpRequest.Invalid syntax(String verb, String text, String line) {
        return new SmtpRequest.Invalid(verb, new SmtpReply(501, "5.5.4", text), line);
    }

    /** Skips "FROM:"/"TO:" and optional spaces after the colon (Postfix accepts "MAIL FROM: <a>"). */
    private static int afterKeyword(String line, int pos, String keyword) {
        while (pos < line.length() && line.charAt(pos) == ' ') {
            pos++;
        }
        if (!line.regionMatches(true, pos, keyword, 0, keyword.length())) {
            return -1;
        }
        pos += keyword.length();
        while (pos < line.length() && line.charAt(pos) == ' ') {
            pos++;
        }
        return pos < line.length() ? pos : -1;
    }

    private static List<String> parameters(String line, int pos) {
        List<String> out = new ArrayList<>();
        for (String p : line.substring(pos).split(" ")) {
            if (!p.isEmpty()) {
                out.add(p);
            }
        }
        return out;
    }

    private static SmtpRequest mail(String line, int sp) {
        int pos = afterKeyword(line, sp, "FROM:");
        if (pos < 0) {
            return syntax("mail", "Syntax: MAIL FROM:<address>", line);
        }
        PathParser.Path path = PathParser.parse(line, pos, true);
        if (path == null) {
            return new SmtpRequest.Invalid("mail", new SmtpReply(501, "5.1.7", "Bad sender address syntax"), line);
        }
        long size = -1;
        String body = null;
        boolean smtputf8 = false;
        boolean requireTls = false;
        String ret = null;
        String envid = null;
        String auth = null;
        List<String> params = parameters(line, path.end());
        for (String p : params) {
            String key = keyword(p);
            String value = p.indexOf('=') >= 0 ? p.substring(p.indexOf('=') + 1) : null;
            if (key.equals("SIZE") && value != null) {
                if (value.isEmpty() || value.length() > 18 || !value.chars().allMatch(c -> c >= '0' && c <= '9')) {
                    return syntax("mail", "Bad message size syntax", line);
                }
                size = Long.parseLong(value);
            } else if (key.equals("BODY") && value != null
                    && (value.equalsIgnoreCase("7BIT") || value.equalsIgnoreCase("8BITMIME"))) {
                body = value.toUpperCase(Locale.ROOT);
            } else if (key.equals("SMTPUTF8") && value == null) {
                smtputf8 = true;
            } else if (key.equals("REQUIRETLS") && value == null) {
                requireTls = true;
            } else if (key.equals("RET") && value != null) {
                if (ret != null || !(value.equalsIgnoreCase("FULL") || value.equalsIgnoreCase("HDRS"))) {
                    return syntax("mail", "Bad RET parameter syntax", line);
                }
                ret = value.toUpperCase(Locale.ROOT);
            } else if (key.equals("ENVID") && value != null) {
                String decoded = Xtext.decode(value);
                // RFC 3461 section 4.4: at most 100 characters of printable ASCII.
                if (envid != null || decoded == null || decoded.isEmpty() || decoded.length() > 100
                        || !decoded.chars().allMatch(c -> c >= 32 && c <= 126)) {
                    return syntax("mail", "Bad ENVID parameter syntax", line);
                }
                envid = decoded;
            } else if (key.equals("AUTH") && value != null) {
                // RFC 4954 section 5: AUTH=<> or an xtext mailbox. Like Postfix, never refused for its
                // syntax (the value is kept as given when it is not xtext).
                if (auth != null) {
                    return new SmtpRequest.Invalid("mail", new SmtpReply(503, "5.5.4", "Error: multiple AUTH= options"),
                            line);
                }
                String decoded = Xtext.decode(value);
                auth = decoded == null ? value : decoded;
            } else {
                return unsupported("mail", p, line);
            }
        }
        return new SmtpRequest.Mail(path.address(), size, body, smtputf8, ret, envid, path.nonAscii(),
                !params.isEmpty(), params.isEmpty() ? null : params.get(0), auth, path.bracketed(), requireTls, params);
    }

    private static SmtpRequest rcpt(String line, int sp) {
        int pos = afterKeyword(line, sp, "TO:");
        if (pos < 0) {
            return syntax("rcpt", "Syntax: RCPT TO:<address>", line);
        }
        PathParser.Path path = PathParser.parse(line, pos, false);
        if (path == null) {
            return new SmtpRequest.Invalid("rcpt", new SmtpReply(501, "5.1.3", "Bad recipient address syntax"),
                    line);
        }
        Set<DsnNotify> notify = null;
        String orcpt = null;
        List<String> params = parameters(line, path.end());
        for (String p : params) {
            String key = keyword(p);
            String value = p.indexOf('=') >= 0 ? p.substring(p.indexOf('=') + 1) : null;
            if (key.equals("NOTIFY") && value != null) {
                notify = notify == null ? notify(value) : null;
                if (notify == null) {
                    return syntax("rcpt", "Error: Bad NOTIFY parameter syntax", line);
                }
            } else if (key.equals("ORCPT") && value != null) {
                orcpt = orcpt == null ? orcpt(value) : null;
                if (orcpt == null) {
                    return syntax("rcpt", "Error: Bad ORCPT parameter syntax", line);
                }
            } else {
                return unsupported("rcpt", p, line);
            }
        }
        return new SmtpRequest.Rcpt(path.address(), notify, orcpt, path.nonAscii(), !params.isEmpty(),
                params.isEmpty() ? null : params.get(0), path.bracketed(), params);
    }

    // RFC 3461 section 4.1: NOTIFY=NEVER / 1#( SUCCESS / FAILURE / DELAY )
    private static Set<DsnNotify> notify(String value) {
        Set<DsnNotify> set = EnumSet.noneOf(DsnNotify.class);
        for (String v : value.split(",", -1)) {
            DsnNotify n;
            try {
                n = DsnNotify.valueOf(v.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                return null;
            }
            if (!set.add(n)) {
                return null;
            }
        }
        if (set.contains(DsnNotify.NEVER) && set.size() > 1) {
            return null;
        }
        return set;
    }

    // RFC 3461 section 4.2: ORCPT=addr-type ";" xtext; RFC 6533 utf-8 addresses are kept as given.
    private static String orcpt(String value) {
        int semi = value.indexOf(';');
        if (semi <= 0 || semi == value.length() - 1) {
            return null;
        }
        String type = value.substring(0, semi);
        if (!type.chars().allMatch(c -> c < 0x80 && (Character.isLetterOrDigit(c) || c == '-'))) {
            return null;
        }
        String addr = value.substring(semi + 1);
        if (type.equalsIgnoreCase("utf-8")) {
            return type + ";" + addr;
        }
        String decoded = Xtext.decode(addr);
        // RFC 3461 section 4.2: at most 500 characters.
        return decoded == null || decoded.length() > 500 ? null : type + ";" + decoded;
    }

    private static SmtpRequest unsupported(String verb, String param, String line) {
        return new SmtpRequest.Invalid(verb, new SmtpReply(555, "5.5.4", "Unsupported option: " + param), line);
    }

    private static String keyword(String param) {
        int eq = param.indexOf('=');
        return (eq >= 0 ? param.substring(0, eq) : param).toUpperCase(Locale.ROOT);
    }

    // RFC 3030 section 2: bdat-cmd = "BDAT" SP chunk-size [ SP end-marker ] CR LF
    private static SmtpRequest bdat(String rest, String line) {
        String[] parts = rest.split(" +");
        boolean ok = parts.length >= 1 && parts.length <= 2 && !parts[0].isEmpty() && parts[0].length() <= 18
                && parts[0].chars().allMatch(c -> c >= '0' && c <= '9')
                && (parts.length == 1 || parts[1].equalsIgnoreCase("LAST"));
        if (!ok) {
            return new SmtpRequest.Invalid("bdat", new SmtpReply(521, "5.5.4", "Syntax: BDAT count [LAST]"), line);
        }
        return new SmtpRequest.Bdat(Long.parseLong(parts[0]), parts.length == 2);
    }
}
