// SPDX-License-Identifier: Apache-2.0
package org.postern.core.smtpd.codec;

import java.util.Set;

import org.postern.api.delivery.Recipient.DsnNotify;
import org.postern.core.smtp.SmtpReply;

/**
 * What the server decoder hands to the session: a typed command, a piece of message content,
 * or an input error that becomes a reply. Handlers see these, never a {@code ByteBuf}.
 */
public sealed interface SmtpRequest {

    /** The command word as Postfix counts it in "disconnect from ... ehlo=1 mail=1". */
    String verb();

    /** HELO or EHLO. */
    record Helo(String domain, boolean extended) implements SmtpRequest {
        @Override
        public String verb() {
            return extended ? "ehlo" : "helo";
        }
    }

    /**
     * MAIL FROM.
     *
     * @param sender    the reverse-path as given (without brackets and source route); "" for {@code <>}
     * @param size      SIZE=, or -1
     * @param body      BODY= ("7BIT", "8BITMIME"), or null
     * @param smtputf8  SMTPUTF8 was given
     * @param ret       RET= ("FULL", "HDRS"), or null
     * @param envid     ENVID= decoded from xtext, or null
     * @param nonAscii  the address contains non-ASCII characters (needs SMTPUTF8)
     * @param hasEsmtpParameters any parameter at all was given
     * @param firstParameter the first parameter as given, for "Unsupported option" replies
     * @param auth      AUTH= (RFC 4954 section 5) decoded from xtext ("<>" when so given), or null
     * @param bracketed the address was enclosed in angle brackets
     * @param requireTls REQUIRETLS was given (RFC 8689)
     * @param parameters the ESMTP parameters exactly as given ("SIZE=123", "body=8bitmime"), as
     *                  Postfix hands them to milters
     */
    record Mail(String sender, long size, String body, boolean smtputf8, String ret, String envid,
                boolean nonAscii, boolean hasEsmtpParameters, String firstParameter, String auth,
                boolean bracketed, boolean requireTls, java.util.List<String> parameters)
            implements SmtpRequest {
        public Mail {
            parameters = java.util.List.copyOf(parameters);
        }

        @Override
        public String verb() {
            return "mail";
        }
    }

    /**
     * RCPT TO.
     *
     * @param recipient  the forward-path as given (without brackets and source route)
     * @param notifyOn   NOTIFY=, or null when absent
     * @param orcpt      ORCPT= with the xtext value decoded ("rfc822;user@example.com"), or null
     * @param bracketed  the address was enclosed in angle brackets
     * @param parameters the ESMTP parameters exactly as given ("NOTIFY=SUCCESS,FAILURE")
     */
    record Rcpt(String recipient, Set<DsnNotify> notifyOn, String orcpt, boolean nonAscii,
                boolean hasEsmtpParameters, String firstParameter, boolean bracketed,
                java.util.List<String> parameters) implements SmtpRequest {
        public Rcpt {
            parameters = java.util.List.copyOf(parameters);
        }

        @Override
        public String verb() {
            return "rcpt";
        }
    }

    record Data() implements SmtpRequest {
        @Override
        public String verb() {
            return "data";
        }
    }

    /** BDAT size [LAST] (RFC 3030). The decoder reads the chunk right after this request. */
    record Bdat(long size, boolean last) implements SmtpRequest {
        @Override
        public String verb() {
            return "bdat";
        }
    }

    record Rset() implements SmtpRequest {
        @Override
        public String verb() {
            return "rset";
        }
    }

    record Noop() implements SmtpRequest {
        @Override
        public String verb() {
            return "noop";
        }
    }

    record Quit() implements SmtpRequest {
        @Override
        public String verb() {
            return "quit";
        }
    }

    record Vrfy(String argument) implements SmtpRequest {
        @Override
        public String verb() {
            return "vrfy";
        }
    }

    record StartTls() implements SmtpRequest {
        @Override
        public String verb() {
            return "starttls";
        }
    }

    /**
     * XCLIENT (Postfix XCLIENT_README): the raw {@code NAME=value} arguments, still xtext-encoded;
     * the session checks authorization first, then the attributes.
     */
    record Xclient(java.util.List<String> arguments) implements SmtpRequest {
        public Xclient {
            arguments = java.util.List.copyOf(arguments);
        }

        @Override
        public String verb() {
            return "xclient";
        }
    }

    /** XFORWARD (Postfix XFORWARD_README): the raw {@code NAME=value} arguments, still xtext-encoded. */
    record Xforward(java.util.List<String> arguments) implements SmtpRequest {
        public Xforward {
            arguments = java.util.List.copyOf(arguments);
        }

        @Override
        public String verb() {
            return "xforward";
        }
    }

    /** AUTH mechanism [initial-response] (RFC 4954): the words after AUTH, checked by the session. */
    record Auth(java.util.List<String> arguments) implements SmtpRequest {
        public Auth {
            arguments = java.util.List.copyOf(arguments);
        }

        @Override
        public String verb() {
            return "auth";
        }
    }

    /**
     * A line the client sent in answer to a 334 challenge (after {@link SmtpServerDecoder#expectSaslResponse});
     * not a command.
     */
    record SaslResponse(String text) implements SmtpRequest {
        @Override
        public String verb() {
            return "auth";
        }
    }

    /** ETRN (RFC 1985): the words after the verb, checked by the session as Postfix's smtpd does. */
    record Etrn(java.util.List<String> arguments) implements SmtpRequest {
        public Etrn {
            arguments = java.util.List.copyOf(arguments);
        }

        @Override
        public String verb() {
            return "etrn";
        }
    }

    /**
     * A command word SMTP does not have ("GET", "\u0016\u0003\u0001", "{\"a\":"): refused with 500, or
     * a hang-up when smtpd_forbidden_commands lists it (the session decides: the list may be a table).
     */
    record Unknown(String command, String line) implements SmtpRequest {
        @Override
        public String verb() {
            return "unknown";
        }
    }

    /** A message header sent as a command ("Subject: hi", "Host: x"): always a hang-up, as in Postfix. */
    record Forbidden(String line) implements SmtpRequest {
        @Override
        public String verb() {
            return "unknown";
        }
    }

    /** A known command with bad syntax, or a line that is no command at all: the reply to send. */
    record Invalid(String verb, SmtpReply reply, String line) implements SmtpRequest {
    }

    /** A line of message content (dot-unstuffed, without its line end); {@code endOfLine} when CRLF follows. */
    record Content(byte[] bytes, boolean endOfLine) implements SmtpRequest {
        @Override
        public String verb() {
            return "content";
        }
    }

    /** The "." that ends DATA. */
    record EndOfData() implements SmtpRequest {
        @Override
        public String verb() {
            return "end-of-data";
        }
    }

    /** The end of one BDAT chunk. */
    record EndOfChunk(long size, boolean last) implements SmtpRequest {
        @Override
        public String verb() {
            return "end-of-chunk";
        }
    }

    /** A bare LF under smtpd_forbid_bare_newline=reject. */
    record BareLineFeed(boolean afterData) implements SmtpRequest {
        @Override
        public String verb() {
            return "bare-lf";
        }
    }
}
