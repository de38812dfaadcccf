// SPDX-License-Identifier: Apache-2.0
package org.postern.differential;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * One scripted SMTP conversation: who connects (127.0.0.1 is in mynetworks, 127.0.0.2 is an
 * outsider), under which main.cf variant, and what is sent in which order. Each step says how
 * many replies it expects, so pipelined groups and BDAT chunks are sent in one write.
 */
record Dialogue(String name, String variant, String client, List<Step> steps) {

    /** Bytes sent in one write, the number of replies they should draw, and whether they are message content. */
    record Step(String shown, byte[] bytes, int replies, boolean content) {
    }

    static Builder named(String name) {
        return new Builder(name);
    }

    static final class Builder {
        private final String name;
        private String variant = "default";
        private String client = "127.0.0.1";
        private final List<Step> steps = new ArrayList<>();

        private Builder(String name) {
            this.name = name;
        }

        Builder variant(String v) {
            variant = v;
            return this;
        }

        /** Connect from 127.0.0.2, outside mynetworks. */
        Builder outsider() {
            client = "127.0.0.2";
            return this;
        }

        /** One command line (CRLF added), one reply. */
        Builder cmd(String line) {
            return raw(line, line + "\r\n", 1);
        }

        /** Commands in one write; one reply each. */
        Builder pipelined(String... lines) {
            return raw(String.join(" | ", lines), String.join("\r\n", lines) + "\r\n", lines.length);
        }

        /** Message text after a 354 (CRLF line ends added, the final dot too); skipped without the 354. */
        Builder data(String... lines) {
            String text = lines.length == 0 ? "" : String.join("\r\n", lines) + "\r\n";
            steps.add(new Step("<message>", (text + ".\r\n").getBytes(StandardCharsets.UTF_8), 1, true));
            return this;
        }

        /** Raw message bytes after a 354, sent as they are (for bare LF/CR cases). */
        Builder dataRaw(String shown, String text) {
            steps.add(new Step(shown, text.getBytes(StandardCharsets.ISO_8859_1), 1, true));
            return this;
        }

        /** A BDAT command with its chunk in the same write. */
        Builder bdat(String chunk, boolean last) {
            byte[] body = chunk.getBytes(StandardCharsets.UTF_8);
            String command = "BDAT " + body.length + (last ? " LAST" : "");
            return raw(command, command + "\r\n" + chunk, 1);
        }

        /** Any text (ISO-8859-1 bytes), sent in one write, drawing {@code replies} replies. */
        Builder raw(String shown, String text, int replies) {
            steps.add(new Step(shown, text.getBytes(StandardCharsets.ISO_8859_1), replies, false));
            return this;
        }

        /** UTF-8 text, one reply. */
        Builder utf8(String line) {
            steps.add(new Step(line, (line + "\r\n").getBytes(StandardCharsets.UTF_8), 1, false));
            return this;
        }

        Builder ehlo() {
            return cmd("EHLO client.example.org");
        }

        /** EHLO, MAIL, RCPT to a local user: a transaction ready for DATA. */
        Builder transaction() {
            return ehlo().cmd("MAIL FROM:<alice@example.org>").cmd("RCPT TO:<postmaster@mx.example.test>");
        }

        Builder steps(List<Step> more) {
            steps.addAll(more);
            return this;
        }

        Dialogue build() {
            return new Dialogue(name, variant, client, List.copyOf(steps));
        }
    }
}
