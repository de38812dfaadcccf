// SPDX-License-Identifier: Apache-2.0
package org.postern.core.smtpd.codec;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.EnumSet;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.postern.api.delivery.Recipient.DsnNotify;

class SmtpCommandParserTest {

    private static SmtpRequest parse(String line) {
        return SmtpCommandParser.parse(line);
    }

    // RFC 5321 section 4.1.2: Reverse-path / Forward-path syntax; RFC 6531 section 3.3 for UTF-8.
    // Columns: command line | address as returned ('' = null sender)
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "MAIL FROM:<user@example.com>              | user@example.com",
        "mail from:<user@example.com>              | user@example.com",
        "MAIL FROM: <user@example.com>             | user@example.com",   // Postfix accepts a space
        "MAIL FROM:<>                              | ''",                 // 4.5.5 null reverse-path
        "MAIL FROM:user@example.com                | user@example.com",   // strict_rfc821_envelopes=no
        "MAIL FROM:<@relay.example,@b.example:u@example.com> | u@example.com", // 4.1.2 A-d-l, ignored
        "MAIL FROM:<\"john smith\"@example.com>    | \"john smith\"@example.com", // Quoted-string
        "MAIL FROM:<\"a\\\"b\"@example.com>         | \"a\\\"b\"@example.com",    // quoted-pairSMTP
        "MAIL FROM:<first.last+tag@sub.example.com> | first.last+tag@sub.example.com",
        "MAIL FROM:<u@[192.0.2.1]>                 | u@[192.0.2.1]",        // 4.1.3 IPv4 literal
        "MAIL FROM:<u@[IPv6:2001:db8::1]>          | u@[IPv6:2001:db8::1]", // 4.1.3 IPv6 literal
        "MAIL FROM:<postmaster>                    | postmaster",           // unqualified, as Postfix
        "MAIL FROM:<user@example.com.>             | user@example.com",     // trailing dot dropped, as Postfix
        "MAIL FROM:<\"postmaster\"@example.com>     | postmaster@example.com", // needless quotes dropped
        "  MAIL FROM:<user@example.com>            | user@example.com",     // leading white space
        "MAIL FROM:<用户@例子.广告> SMTPUTF8          | 用户@例子.广告",          // RFC 6531 3.3
    })
    void mailShouldAcceptValidReversePaths(String line, String address) {
        SmtpRequest r = parse(line.strip());
        assertThat(r).isInstanceOf(SmtpRequest.Mail.class);
        assertThat(((SmtpRequest.Mail) r).sender()).isEqualTo(address.strip());
    }

    // RFC 5321 section 4.1.2 violations. Columns: command line | expected reply
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "MAIL FROM:<user@example.com             | 501 5.1.7 Bad sender address syntax",
        "MAIL FROM:<user@@example.com>           | 501 5.1.7 Bad sender address syntax",
        "MAIL FROM:<user.@example.com>           | 501 5.1.7 Bad sender address syntax", // Dot-string
        "MAIL FROM:<.user@example.com>           | 501 5.1.7 Bad sender address syntax",
        "MAIL FROM:<user@-example.com>           | 501 5.1.7 Bad sender address syntax", // Let-dig
        "MAIL FROM:<user@example-.com>           | 501 5.1.7 Bad sender address syntax",
        "MAIL FROM:<user@example.com>SIZE=1      | 501 5.1.7 Bad sender address syntax", // Postfix: not a path
        "MAIL FROM:<user@example.com>>           | 501 5.1.7 Bad sender address syntax",
        "MAIL FROM:<user@example..com>           | 501 5.1.7 Bad sender address syntax",
        "MAIL FROM:<user@exa_mple.com>           | 501 5.1.7 Bad sender address syntax",
        "MAIL FROM:<\"unterminated@example.com>  | 501 5.1.7 Bad sender address syntax",
        "MAIL FROM:<u@[300.1.1.1]>               | 501 5.1.7 Bad sender address syntax", // 4.1.3
        "MAIL FROM:<u@[IPv6:zz::1]>              | 501 5.1.7 Bad sender address syntax",
        "MAIL FROM:<a b@example.com>             | 501 5.1.7 Bad sender address syntax",
        "MAIL FROM:<@relay.example u@example.com> | 501 5.1.7 Bad sender address syntax",
        "MAIL FROM:                              | 501 5.5.4 Syntax: MAIL FROM:<address>",
        "MAIL TO:<a@b>                           | 501 5.5.4 Syntax: MAIL FROM:<address>",
        "MAIL                                    | 501 5.5.4 Syntax: MAIL FROM:<address>",
        "RCPT TO:<>                              | 501 5.1.3 Bad recipient address syntax", // 4.1.1.3
        "RCPT TO:<a@b..c>                        | 501 5.1.3 Bad recipient address syntax",
        "RCPT FROM:<a@b>                         | 501 5.5.4 Syntax: RCPT TO:<address>",
    })
    void badPathsShouldGetPostfixReplies(String line, String reply) {
        SmtpRequest r = parse(line.strip());
        assertThat(r).isInstanceOf(SmtpRequest.Invalid.class);
        assertThat(((SmtpRequest.Invalid) r).reply()).hasToString(reply);
    }

    // ESMTP parameters: RFC 1870 (SIZE), RFC 6152 (BODY), RFC 3461 section 4 (RET, ENVID, NOTIFY, ORCPT),
    // RFC 6531 (SMTPUTF8). Columns: command line | expected reply
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "MAIL FROM:<a@b> SIZE=abc             | 501 5.5.4 Bad message size syntax",
        "MAIL FROM:<a@b> SIZE=                | 501 5.5.4 Bad message size syntax",
        "MAIL FROM:<a@b> BODY=BINARYMIME      | 555 5.5.4 Unsupported option: BODY=BINARYMIME",
        "MAIL FROM:<a@b> RET=ALL              | 501 5.5.4 Bad RET parameter syntax",
        "MAIL FROM:<a@b> RET=FULL RET=HDRS    | 501 5.5.4 Bad RET parameter syntax",
        "MAIL FROM:<a@b> ENVID=a+2             | 501 5.5.4 Bad ENVID parameter syntax",
        "MAIL FROM:<a@b> ENVID=a+ZZb           | 501 5.5.4 Bad ENVID parameter syntax",
        "MAIL FROM:<a@b> AUTH=<> AUTH=<>       | 503 5.5.4 Error: multiple AUTH= options",
        "MAIL FROM:<a@b> FOO                   | 555 5.5.4 Unsupported option: FOO",
        "RCPT TO:<a@b> NOTIFY=NEVER,SUCCESS    | 501 5.5.4 Error: Bad NOTIFY parameter syntax",
        "RCPT TO:<a@b> NOTIFY=SOMETIMES        | 501 5.5.4 Error: Bad NOTIFY parameter syntax",
        "RCPT TO:<a@b> NOTIFY=DELAY,DELAY      | 501 5.5.4 Error: Bad NOTIFY parameter syntax",
        "RCPT TO:<a@b> ORCPT=rfc822            | 501 5.5.4 Error: Bad ORCPT parameter syntax",
        "RCPT TO:<a@b> ORCPT=rfc822;a+4           | 501 5.5.4 Error: Bad ORCPT parameter syntax",
        "RCPT TO:<a@b> SIZE=10                 | 555 5.5.4 Unsupported option: SIZE=10",
    })
    void badParametersShouldGetPostfixReplies(String line, String reply) {
        SmtpRequest r = parse(line.strip());
        assertThat(r).isInstanceOf(SmtpRequest.Invalid.class);
        assertThat(((SmtpRequest.Invalid) r).reply()).hasToString(reply);
    }

    @Test
    void mailParametersShouldBeDecoded() {
        SmtpRequest.Mail m = (SmtpRequest.Mail) parse(
                "MAIL FROM:<a@b.example> size=1234 body=8bitmime RET=hdrs ENVID=QQ+2B+3Dx SMTPUTF8");
        assertThat(m.size()).isEqualTo(1234);
        assertThat(m.body()).isEqualTo("8BITMIME");
        assertThat(m.ret()).isEqualTo("HDRS");
        assertThat(m.envid()).isEqualTo("QQ+=x"); // RFC 3461 section 4: xtext "+2B" is '+'
        assertThat(m.smtputf8()).isTrue();
        assertThat(m.hasEsmtpParameters()).isTrue();
        // and kept as given, for the milters
        assertThat(m.parameters()).containsExactly("size=1234", "body=8bitmime", "RET=hdrs", "ENVID=QQ+2B+3Dx",
                "SMTPUTF8");
    }

    // RFC 4954 section 5: AUTH=<> or an xtext mailbox; a value that is not xtext is kept as given (Postfix).
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "MAIL FROM:<a@b> AUTH=<>                  | <>",
        "MAIL FROM:<a@b> AUTH=joe+2Bx@example.org | joe+x@example.org",
        "MAIL FROM:<a@b> auth=bad+ZZ              | bad+ZZ",
    })
    void mailAuthParameterShouldBeKept(String line, String auth) {
        SmtpRequest.Mail m = (SmtpRequest.Mail) parse(line.strip());
        assertThat(m.auth()).isEqualTo(auth);
    }

    @Test
    void rcptParametersShouldBeDecoded() {
        SmtpRequest.Rcpt r = (SmtpRequest.Rcpt) parse("RCPT TO:<x@y.example> NOTIFY=SUCCESS,failure "
                + "ORCPT=rfc822;x+2Btag@y.example");
        assertThat(r.notifyOn()).isEqualTo(EnumSet.of(DsnNotify.SUCCESS, DsnNotify.FAILURE));
        assertThat(r.orcpt()).isEqualTo("rfc822;x+tag@y.example");
        assertThat(r.parameters()).containsExactly("NOTIFY=SUCCESS,failure", "ORCPT=rfc822;x+2Btag@y.example");
        SmtpRequest.Rcpt never = (SmtpRequest.Rcpt) parse("RCPT TO:<x@y.example> NOTIFY=NEVER");
        assertThat(never.notifyOn()).containsExactly(DsnNotify.NEVER);
    }

    @Test
    void nonAsciiAddressShouldBeFlagged() {
        SmtpRequest.Rcpt r = (SmtpRequest.Rcpt) parse("RCPT TO:<grüße@example.de>");
        assertThat(r.nonAscii()).isTrue();
        assertThat(((SmtpRequest.Rcpt) parse("RCPT TO:<a@b>")).nonAscii()).isFalse();
    }

    // Columns: command line | expected request or reply (RFC 5321 section 4.1.1, RFC 3030 section 2)
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "EHLO client.example  | Helo[domain=client.example, extended=true]",
        "helo client.example  | Helo[domain=client.example, extended=false]",
        "EHLO                 | 501 Syntax: EHLO hostname",
        "HELO                 | 501 Syntax: HELO hostname",
        "DATA                 | Data[]",
        "DATA x               | 501 5.5.4 Syntax: DATA",
        "RSET                 | Rset[]",
        "RSET now             | 501 5.5.4 Syntax: RSET",
        "NOOP whatever        | Noop[]",
        "QUIT                 | Quit[]",
        "VRFY                 | 501 5.5.4 Syntax: VRFY address",
        "VRFY postmaster      | Vrfy[argument=postmaster]",
        "STARTTLS             | StartTls[]",
        "STARTTLS now         | 501 5.5.4 Syntax: STARTTLS",
        "BDAT 100             | Bdat[size=100, last=false]",
        "BDAT 0 LAST          | Bdat[size=0, last=true]",
        "BDAT 10 last         | Bdat[size=10, last=true]",
        "BDAT x               | 521 5.5.4 Syntax: BDAT count [LAST]",
        "BDAT 10 FIRST        | 521 5.5.4 Syntax: BDAT count [LAST]",
        "AUTH PLAIN           | Auth[arguments=[PLAIN]]",
        "AUTH PLAIN AGFAAGI=  | Auth[arguments=[PLAIN, AGFAAGI=]]",
        "AUTH                 | Auth[arguments=[]]",
        "ETRN example.com     | Etrn[arguments=[example.com]]",
        "XCLIENT ADDR=1.2.3.4 | Xclient[arguments=[ADDR=1.2.3.4]]",
        "XCLIENT              | Xclient[arguments=[]]",
        "xforward NAME=a.example  ADDR=192.0.2.1 | Xforward[arguments=[NAME=a.example, ADDR=192.0.2.1]]",
        // Unknown words: the session asks smtpd_forbidden_commands (GET, "." and "123" are listed by default).
        "GET / HTTP/1.0       | Unknown[command=GET, line=GET / HTTP/1.0]",
        ".                    | Unknown[command=., line=.]",
        "123 go               | Unknown[command=123, line=123 go]",
        "[1, 2]               | Unknown[command=[1,, line=[1, 2]]",
        "{\"a\":1}            | Forbidden[line={\"a\":1}]",   // a "header": Postfix's is_header() says so too
        "Subject: hello       | Forbidden[line=Subject: hello]", // a header sent as a command
        "X-Foo:bar            | Forbidden[line=X-Foo:bar]",
        "HELP                 | Unknown[command=HELP, line=HELP]",
        "EXPN list            | Unknown[command=EXPN, line=EXPN list]",
    })
    void commandsShouldParse(String line, String expected) {
        SmtpRequest r = parse(line.strip());
        String actual = r instanceof SmtpRequest.Invalid ? ((SmtpRequest.Invalid) r).reply().toString() : r.toString();
        assertThat(actual).isEqualTo(expected.strip());
    }

    // RFC 1035 section 2.3.4: 63 octets a label; Postfix's valid_hostname() refuses longer ones.
    @Test
    void domainLabelsShouldBeAtMost63Octets() {
        assertThat(parse("MAIL FROM:<u@" + "d".repeat(63) + ".example>")).isInstanceOf(SmtpRequest.Mail.class);
        assertThat(((SmtpRequest.Invalid) parse("MAIL FROM:<u@" + "d".repeat(64) + ".example>")).reply())
                .hasToString("501 5.1.7 Bad sender address syntax");
    }

    @Test
    void emptyLineShouldBeBadSyntax() {
        assertThat(((SmtpRequest.Invalid) parse("")).reply()).hasToString("500 5.5.2 Error: bad syntax");
    }

    @Test
    void xtextShouldRoundTrip() {
        assertThat(Xtext.decode(Xtext.encode("a+b=c d"))).isEqualTo("a+b=c d");
        assertThat(Xtext.decode("a+")).isNull();
    }
}
