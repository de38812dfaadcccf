// SPDX-License-Identifier: Apache-2.0
package org.postern.differential;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * Every probe command in every session state: each dialogue brings a session into a state, sends
 * one probe, then shows the state the probe left behind (a RCPT needs a MAIL, a NOOP is always
 * fine) and quits.
 */
final class GeneratedDialogues {

    private GeneratedDialogues() {
    }

    private static Map<String, UnaryOperator<Dialogue.Builder>> states() {
        Map<String, UnaryOperator<Dialogue.Builder>> s = new LinkedHashMap<>();
        s.put("fresh", b -> b);
        s.put("helo", b -> b.cmd("HELO client.example.org"));
        s.put("ehlo", Dialogue.Builder::ehlo);
        s.put("mail", b -> b.ehlo().cmd("MAIL FROM:<alice@example.org>"));
        s.put("rcpt", Dialogue.Builder::transaction);
        s.put("rcpt-refused", b -> b.ehlo().cmd("MAIL FROM:<alice@example.org>")
                .cmd("RCPT TO:<nosuchuser@mx.example.test>"));
        s.put("rset", b -> b.transaction().cmd("RSET"));
        s.put("after-data", b -> b.transaction().cmd("DATA").data("Subject: one", "", "body"));
        s.put("after-error", b -> b.ehlo().cmd("XYZZY"));
        s.put("bdat-open", b -> b.transaction().bdat("Subject: chunk\r\n", false));
        s.put("after-bdat", b -> b.transaction().bdat("Subject: chunk\r\n\r\nbody\r\n", true));
        return s;
    }

    private static Map<String, UnaryOperator<Dialogue.Builder>> probes() {
        Map<String, UnaryOperator<Dialogue.Builder>> p = new LinkedHashMap<>();
        for (String command : List.of("EHLO client.example.org", "HELO client.example.org", "EHLO", "HELO",
                "MAIL FROM:<bob@example.org>", "MAIL FROM:<>", "MAIL", "RCPT TO:<postmaster@mx.example.test>",
                "RCPT TO:<postmaster>", "RCPT", "RSET", "RSET now", "NOOP", "NOOP extra words",
                "VRFY postmaster", "EXPN postmaster", "HELP", "ETRN example.test", "STARTTLS", "AUTH PLAIN",
                "XYZZY", "", "mail from:<carol@example.org>", "BDAT 0 LAST", "BDAT")) {
            p.put(command.isEmpty() ? "(empty line)" : command, b -> b.cmd(command));
        }
        p.put("DATA+message", b -> b.cmd("DATA").data("Subject: probe", "", "text"));
        p.put("BDAT 9 LAST+chunk", b -> b.bdat("Subject:x", true));
        p.put("QUIT", b -> b.cmd("QUIT"));
        return p;
    }

    static List<Dialogue> all() {
        List<Dialogue> list = new ArrayList<>();
        states().forEach((state, into) -> probes().forEach((probe, send) -> {
            Dialogue.Builder b = Dialogue.named("state " + state + ", probe " + probe);
            send.apply(into.apply(b)).cmd("RCPT TO:<postmaster@mx.example.test>").cmd("NOOP").cmd("QUIT");
            list.add(b.build());
        }));
        return list;
    }
}
