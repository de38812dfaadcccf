// SPDX-License-Identifier: Apache-2.0
package org.postern.differential;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The postconf corpus: main.cf files that exercise the configuration language, each queried
 * with -n, -nh, -nx, -nf and by name (plain, -x, -h, -d); master.cf files queried with -M,
 * -F, -P; the editing forms (-e, -X, -#, -Me, -Fe, -Pe, -MX, -PX, -M#) compared by the files
 * they leave; the informational forms (-m, -l, -a, -A); and bad command lines.
 */
final class PostconfCorpus {

    private static final String MASTER = """
            # the usual services
            smtp      inet  n       -       y       -       -       smtpd
            submission inet n       -       y       -       -       smtpd
              -o syslog_name=postfix/submission
              -o smtpd_tls_security_level=encrypt
            # inner comment
              -o smtpd_sasl_auth_enable=yes
            pickup    unix  n       -       y       60      1       pickup
            cleanup   unix  n       -       y       -       0       cleanup
            qmgr      unix  n       -       n       300     1       qmgr
            relay     unix  -       -       y       -       -       smtp
                -o smtp_helo_timeout=5 -o smtp_connect_timeout=5
            mailman   unix  -       n       n       -       -       pipe
              flags=FRX user=list argv=/usr/lib/mailman/bin/postfix-to-mailman.py ${nexthop} ${user}
            """;

    private static final Map<String, String> MAIN = new LinkedHashMap<>();

    static {
        MAIN.put("empty", "");
        MAIN.put("comments only", "# a comment\n\n   # indented comment\n");
        MAIN.put("plain settings", """
                myhostname = mx.example.com
                mydomain = example.com
                myorigin = $mydomain
                relayhost = [smtp.example.net]:587
                mynetworks = 127.0.0.0/8, [::1]/128
                message_size_limit = 20480000
                """);
        MAIN.put("macro expansion", """
                myhostname = mx.example.com
                a = 1
                b = $a$a${a}$(a)
                c = $$a and $$$a
                myorigin = $b-$c
                mydestination = $myhostname, localhost.$mydomain, ${a}x, $(b)y
                relay_domains = $mydestination
                """);
        MAIN.put("conditionals", """
                myhostname = mx.example.com
                set = yes
                empty =
                mydestination = ${set?{yes-branch}} ${set:no-branch} ${empty?x} ${empty:y} ${undef?z} ${undef:w}
                myorigin = ${set?{a, b}:{c}} ${empty?{a}:{c d}}
                relayhost = ${set?${empty:inner}}
                smtpd_banner = [${set?{{nested}}}]
                """);
        MAIN.put("relational operators", """
                myhostname = mx.example.com
                n = 10
                s = hello
                mydestination = ${{$n} == {10}?{eq}:{ne}} ${{$n} != {10}?{ne}:{eq}} ${{$n} < {9}?{lt}:{ge}}
                myorigin = ${{$n} <= {10}?{le}:{gt}} ${{$n} > {010}?{gt}:{le}} ${{$n} >= {11}?{ge}:{lt}}
                relayhost = ${{3.10} <level {3.9}?{lt}:{ge}} ${{3.10} < {3.9}?{lt}:{ge}} ${{$s}=={hello}?{y}:{n}}
                smtpd_banner = ${{ spaced } == {spaced}?{y}:{n}} ${{$s} == {HELLO}?{y}:{n}}
                """);
        MAIN.put("compatibility level 0", "compatibility_level = 0\nmyhostname = mx.example.com\n");
        MAIN.put("compatibility level 2", "compatibility_level = 2\nmyhostname = mx.example.com\n");
        MAIN.put("compatibility level 3.6", "compatibility_level = 3.6\nmyhostname = mx.example.com\n");
        MAIN.put("compatibility level 9999", "compatibility_level = 9999\nmyhostname = mx.example.com\n");
        MAIN.put("recursion", """
                myhostname = mx.example.com
                a = $b
                b = $c
                c = $a
                myorigin = $a
                """);
        MAIN.put("deep nesting", """
                myhostname = mx.example.com
                l1 = one
                l2 = $l1 $l1
                l3 = $l2 $l2
                l4 = $l3 $l3
                l5 = $l4 $l4
                myorigin = $l5
                """);
        MAIN.put("continuation lines", """
                myhostname = mx.example.com
                mydestination = a,
                    b,
                # comment inside
                \tc

                    d
                smtpd_recipient_restrictions =
                    permit_mynetworks,
                    reject_unauth_destination
                """);
        MAIN.put("brace at column 0", """
                myhostname = mx.example.com
                smtpd_recipient_restrictions = permit_mynetworks,
                    check_recipient_access inline:{
                      { a@example.com = OK },
                      { b@example.com = REJECT }
                }, reject_unauth_destination
                mydestination = {a b},
                  c
                """);
        MAIN.put("whitespace", "myhostname =   mx.example.com   \nmyorigin\t=\tx\t y  \nrelayhost=[a]\n"
                + "mydestination    =    a ,   b   ,c\n  \n\t\n");
        MAIN.put("bad syntax", """
                myhostname = mx.example.com
                this line has no equals sign
                = value without a name
                myorigin = fine
                """);
        MAIN.put("leading continuation", "   indented first line = x\nmyhostname = mx.example.com\n");
        MAIN.put("unknown and unused", """
                myhostname = mx.example.com
                unused_thing = value
                used_thing = value
                myorigin = $used_thing $undefined_thing
                smtpd_restriction_classes = my_class
                my_class = reject
                relay_destination_rate_delay = 1s
                """);
        MAIN.put("duplicates", """
                myhostname = first.example.com
                myorigin = one
                myhostname = second.example.com
                myorigin = two
                """);
        MAIN.put("crlf line endings", "myhostname = mx.example.com\r\nmyorigin = crlf.example\r\n"
                + "mydestination = a,\r\n  b\r\n");
        MAIN.put("time and size units", """
                myhostname = mx.example.com
                smtpd_timeout = 30s
                maximal_queue_lifetime = 5d
                delay_warning_time = 4h
                minimal_backoff_time = 300
                maximal_backoff_time = 1w
                smtpd_error_sleep_time = 500ms
                message_size_limit = 10240000
                mailbox_size_limit = 0
                """);
        MAIN.put("long values", "myhostname = mx.example.com\nmydestination = " + "a-rather-long-domain.example, "
                .repeat(8) + "last.example\nsmtpd_client_restrictions = permit_mynetworks,"
                + " check_client_access lmdb:/etc/postfix/a-very-long-table-name-that-keeps-going, reject\n");
        MAIN.put("bad values", "myhostname = mx.example.com\nsmtpd_timeout = 5x\nsmtpd_helo_required = maybe\n");
        MAIN.put("mixed case names", "MyHostname = mx.example.com\nmyhostname = real.example.com\n");
        MAIN.put("dollar edge cases", """
                myhostname = mx.example.com
                a = x
                myorigin = $ a ${ a } $a$ end$
                relayhost = ${a
                """);
    }

    private PostconfCorpus() {
    }

    static List<PostconfCase> all() {
        List<PostconfCase> cases = new ArrayList<>();
        MAIN.forEach((name, text) -> mainCfQueries(cases, name, text));
        masterQueries(cases);
        edits(cases);
        informational(cases);
        badCommandLines(cases);
        return cases;
    }

    private static final Pattern NAME = Pattern.compile("^\\s*([A-Za-z0-9_]+)\\s*=", Pattern.MULTILINE);

    private static void mainCfQueries(List<PostconfCase> cases, String corpus, String mainCf) {
        for (List<String> args : List.of(List.of("-n"), List.of("-nh"), List.of("-nx"), List.of("-nf"),
                List.of("-nH"))) {
            cases.add(new PostconfCase(corpus, mainCf, MASTER, args));
        }
        Set<String> names = new LinkedHashSet<>();
        Matcher m = NAME.matcher(mainCf.replace("\r", ""));
        while (m.find()) {
            names.add(m.group(1));
        }
        names.addAll(List.of("myorigin", "mydestination", "relay_domains"));
        for (String n : names) {
            cases.add(new PostconfCase(corpus, mainCf, MASTER, List.of(n)));
            cases.add(new PostconfCase(corpus, mainCf, MASTER, List.of("-x", n)));
            cases.add(new PostconfCase(corpus, mainCf, MASTER, List.of("-h", n)));
            cases.add(new PostconfCase(corpus, mainCf, MASTER, List.of("-d", n)));
        }
    }

    private static void masterQueries(List<PostconfCase> cases) {
        String main = "myhostname = mx.example.com\n";
        for (List<String> args : List.of(List.of("-M"), List.of("-Mf"), List.of("-F"), List.of("-P"),
                List.of("-M", "smtp/inet"), List.of("-M", "relay"), List.of("-M", "nosuch"),
                List.of("-M", "submission/inet", "pickup"), List.of("-F", "submission/inet/command"),
                List.of("-F", "*/unix/chroot"), List.of("-F", "relay/unix/bogus"), List.of("-P", "submission/inet"),
                List.of("-P", "*/*/smtpd_tls_security_level"), List.of("-P", "nosuch/inet"),
                List.of("-M", "-f", "mailman"), List.of("-P", "-h"), List.of("-P", "-H"), List.of("-P", "-x"),
                List.of("-F", "-h", "relay/unix/command"), List.of("-F", "-H", "smtp/inet"), List.of("-M", "-x"),
                List.of("-P", "-o", "smtp_helo_timeout=9", "relay/unix"), List.of("-M", "-H"),
                List.of("-P", "-f", "submission"))) {
            cases.add(new PostconfCase("master.cf", main, MASTER, args));
        }
        cases.add(new PostconfCase("no master.cf", main, null, List.of("-M")));
        cases.add(new PostconfCase("no master.cf", main, null, List.of("-n")));
        cases.add(new PostconfCase("no main.cf", null, MASTER, List.of("-n")));
        cases.add(new PostconfCase("no main.cf", null, MASTER, List.of("myhostname")));
    }

    private static void edits(List<PostconfCase> cases) {
        String main = "# header\nmyhostname = mx.example.com\nmydestination = a,\n    b,\n# inside\n    c\n"
                + "relayhost = [x]\n\nmyorigin = foo\n";
        for (List<String> args : List.of(List.of("-e", "relayhost=[y]:25"), List.of("-e", "new_param = v  "),
                List.of("-e", "mydestination = z", "myorigin="), List.of("-e", "bad name=x"), List.of("-e", "noequals"),
                List.of("-X", "relayhost", "mydestination"), List.of("-X", "nosuch"), List.of("-X"),
                List.of("-#", "relayhost", "mydestination", "nosuch"), List.of("-#"), List.of("relayhost=[z]"),
                List.of("relayhost=[z]", "myorigin"), List.of("-#", "bad=name"))) {
            cases.add(new PostconfCase("main.cf edits", main, MASTER, args));
        }
        for (List<String> args : List.of(
                List.of("-M", "-e", "relay/unix = relay unix - - n - - smtp -o smtp_fallback_relay="),
                List.of("-M", "-e", "pickup/unix = pickup unix n - y 30 1 pickup"),
                List.of("-M", "-e", "smtp/inet=smtp"), List.of("-M", "-e", "smtp/inet"),
                List.of("-F", "-e", "smtp/inet/chroot = n", "submission/inet/command = smtpd -v"),
                List.of("-F", "-e", "smtp/inet/bogus=1"), List.of("-F", "-e", "nosuch/inet/chroot=n"),
                List.of("-F", "-e", "smtp/inet/private=maybe"), List.of("-F", "-e", "qmgr/unix/wakeup=600"),
                List.of("-P", "-e", "submission/inet/smtpd_tls_security_level=may", "smtp/inet/new_param=x"),
                List.of("-P", "-e", "smtp/inet/x=a b"), List.of("-P", "-e", "smtp/inet/x"),
                List.of("-P", "-e", "nosuch/inet/x=1"), List.of("-P", "-e", "smtp/x=1"),
                List.of("-PX", "submission/inet/syslog_name"), List.of("-PX", "smtp/inet/nosuch"),
                List.of("-PX", "smtp/inet"), List.of("-MX", "relay/unix"), List.of("-MX", "nosuch/inet"),
                List.of("-MX", "smtp"), List.of("-M#", "pickup/unix"), List.of("-M#", "submission/inet"),
                List.of("-M#", "nosuch/unix"), List.of("-M", "relay/unix=relay unix - - n - - lmtp"),
                List.of("-P", "relay/unix/smtp_helo_timeout=7"), List.of("-MX", "relay/unix", "smtp/inet"),
                List.of("-Fe", "smtp/inet/type=fifo"), List.of("-Fe", "smtp/inet/process_limit=x"),
                List.of("-Fe", "mailman/unix/command=pipe flags=R argv=/bin/cat"))) {
            cases.add(new PostconfCase("master.cf edits", main, MASTER, args));
        }
    }

    private static void informational(List<PostconfCase> cases) {
        String main = "myhostname = mx.example.com\n";
        for (List<String> args : List.of(List.of("-m"), List.of("-l"), List.of("-a"), List.of("-A"),
                List.of("-m", "-n"), List.of("-l", "-x"))) {
            cases.add(new PostconfCase("informational", main, MASTER, args));
        }
    }

    private static void badCommandLines(List<PostconfCase> cases) {
        String main = "myhostname = mx.example.com\n";
        for (List<String> args : List.<List<String>>of(List.of(), List.of("-d"), List.of("-x"), List.of("-d", "-n"), List.of("-e", "-X", "x"), List.of("-M", "-F"),
                List.of("-P", "-n"), List.of("-Z"), List.of("-o"), List.of("-o", "myorigin=over", "myorigin"),
                List.of("-xo", "myorigin=over", "-n"), List.of("-d", "myorigin", "nosuch_param"),
                List.of("-dh", "smtpd_timeout"), List.of("-dx", "mydestination"), List.of("nosuch_param"),
                List.of("-h", "-H", "myhostname"), List.of("-M", "-n"), List.of("-P", "-#", "x"), List.of("-e"),
                List.of("-m", "-e", "x=y"), List.of("-a", "-A"), List.of("-l", "-m"), List.of("-F", "-P"),
                List.of("-dH", "myorigin"))) {
            cases.add(new PostconfCase("command line", main, MASTER, args));
        }
    }
}
