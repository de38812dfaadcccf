// SPDX-License-Identifier: Apache-2.0
package org.postern.differential;

import java.util.ArrayList;
import java.util.List;

/**
 * Cases written by hand: syntax, address forms, relay, pipelining, BDAT, limits, restrictions,
 * bare LF, milter replies.
 */
final class HandWrittenDialogues {

    private final List<Dialogue> list = new ArrayList<>();

    private HandWrittenDialogues() {
    }

    static List<Dialogue> all() {
        HandWrittenDialogues h = new HandWrittenDialogues();
        h.mailSyntax();
        h.rcptSyntax();
        h.heloSyntax();
        h.relay();
        h.pipelining();
        h.bdat();
        h.limits();
        h.access();
        h.clientClass();
        h.delayReject();
        h.strict();
        h.bareNewlines();
        h.smtputf8();
        h.ehloKeywords();
        h.milters();
        return h.list;
    }

    private void add(Dialogue.Builder b) {
        list.add(b.build());
    }

    /** EHLO, MAIL with {@code from}, then a good RCPT and RSET to show the state. */
    private void mail(String variant, String from) {
        add(Dialogue.named("MAIL " + from).variant(variant).ehlo().utf8("MAIL FROM:" + from)
                .cmd("RCPT TO:<postmaster@mx.example.test>").cmd("RSET").cmd("QUIT"));
    }

    /** EHLO, a good MAIL, then RCPT with {@code to}. */
    private void rcpt(String variant, String to) {
        add(Dialogue.named("RCPT " + to).variant(variant).ehlo().cmd("MAIL FROM:<alice@example.org>")
                .utf8("RCPT TO:" + to).cmd("DATA").data("Subject: t", "", "x").cmd("QUIT"));
    }

    private void mailSyntax() {
        for (String from : List.of("<alice@example.org>", " <alice@example.org>", "alice@example.org",
                "<alice@example.org", "alice@example.org>", "<alice@example.org> SIZE=1000",
                "<alice@example.org> SIZE=99999999999", "<alice@example.org> SIZE=abc", "<alice@example.org> SIZE",
                "<alice@example.org> SIZE=1000 SIZE=2000", "<alice@example.org> BODY=8BITMIME",
                "<alice@example.org> BODY=7BIT", "<alice@example.org> BODY=BINARYMIME", "<alice@example.org> BODY=FOO",
                "<alice@example.org> FOO=bar", "<alice@example.org> FOO", "<alice@example.org> RET=HDRS ENVID=abc",
                "<alice@example.org> RET=FULL", "<alice@example.org> RET=BOGUS", "<alice@example.org> RET=HDRS RET=FULL",
                "<alice@example.org> ENVID=a+2Bb", "<alice@example.org> ENVID=", "<alice@example.org> SMTPUTF8",
                "<alice@example.org> SMTPUTF8=yes", "<alice@example.org> AUTH=<>", "<alice@example.org> AUTH=x@y",
                "<alice@example.org>  SIZE=10", "<alice@example.org>SIZE=10", "<@route.example:alice@example.org>",
                "<@a.example,@b.example:alice@example.org>", "<\"quoted local\"@example.org>",
                "<\"quoted\\\"escape\"@example.org>", "<alice@[127.0.0.1]>", "<alice@[IPv6:::1]>",
                "<alice@[300.1.1.1]>", "<alice@[IPv6:zz]>", "<alice@[bogus]>", "<alice>", "<alice@>", "<@example.org>",
                "<a b@example.org>", "<alice@@example.org>", "<alice@example..org>", "<alice@.example.org>",
                "<alice@example.org.>", "<>", "<> SIZE=100", "<postmaster>", "<MAILER-DAEMON>",
                "<ålice@example.org>", "<ålice@example.org> SMTPUTF8", "<alice@exämple.org> SMTPUTF8",
                "<alice@example.org> BODY=8BITMIME SMTPUTF8", "<" + "l".repeat(64) + "@example.org>",
                "<" + "l".repeat(65) + "@example.org>", "<alice@" + "d".repeat(250) + ".org>")) {
            mail("default", from);
        }
        add(Dialogue.named("MAIL with a Latin-1 byte").ehlo().raw("MAIL FROM:<\u00e5@example.org>",
                "MAIL FROM:<\u00e5@example.org>\r\n", 1).cmd("RSET").cmd("QUIT"));
        add(Dialogue.named("MAIL TO instead of FROM").ehlo().cmd("MAIL TO:<alice@example.org>").cmd("QUIT"));
        add(Dialogue.named("MAIL FROM without colon").ehlo().cmd("MAIL FROM <alice@example.org>").cmd("QUIT"));
        add(Dialogue.named("nested MAIL").ehlo().cmd("MAIL FROM:<alice@example.org>")
                .cmd("MAIL FROM:<bob@example.org>").cmd("QUIT"));
        add(Dialogue.named("MAIL before EHLO").cmd("MAIL FROM:<alice@example.org>").cmd("QUIT"));
        add(Dialogue.named("lower-case verbs").cmd("ehlo client.example.org").cmd("mail from:<alice@example.org>")
                .cmd("rcpt to:<postmaster@mx.example.test>").cmd("data").data("Subject: lc", "", "x").cmd("quit"));
        add(Dialogue.named("mixed-case verbs and keywords").cmd("EhLo client.example.org")
                .cmd("MaIl FrOm:<alice@example.org> size=10 body=8bitmime")
                .cmd("RcPt To:<postmaster@mx.example.test> notify=never").cmd("QUIT"));
    }

    private void rcptSyntax() {
        for (String to : List.of("<postmaster>", "<POSTMASTER>", "<PostMaster@MX.Example.Test>", "<postmaster@mx.example.test>",
                "<postmaster@localhost>", "<postmaster@localhost.example.test>", "<MAILER-DAEMON@mx.example.test>",
                "<double-bounce@mx.example.test>", "<nosuchuser@mx.example.test>", "<root@mx.example.test>",
                "<root>", "<alice@elsewhere.example>", "<@a.example,@b.example:postmaster@mx.example.test>",
                "<postmaster@[127.0.0.1]>", "<postmaster@[127.0.0.9]>", "<postmaster@[IPv6:::1]>",
                "<\"post master\"@mx.example.test>", "<\"postmaster\"@mx.example.test>",
                "<postmaster@mx.example.test> NOTIFY=SUCCESS,FAILURE ORCPT=rfc822;x@example.org",
                "<postmaster@mx.example.test> NOTIFY=NEVER", "<postmaster@mx.example.test> NOTIFY=NEVER,SUCCESS",
                "<postmaster@mx.example.test> NOTIFY=BOGUS", "<postmaster@mx.example.test> NOTIFY=",
                "<postmaster@mx.example.test> ORCPT=bogus", "<postmaster@mx.example.test> ORCPT=rfc822;a+2Bb@x",
                "<postmaster@mx.example.test> ORCPT=utf-8;x@example.org",
                "<postmaster@mx.example.test> FOO=1", "<postmaster@mx.example.test> SIZE=10", "<>",
                "postmaster@mx.example.test", " <postmaster@mx.example.test>", "<postmaster@mx.example.test",
                "<postmaster@mx.example.test>>", "<postmaster@mx.example.test.>", "<user+ext@mx.example.test>",
                "<alice@elsewhere.example> NOTIFY=DELAY", "<%postmaster@mx.example.test>",
                "<postmaster%elsewhere.example@mx.example.test>", "<elsewhere.example!postmaster@mx.example.test>",
                "<pöstmaster@mx.example.test>", "<x@>", "<@>", "<%nosuchuser@mx.example.test>",
                "<x%nosuchuser@mx.example.test>", "<nosuchuser%mx.example.test@mx.example.test>",
                "<postmaster%@mx.example.test>", "<mx.example.test!postmaster@mx.example.test>",
                "<!postmaster@mx.example.test>")) {
            rcpt("default", to);
        }
        add(Dialogue.named("RCPT before MAIL").ehlo().cmd("RCPT TO:<postmaster@mx.example.test>").cmd("QUIT"));
        add(Dialogue.named("RCPT FROM instead of TO").ehlo().cmd("MAIL FROM:<alice@example.org>")
                .cmd("RCPT FROM:<postmaster@mx.example.test>").cmd("QUIT"));
        add(Dialogue.named("DATA without RCPT").ehlo().cmd("MAIL FROM:<alice@example.org>").cmd("DATA")
                .data("Subject: x").cmd("QUIT"));
        add(Dialogue.named("DATA with arguments").transaction().cmd("DATA now").cmd("QUIT"));
        add(Dialogue.named("DATA after only refused recipients").ehlo().cmd("MAIL FROM:<alice@example.org>")
                .cmd("RCPT TO:<nosuchuser@mx.example.test>").cmd("DATA").data("Subject: x").cmd("QUIT"));
        add(Dialogue.named("two messages in one session").transaction().cmd("DATA").data("Subject: 1", "", "a")
                .cmd("MAIL FROM:<bob@example.org>").cmd("RCPT TO:<postmaster@mx.example.test>").cmd("DATA")
                .data("Subject: 2", "", "b").cmd("QUIT"));
        add(Dialogue.named("dot-stuffed message").transaction().cmd("DATA")
                .data("Subject: dots", "", "..leading dot", ".", "x").cmd("QUIT"));
        add(Dialogue.named("empty message").transaction().cmd("DATA").data().cmd("QUIT"));
        add(Dialogue.named("message without header/body separator").transaction().cmd("DATA")
                .data("just a body line").cmd("QUIT"));
    }

    private void heloSyntax() {
        for (String helo : List.of("HELO", "HELO client.example.org", "HELO [127.0.0.1]", "HELO [IPv6:::1]",
                "HELO 127.0.0.1", "HELO a b", "HELO bad_name!", "EHLO", "EHLO [127.0.0.1]", "EHLO two words",
                "EHLO " + "h".repeat(300), "EHLO client.example.org.", "EHLO -leading.example", "HELO hôst.example")) {
            add(Dialogue.named(helo).utf8(helo).cmd("MAIL FROM:<alice@example.org>").cmd("QUIT"));
            add(Dialogue.named(helo).variant("strict").utf8(helo).cmd("MAIL FROM:<alice@example.org>")
                    .cmd("RCPT TO:<postmaster@mx.example.test>").cmd("QUIT"));
        }
        add(Dialogue.named("EHLO twice").ehlo().cmd("MAIL FROM:<alice@example.org>").ehlo()
                .cmd("RCPT TO:<postmaster@mx.example.test>").cmd("QUIT"));
        add(Dialogue.named("HELO then EHLO").cmd("HELO a.example").ehlo().cmd("QUIT"));
    }

    private void relay() {
        for (String to : List.of("<alice@elsewhere.example>", "<postmaster@mx.example.test>", "<postmaster>",
                "<nosuchuser@mx.example.test>", "<postmaster@[127.0.0.1]>", "<alice@elsewhere.example> NOTIFY=NEVER",
                "<postmaster@elsewhere.example>", "<alice%elsewhere.example@mx.example.test>",
                "<alice@elsewhere.example@mx.example.test>", "<@mx.example.test:alice@elsewhere.example>")) {
            add(Dialogue.named("outsider RCPT " + to).outsider().ehlo().cmd("MAIL FROM:<alice@example.org>")
                    .cmd("RCPT TO:" + to).cmd("DATA").data("Subject: r", "", "x").cmd("QUIT"));
        }
        add(Dialogue.named("outsider MAIL FROM<> to postmaster").outsider().ehlo().cmd("MAIL FROM:<>")
                .cmd("RCPT TO:<postmaster@mx.example.test>").cmd("QUIT"));
        add(Dialogue.named("outsider VRFY").outsider().ehlo().cmd("VRFY postmaster").cmd("VRFY nosuchuser")
                .cmd("VRFY <alice@elsewhere.example>").cmd("QUIT"));
    }

    private void pipelining() {
        add(Dialogue.named("pipelined transaction").pipelined("EHLO client.example.org", "MAIL FROM:<alice@example.org>",
                "RCPT TO:<postmaster@mx.example.test>", "DATA").data("Subject: p", "", "x").cmd("QUIT"));
        add(Dialogue.named("pipelined, bad recipient in the middle").ehlo().pipelined("MAIL FROM:<alice@example.org>",
                "RCPT TO:<nosuchuser@mx.example.test>", "RCPT TO:<postmaster@mx.example.test>", "DATA")
                .data("Subject: p", "", "x").cmd("QUIT"));
        add(Dialogue.named("pipelined, only bad recipients then DATA").ehlo().pipelined(
                "MAIL FROM:<alice@example.org>", "RCPT TO:<nosuchuser@mx.example.test>", "DATA")
                .data("Subject: p").cmd("QUIT"));
        add(Dialogue.named("pipelined, bad MAIL then RCPT and DATA").ehlo().pipelined("MAIL FROM:<alice@example.org",
                "RCPT TO:<postmaster@mx.example.test>", "DATA").cmd("QUIT"));
        add(Dialogue.named("pipelined after HELO").cmd("HELO client.example.org").pipelined(
                "MAIL FROM:<alice@example.org>", "RCPT TO:<postmaster@mx.example.test>", "DATA")
                .data("Subject: p").cmd("QUIT"));
        add(Dialogue.named("pipelined RSET NOOP QUIT").transaction().pipelined("RSET", "NOOP", "QUIT"));
        add(Dialogue.named("pipelined with message text").transaction().raw("DATA+text in one write",
                "DATA\r\nSubject: x\r\n\r\nbody\r\n.\r\nQUIT\r\n", 3));
        add(Dialogue.named("commands sent before the greeting").raw("EHLO early",
                "EHLO client.example.org\r\n", 1).cmd("QUIT"));
        for (String variant : List.of("unauth-pipelining")) {
            add(Dialogue.named("pipelined after EHLO").variant(variant).ehlo().pipelined("MAIL FROM:<alice@example.org>",
                    "RCPT TO:<postmaster@mx.example.test>", "DATA").data("Subject: p").cmd("QUIT"));
            add(Dialogue.named("pipelined after HELO").variant(variant).cmd("HELO client.example.org").pipelined(
                    "MAIL FROM:<alice@example.org>", "RCPT TO:<postmaster@mx.example.test>", "DATA")
                    .data("Subject: p").cmd("QUIT"));
            add(Dialogue.named("DATA pipelined with its text").variant(variant).transaction().raw("DATA+text",
                    "DATA\r\nSubject: x\r\n\r\nbody\r\n.\r\n", 2).cmd("QUIT"));
            add(Dialogue.named("lock-step").variant(variant).transaction().cmd("DATA").data("Subject: s").cmd("QUIT"));
        }
    }

    private void bdat() {
        add(Dialogue.named("BDAT in two chunks").transaction().bdat("Subject: two\r\n", false)
                .bdat("\r\nbody\r\n", true).cmd("QUIT"));
        add(Dialogue.named("BDAT then BDAT 0 LAST").transaction().bdat("Subject: z\r\n\r\nx\r\n", false)
                .cmd("BDAT 0 LAST").cmd("QUIT"));
        add(Dialogue.named("BDAT without MAIL").ehlo().bdat("Subject: x\r\n", true).cmd("NOOP").cmd("QUIT"));
        add(Dialogue.named("BDAT without RCPT").ehlo().cmd("MAIL FROM:<alice@example.org>")
                .bdat("Subject: x\r\n", true).cmd("NOOP").cmd("QUIT"));
        for (String bad : List.of("BDAT x", "BDAT -1", "BDAT 5 LATE", "BDAT 5 LAST extra", "BDAT 1.5",
                "BDAT 99999999999999999999")) {
            add(Dialogue.named(bad).transaction().cmd(bad).cmd("RSET").cmd("QUIT"));
        }
        add(Dialogue.named("DATA after a BDAT chunk").transaction().bdat("Subject: x\r\n", false).cmd("DATA")
                .cmd("BDAT 0 LAST").cmd("QUIT"));
        add(Dialogue.named("RSET after a BDAT chunk").transaction().bdat("Subject: x\r\n", false).cmd("RSET")
                .cmd("BDAT 0 LAST").cmd("QUIT"));
        add(Dialogue.named("MAIL after a BDAT chunk").transaction().bdat("Subject: x\r\n", false)
                .cmd("MAIL FROM:<bob@example.org>").cmd("QUIT"));
        add(Dialogue.named("BDAT after HELO").cmd("HELO client.example.org").cmd("MAIL FROM:<alice@example.org>")
                .cmd("RCPT TO:<postmaster@mx.example.test>").bdat("Subject: h\r\n", true).cmd("QUIT"));
        add(Dialogue.named("BDAT with bare LF in a chunk").transaction().bdat("Subject: x\n\nbody\n", true)
                .cmd("QUIT"));
        add(Dialogue.named("BDAT chunk over the size limit").variant("limits").transaction()
                .bdat("x".repeat(2100), true).cmd("RSET").cmd("QUIT"));
        add(Dialogue.named("BDAT chunks adding up over the size limit").variant("limits").transaction()
                .bdat("a".repeat(1500), false).bdat("b".repeat(1500), true).cmd("NOOP").cmd("QUIT"));
        add(Dialogue.named("BDAT after refused recipients only").ehlo().cmd("MAIL FROM:<alice@example.org>")
                .cmd("RCPT TO:<nosuchuser@mx.example.test>").bdat("Subject: x\r\n", true).cmd("QUIT"));
        add(Dialogue.named("BDAT not offered").variant("no-chunking").transaction().bdat("Subject: x\r\n", true)
                .cmd("QUIT"));
    }

    private void limits() {
        for (int length : List.of(2046, 2047, 2048, 2049, 4000)) {
            String local = "l".repeat(length - "MAIL FROM:<@example.org>".length());
            add(Dialogue.named("MAIL line of " + length + " bytes").ehlo().cmd("MAIL FROM:<" + local + "@example.org>")
                    .cmd("NOOP").cmd("QUIT"));
            add(Dialogue.named("NOOP line of " + length + " bytes").ehlo().cmd("NOOP " + "n".repeat(length - 5))
                    .cmd("NOOP").cmd("QUIT"));
        }
        add(Dialogue.named("message line over 2048 bytes").transaction().cmd("DATA")
                .data("Subject: long", "", "b".repeat(5000)).cmd("QUIT"));
        add(Dialogue.named("recipient limit").variant("limits").ehlo().cmd("MAIL FROM:<alice@example.org>")
                .cmd("RCPT TO:<postmaster@mx.example.test>").cmd("RCPT TO:<postmaster@mx.example.test>")
                .cmd("RCPT TO:<postmaster@mx.example.test>").cmd("RCPT TO:<postmaster@mx.example.test>")
                .cmd("RCPT TO:<postmaster@mx.example.test>").cmd("DATA").data("Subject: many").cmd("QUIT"));
        add(Dialogue.named("MAIL SIZE over the limit").variant("limits").ehlo()
                .cmd("MAIL FROM:<alice@example.org> SIZE=2001").cmd("MAIL FROM:<alice@example.org> SIZE=2000")
                .cmd("QUIT"));
        add(Dialogue.named("message over the size limit").variant("limits").transaction().cmd("DATA")
                .data("Subject: big", "", "x".repeat(700), "y".repeat(700), "z".repeat(700)).cmd("NOOP").cmd("QUIT"));
        add(Dialogue.named("content just under message_size_limit").variant("limits").transaction().cmd("DATA")
                .data("Subject: " + "h".repeat(900), "X-Other: " + "o".repeat(500), "", "body").cmd("QUIT"));
        add(Dialogue.named("header over header_size_limit").variant("header-limit").transaction().cmd("DATA")
                .data("Subject: " + "h".repeat(900), "X-Other: " + "o".repeat(500), "", "body").cmd("QUIT"));
        add(Dialogue.named("one header line over header_size_limit").variant("header-limit").transaction()
                .cmd("DATA").data("Subject: " + "h".repeat(3000), "", "body").cmd("QUIT"));
        add(Dialogue.named("EHLO advertises SIZE limit").variant("limits").ehlo().cmd("QUIT"));
        Dialogue.Builder errors = Dialogue.named("errors until the hard limit").variant("limits").ehlo();
        for (int i = 0; i < 6; i++) {
            errors.cmd("XYZZY " + i);
        }
        add(errors.cmd("QUIT"));
        Dialogue.Builder refusals = Dialogue.named("refused recipients count as errors").variant("limits").ehlo()
                .cmd("MAIL FROM:<alice@example.org>");
        for (int i = 0; i < 6; i++) {
            refusals.cmd("RCPT TO:<nosuchuser" + i + "@mx.example.test>");
        }
        add(refusals.cmd("QUIT"));
        Dialogue.Builder mixed = Dialogue.named("errors and good commands").variant("limits").ehlo();
        for (int i = 0; i < 4; i++) {
            mixed.cmd("XYZZY").cmd("NOOP");
        }
        add(mixed.cmd("QUIT"));
        Dialogue.Builder junk = Dialogue.named("many NOOPs").ehlo();
        for (int i = 0; i < 30; i++) {
            junk.cmd("NOOP");
        }
        add(junk.cmd("QUIT"));
        Dialogue.Builder defaults = Dialogue.named("errors up to the default hard limit").ehlo();
        for (int i = 0; i < 22; i++) {
            defaults.cmd("BOGUS");
        }
        add(defaults.cmd("QUIT"));
    }

    private void access() {
        for (String from : List.of("reject", "defer", "text", "c550", "c450", "ok", "cls", "bad", "other")) {
            add(Dialogue.named("sender " + from).variant("access").ehlo()
                    .cmd("MAIL FROM:<" + from + "@example.org>").cmd("RCPT TO:<postmaster@mx.example.test>")
                    .cmd("RCPT TO:<someone>").cmd("QUIT"));
            add(Dialogue.named("outsider sender " + from).variant("access").outsider().ehlo()
                    .cmd("MAIL FROM:<" + from + "@example.org>").cmd("RCPT TO:<postmaster@mx.example.test>")
                    .cmd("RCPT TO:<alice@elsewhere.example>").cmd("QUIT"));
        }
        for (String to : List.of("reject", "defer", "discard", "hold", "dunno", "warn", "deferred", "c551",
                "number", "postmaster")) {
            add(Dialogue.named("recipient " + to).variant("access").ehlo().cmd("MAIL FROM:<alice@example.org>")
                    .cmd("RCPT TO:<" + to + "@mx.example.test>").cmd("RCPT TO:<postmaster@mx.example.test>")
                    .cmd("DATA").data("Subject: a", "", "x").cmd("QUIT"));
            add(Dialogue.named("outsider recipient " + to).variant("access").outsider().ehlo()
                    .cmd("MAIL FROM:<alice@example.org>").cmd("RCPT TO:<" + to + "@mx.example.test>").cmd("QUIT"));
        }
        for (String who : List.of("reject", "dunno", "postmaster", "nosuchuser")) {
            add(Dialogue.named("VRFY " + who).variant("access").ehlo().cmd("VRFY " + who + "@mx.example.test")
                    .cmd("VRFY <" + who + "@mx.example.test>").cmd("QUIT"));
            add(Dialogue.named("outsider VRFY " + who).variant("access").outsider().ehlo()
                    .cmd("VRFY " + who + "@mx.example.test").cmd("QUIT"));
        }
        add(Dialogue.named("recipient in a rejected domain").variant("access").ehlo()
                .cmd("MAIL FROM:<alice@example.org>").cmd("RCPT TO:<x@domain.test>").cmd("RCPT TO:<x@sub.domain.test>")
                .cmd("QUIT"));
    }

    /** A client name whose table result is a restriction class; the address has a result too. */
    private void clientClass() {
        for (String from : List.of("alice", "listed")) {
            add(Dialogue.named("client class, sender " + from).variant("client-class").ehlo()
                    .cmd("MAIL FROM:<" + from + "@example.org>").cmd("RCPT TO:<postmaster@mx.example.test>")
                    .cmd("QUIT"));
            add(Dialogue.named("outsider client class, sender " + from).variant("client-class").outsider().ehlo()
                    .cmd("MAIL FROM:<" + from + "@example.org>").cmd("RCPT TO:<postmaster@mx.example.test>")
                    .cmd("QUIT"));
        }
    }

    private void delayReject() {
        for (String variant : List.of("delay-reject-no", "delay-reject-yes")) {
            add(Dialogue.named("rejected client, full transaction").variant(variant).outsider().ehlo()
                    .cmd("MAIL FROM:<alice@example.org>").cmd("RCPT TO:<postmaster@mx.example.test>")
                    .cmd("DATA").data("Subject: d").cmd("QUIT"));
            add(Dialogue.named("rejected client, HELO and VRFY").variant(variant).outsider()
                    .cmd("HELO client.example.org").cmd("VRFY postmaster").cmd("NOOP").cmd("QUIT"));
            add(Dialogue.named("accepted client").variant(variant).transaction().cmd("DATA").data("Subject: d")
                    .cmd("QUIT"));
        }
    }

    /** What a filter's replies (differential-milter.py) and a filter that is down do to the dialogue. */
    private void milters() {
        add(Dialogue.named("accepted message").variant("milter").transaction().cmd("DATA")
                .data("Subject: hello", "", "body").cmd("QUIT"));
        for (String what : List.of("reject", "tempfail", "custom", "discard")) {
            add(Dialogue.named("MAIL mail-" + what).variant("milter").ehlo()
                    .cmd("MAIL FROM:<mail-" + what + "@example.org>").cmd("RCPT TO:<postmaster@mx.example.test>")
                    .cmd("DATA").data("Subject: m", "", "body").cmd("RSET").cmd("QUIT"));
            add(Dialogue.named("RCPT rcpt-" + what).variant("milter").ehlo().cmd("MAIL FROM:<alice@example.org>")
                    .cmd("RCPT TO:<rcpt-" + what + "@mx.example.test>").cmd("RCPT TO:<postmaster@mx.example.test>")
                    .cmd("DATA").data("Subject: r", "", "body").cmd("QUIT"));
            add(Dialogue.named("end of message eom-" + what).variant("milter").transaction().cmd("DATA")
                    .data("Subject: eom-" + what, "", "body").cmd("MAIL FROM:<alice@example.org>").cmd("QUIT"));
        }
        for (String variant : List.of("milter-connect-reject", "milter-connect-tempfail", "milter-helo-reject")) {
            add(Dialogue.named("session after the refusal").variant(variant).ehlo().cmd("MAIL FROM:<alice@example.org>")
                    .cmd("RCPT TO:<postmaster@mx.example.test>").cmd("RSET").cmd("NOOP").cmd("HELO again.example.org")
                    .cmd("MAIL FROM:<alice@example.org>").cmd("QUIT"));
        }
        for (String action : List.of("tempfail", "reject", "accept")) {
            add(Dialogue.named("filter down").variant("milter-down-" + action).transaction().cmd("DATA")
                    .data("Subject: down", "", "body").cmd("QUIT"));
        }
    }

    private void strict() {
        for (String from : List.of("<alice@example.org>", "<alice>", "<alice@localhost>", "alice@example.org",
                "<alice@example.org> SIZE=10", " <alice@example.org>", "<>")) {
            mail("strict", from);
        }
        for (String to : List.of("<postmaster>", "<postmaster@mx>", "<alice@elsewhere.example>",
                "postmaster@mx.example.test")) {
            rcpt("strict", to);
        }
        add(Dialogue.named("MAIL without HELO").variant("strict").cmd("MAIL FROM:<alice@example.org>")
                .cmd("HELO client.example.org").cmd("MAIL FROM:<alice@example.org>").cmd("QUIT"));
        add(Dialogue.named("VRFY disabled").variant("strict").ehlo().cmd("VRFY postmaster").cmd("QUIT"));
    }

    private void bareNewlines() {
        for (String variant : List.of("default", "bare-lf-reject", "bare-lf-excluded", "bare-lf-allowed",
                Variants.DEFAULTS)) {
            for (boolean outsider : List.of(false, true)) {
                Dialogue.Builder b = Dialogue.named("bare LF in DATA" + (outsider ? ", outsider" : ""))
                        .variant(variant);
                if (outsider) {
                    b.outsider();
                }
                add(b.transaction().cmd("DATA").dataRaw("text with bare LF",
                        "Subject: lf\r\n\r\nline one\nline two\r\n.\r\n").cmd("NOOP").cmd("QUIT"));
            }
            add(Dialogue.named("bare CR in DATA").variant(variant).transaction().cmd("DATA")
                    .dataRaw("text with bare CR", "Subject: cr\r\n\r\nline one\rline two\r\n.\r\n").cmd("QUIT"));
            add(Dialogue.named("LF.LF does not end DATA").variant(variant).transaction().cmd("DATA")
                    .dataRaw("smuggling attempt", "Subject: s\r\n\r\nx\n.\nMAIL FROM:<evil@example.org>\r\n.\r\n")
                    .cmd("NOOP").cmd("QUIT"));
            add(Dialogue.named("LF.LF does not end DATA, outsider").variant(variant).outsider().transaction()
                    .cmd("DATA").dataRaw("smuggling attempt",
                            "Subject: s\r\n\r\nx\n.\nMAIL FROM:<evil@example.org>\r\n.\r\n")
                    .cmd("NOOP").cmd("QUIT"));
            add(Dialogue.named("bare LF after a command").variant(variant).raw("EHLO with LF",
                    "EHLO client.example.org\n", 1).raw("NOOP with LF", "NOOP\n", 1).cmd("QUIT"));
        }
    }

    private void smtputf8() {
        for (String variant : List.of("default", "no-smtputf8")) {
            add(Dialogue.named("UTF-8 sender with SMTPUTF8").variant(variant).ehlo()
                    .utf8("MAIL FROM:<ålice@example.org> SMTPUTF8").utf8("RCPT TO:<pöstmaster@mx.example.test>")
                    .cmd("QUIT"));
            add(Dialogue.named("UTF-8 sender without SMTPUTF8").variant(variant).ehlo()
                    .utf8("MAIL FROM:<ålice@example.org>").cmd("QUIT"));
            add(Dialogue.named("EHLO lists SMTPUTF8").variant(variant).ehlo().cmd("QUIT"));
            add(Dialogue.named("SMTPUTF8 after HELO").variant(variant).cmd("HELO client.example.org")
                    .cmd("MAIL FROM:<alice@example.org> SMTPUTF8").cmd("QUIT"));
        }
    }

    private void ehloKeywords() {
        add(Dialogue.named("EHLO lists CHUNKING").variant("no-chunking").ehlo().cmd("QUIT"));
    }
}
