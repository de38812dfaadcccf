// SPDX-License-Identifier: Apache-2.0
package org.postern.core.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postern.core.dict.builtin.CoreTables;

class PostconfTest {

    @TempDir
    Path dir;

    private ConfigEnvironment env;

    private record Result(int status, String out, String err) {
        List<String> outLines() {
            return out.lines().toList();
        }
    }

    @BeforeEach
    void setUp() {
        env = new ConfigEnvironment(dir, Path.of("/var/lib/postern"), "vm");
    }

    private Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int status = Postconf.run(dir, env, Postconf.CORE_TABLE_TYPES, StandardPlugins.table(), List.of(args),
                new PrintWriter(out), new PrintWriter(err));
        return new Result(status, out.toString(), err.toString());
    }

    private void mainCf(String... lines) throws IOException {
        Files.write(dir.resolve("main.cf"), List.of(lines));
    }

    private void masterCf(String... lines) throws IOException {
        Files.write(dir.resolve("master.cf"), List.of(lines));
    }

    @Test
    void defaultsShouldWorkWithoutAnyFile() {
        Result r = run("-d", "mydestination", "myorigin", "relayhost", "queue_directory");
        assertThat(r.status()).isZero();
        assertThat(r.outLines()).containsExactly(
                "mydestination = $myhostname, localhost.$mydomain, localhost",
                "myorigin = $myhostname",
                "relayhost =",
                "queue_directory = /var/lib/postern/queue");
        // As Postfix's postconf -d: master.cf is read for its services' parameters, and missed.
        assertThat(r.err()).isEqualTo("postconf: warning: open " + dir.resolve("master.cf")
                + ": No such file or directory\n");
    }

    @Test
    void defaultsShouldListEveryKnownParameterSorted() {
        List<String> lines = run("-d").outLines();
        assertThat(lines).hasSize(StandardPlugins.table().definitions().size());
        assertThat(lines).isSorted();
        assertThat(lines).contains("default_transport_maps =", "smtpd_timeout = ${stress?{10}:{300}}s");
    }

    @Test
    void expandedDefaultsShouldUseDefaults() {
        assertThat(run("-dx", "mydestination").out())
                .isEqualTo("mydestination = vm.localdomain, localhost.localdomain, localhost\n");
    }

    @Test
    void nonDefaultShouldListMainCfSettingsSortedByName() throws Exception {
        mainCf("# comment", "relayhost = [mx]", "myorigin = $mydomain", "mydomain = example.com");
        masterCf("smtp inet n - n - - smtpd");
        Result r = run("-n");
        assertThat(r.outLines()).containsExactly("mydomain = example.com", "myorigin = $mydomain",
                "relayhost = [mx]");
        assertThat(run("-nx").outLines()).contains("myorigin = example.com");
        assertThat(run("-nh").outLines()).containsExactly("example.com", "$mydomain", "[mx]");
    }

    @Test
    void explicitConfigDirectoryShouldShowAsSetting(@TempDir Path other) throws Exception {
        Files.write(other.resolve("main.cf"), List.of("relayhost = x"));
        Files.write(other.resolve("master.cf"), List.of());
        assertThat(run("-c", other.toString(), "-n").outLines())
                .containsExactly("config_directory = " + other, "relayhost = x");
        assertThat(run("-d", "config_directory").out()).isEqualTo("config_directory = " + dir + "\n");
    }

    @Test
    void namedParametersShouldPrintInGivenOrderAndWarnAboutUnknown() throws Exception {
        mainCf("relayhost = [mx]");
        masterCf();
        Result r = run("relayhost", "nosuchparam", "myorigin");
        assertThat(r.status()).isZero();
        assertThat(r.outLines()).containsExactly("relayhost = [mx]", "myorigin = $myhostname");
        assertThat(r.err()).isEqualTo("postconf: warning: nosuchparam: unknown parameter\n");
        assertThat(run("-n", "relayhost", "myorigin").outLines()).containsExactly("relayhost = [mx]");
    }

    @Test
    void unusedAndUndefinedParametersShouldBeWarnedInPostfixWords() throws Exception {
        // Same files give the same warnings with the real postconf 3.7.
        mainCf("foo = bar", "a = 1", "b = $a $zz", "smtpd_restriction_classes = cls", "cls = reject",
                "relay_destination_rate_delay = 1s", "used_by_master = 5");
        masterCf("relay unix - - n - - smtp -o x=y -o smtp_helo_timeout=$used_by_master");
        Result r = run("-n");
        Path main = dir.resolve("main.cf");
        assertThat(r.err().lines()).containsExactly(
                "postconf: warning: " + main + ": undefined parameter: zz",
                "postconf: warning: " + main + ": unused parameter: foo=bar",
                "postconf: warning: " + main + ": unused parameter: b=$a $zz",
                "postconf: warning: " + dir.resolve("master.cf") + ": unused parameter: x=y");
        assertThat(r.outLines()).containsExactly("a = 1", "cls = reject", "relay_destination_rate_delay = 1s",
                "smtpd_restriction_classes = cls", "used_by_master = 5");
        assertThat(run("foo").err()).startsWith("postconf: warning: foo: unknown parameter\n");
    }

    @Test
    void settingsAskingForWhatPosternDoesNotDoShouldBeWarned() throws Exception {
        mainCf("debug_peer_list = 192.0.2.1", "biff = no", "maillog_file = /var/log/postfix.log",
                "append_dot_mydomain = yes", "mail_owner = postfix");
        masterCf("smtp inet n - n - - smtpd -o debug_peer_list=10.0.0.1 -o syslog_name=postfix/smtp");
        Result r = run("-n");
        Path main = dir.resolve("main.cf");
        assertThat(r.status()).isZero();
        assertThat(r.err().lines()).containsExactly(
                "postconf: warning: " + main + ": unsupported parameter: debug_peer_list=192.0.2.1: no per-client"
                        + " verbose logging (raise the postern loggers' level instead)",
                "postconf: warning: " + main + ": unsupported parameter: maillog_file=/var/log/postfix.log: logging"
                        + " goes through the OSGi log service (etc/org.ops4j.pax.logging.cfg)",
                "postconf: warning: " + main + ": unsupported parameter: append_dot_mydomain=yes: addresses are not"
                        + " completed with .$mydomain",
                "postconf: warning: " + dir.resolve("master.cf") + ": unsupported parameter: debug_peer_list=10.0.0.1:"
                        + " no per-client verbose logging (raise the postern loggers' level instead)");
        assertThat(r.outLines()).contains("biff = no", "debug_peer_list = 192.0.2.1");
    }

    @Test
    void deliveryAgentTemplatesShouldNeitherBeUndefinedNorUnused() throws Exception {
        // Postfix 3.7's postconf says nothing about the first three (virtual_mailbox_path is Postern's).
        mainCf("luser_relay = $user+$extension@example.com", "mailbox_command = /usr/bin/procmail -a \"$EXTENSION\"",
                "forward_path = $home/.forward$recipient_delimiter$extension", "virtual_mailbox_path = $domain/$user");
        masterCf("local unix - n n - - local -o luser_relay=$local@relay.example");
        Result r = run("-n");
        assertThat(r.err()).isEmpty();
        assertThat(r.outLines()).contains("forward_path = $home/.forward$recipient_delimiter$extension",
                "virtual_mailbox_path = $domain/$user");
    }

    @Test
    void missingMasterCfShouldOnlyWarn() throws Exception {
        mainCf("relayhost = x");
        Result r = run("-n");
        assertThat(r.status()).isZero();
        assertThat(r.err()).isEqualTo("postconf: warning: open " + dir.resolve("master.cf")
                + ": No such file or directory\n");
    }

    @Test
    void missingMainCfShouldBeFatal() {
        Result r = run("-n");
        assertThat(r.status()).isEqualTo(1);
        assertThat(r.err()).isEqualTo("postconf: fatal: open " + dir.resolve("main.cf")
                + ": No such file or directory\n");
    }

    @Test
    void badValueShouldBeFatalWithFileLineAndParameter() throws Exception {
        mainCf("# x", "message_size_limit = 10x");
        masterCf();
        Result r = run("-n");
        assertThat(r.status()).isEqualTo(1);
        assertThat(r.err()).isEqualTo("postconf: fatal: " + dir.resolve("main.cf")
                + ", line 2: message_size_limit: bad numerical value: 10x\n");
    }

    @Test
    void foldShouldWrapAtEightyColumns() throws Exception {
        String a64 = "a".repeat(64);
        mainCf("mydestination = " + a64, "relay_domains = " + a64 + "a",
                "smtpd_client_restrictions = permit_mynetworks, permit_sasl_authenticated, "
                        + "reject_unauth_destination, check_client_access hash:/etc/postfix/access");
        masterCf();
        // Output of the real "postconf -nf" for the same file.
        assertThat(run("-nf").outLines()).containsExactly(
                "mydestination = " + a64,
                "relay_domains =",
                "    " + a64 + "a",
                "smtpd_client_restrictions = permit_mynetworks, permit_sasl_authenticated,",
                "    reject_unauth_destination, check_client_access hash:/etc/postfix/access");
    }

    @Test
    void outputShouldJoinWordsWithSingleSpaces() throws Exception {
        mainCf("mydestination = { multi", "    line", "  }");
        masterCf();
        assertThat(run("-n").out()).isEqualTo("mydestination = { multi line }\n");
    }

    @Test
    void editShouldSetAndRemoveParameters() throws Exception {
        mainCf("# keep me", "relayhost = old", "  continued", "myorigin = x");
        assertThat(run("-e", "relayhost = new", "mynetworks=127.0.0.0/8").status()).isZero();
        assertThat(Files.readAllLines(dir.resolve("main.cf")))
                .containsExactly("# keep me", "relayhost = new", "myorigin = x", "mynetworks = 127.0.0.0/8");
        assertThat(run("-X", "myorigin").status()).isZero();
        assertThat(Files.readAllLines(dir.resolve("main.cf")))
                .containsExactly("# keep me", "relayhost = new", "mynetworks = 127.0.0.0/8");
    }

    @Test
    void editShouldRejectSettingWithoutEquals() throws Exception {
        mainCf("a = 1");
        Result r = run("-e", "bad");
        assertThat(r.status()).isEqualTo(1);
        assertThat(r.err()).isEqualTo("postconf: fatal: missing '=' after attribute name: \"bad\"\n");
    }

    @Test
    void conflictingOptionsShouldFail() {
        assertThat(run("-d", "-n").err()).isEqualTo("postconf: fatal: specify one of -d -n\n");
        assertThat(run("-e", "-X", "a").status()).isEqualTo(1);
        assertThat(run("-M", "-n").err()).isEqualTo("postconf: fatal: with option -M, do not specify -n\n");
        assertThat(run("-h", "-H", "x").err()).isEqualTo("postconf: fatal: specify one of -h -H\n");
        assertThat(run("-Me", "a").err()).isEqualTo("postconf: fatal: missing '=' after attribute name: \"a\"\n");
        assertThat(run("-X").err()).isEqualTo("postconf: fatal: missing service argument\n");
        assertThat(run("-q").err()).startsWith("postconf: invalid option -- 'q'\npostconf: fatal: usage: postconf [-a");
    }

    @Test
    void masterParametersShouldBeListedAndEditedAsPostfixDoes() throws Exception {
        mainCf("myhostname = mx.example.com");
        masterCf("# services", "smtp inet n - n - - smtpd", "  -o smtpd_tls_security_level=may",
                "# after smtp", "relay unix - - n - - smtp -o smtp_helo_timeout=5 -o smtp_connect_timeout=5");
        assertThat(run("-P").out()).isEqualTo("smtp/inet/smtpd_tls_security_level = may\n"
                + "relay/unix/smtp_connect_timeout = 5\nrelay/unix/smtp_helo_timeout = 5\n");
        assertThat(run("-P", "-e", "smtp/inet/smtpd_tls_security_level=encrypt").status()).isZero();
        // The touched entry is written in postconf -Mf's layout after the comments of its block.
        assertThat(Files.readAllLines(dir.resolve("master.cf"))).containsExactly("# services", "# after smtp",
                "smtp       inet  n       -       n       -       -       smtpd",
                "    -o smtpd_tls_security_level=encrypt",
                "relay unix - - n - - smtp -o smtp_helo_timeout=5 -o smtp_connect_timeout=5");
        assertThat(run("-P", "-e", "smtp/inet/x=a b").err())
                .isEqualTo("postconf: fatal: -Pe does not accept whitespace in parameter value\n");
        assertThat(run("-MX", "relay/unix").status()).isZero();
        assertThat(run("-M#", "smtp/inet").status()).isZero();
        assertThat(Files.readAllLines(dir.resolve("master.cf"))).containsExactly("# services", "# after smtp",
                "#smtp       inet  n       -       n       -       -       smtpd",
                "#    -o smtpd_tls_security_level=encrypt");
        assertThat(run("-M", "-e", "relay/unix = relay unix - - n - - lmtp").status()).isZero();
        assertThat(run("-M", "relay").out()).isEqualTo(
                "relay      unix  -       -       n       -       -       lmtp\n");
    }

    @Test
    void offlineTableTypesShouldBeCoresOwn() {
        assertThat(Postconf.CORE_TABLE_TYPES).isEqualTo(CoreTables.factories().keySet());
        assertThat(run("-m").out()).startsWith("cache\nenviron\nfail\n").endsWith("unionmap\nunix\n");
    }

    @Test
    void deliveryServicesShouldBringTheirPerTransportParameters() throws Exception {
        mainCf("relay_destination_rate_delay = 1s");
        masterCf("relay unix - - n - - smtp", "mailman unix - n n - - pipe argv=/bin/cat", "smtp inet n - n - - smtpd");
        assertThat(run("-d", "relay_destination_rate_delay", "mailman_time_limit").out()).isEqualTo(
                "relay_destination_rate_delay = $default_destination_rate_delay\n"
                        + "mailman_time_limit = $command_time_limit\n");
        assertThat(run("relay_destination_rate_delay", "mailman_initial_destination_concurrency").out()).isEqualTo(
                "relay_destination_rate_delay = 1s\n"
                        + "mailman_initial_destination_concurrency = $initial_destination_concurrency\n");
        assertThat(run("-d", "smtp_time_limit").err()).contains("smtp_time_limit: unknown parameter");
    }

    @Test
    void commentOutShouldPrefixEveryLineOfTheSetting() throws Exception {
        mainCf("relayhost = [mx]", "mydestination = a,", "# inside", "    b", "myorigin = x");
        masterCf();
        assertThat(run("-#", "mydestination", "nosuch").status()).isZero();
        assertThat(Files.readAllLines(dir.resolve("main.cf")))
                .containsExactly("relayhost = [mx]", "#mydestination = a,", "# inside", "#    b", "myorigin = x");
    }

    @Test
    void duplicateSettingsShouldBeWarnedAbout() throws Exception {
        mainCf("myorigin = one", "myorigin = two");
        masterCf();
        Result r = run("myorigin");
        assertThat(r.out()).isEqualTo("myorigin = two\n");
        assertThat(r.err()).isEqualTo("postconf: warning: " + dir.resolve("main.cf")
                + ", line 2: overriding earlier entry: myorigin=one\n");
    }

    @Test
    void overrideOptionShouldApplyForThisCommand() throws Exception {
        mainCf("relayhost = a");
        masterCf();
        assertThat(run("-o", "relayhost=b", "-x", "relayhost").out()).isEqualTo("relayhost = b\n");
    }

    @Test
    void masterShouldPrintEntriesInPostfixColumns() throws Exception {
        mainCf();
        masterCf("smtp      inet  n       -       y       -       -       smtpd",
                "  -o smtpd_tls_security_level=may",
                "  -o { smtpd_client_restrictions = permit_mynetworks, reject }",
                "127.0.0.1:10025 inet n  -       n       -       10      smtpd -o { content_filter = }",
                "scalemail-backend unix - n n - 2 pipe flags=R user=scalemail "
                        + "argv=/usr/lib/scalemail/bin/scalemail-store ${nexthop} ${user} ${extension}");
        // Expected text is what postconf 3.7 prints for the same master.cf.
        assertThat(run("-M").outLines()).containsExactly(
                "smtp       inet  n       -       y       -       -       smtpd -o smtpd_tls_security_level=may"
                        + " -o {smtpd_client_restrictions=permit_mynetworks, reject}",
                "127.0.0.1:10025 inet n   -       n       -       10      smtpd -o content_filter=",
                "scalemail-backend unix - n       n       -       2       pipe flags=R user=scalemail"
                        + " argv=/usr/lib/scalemail/bin/scalemail-store ${nexthop} ${user} ${extension}");
        assertThat(run("-Mf").outLines()).containsExactly(
                "smtp       inet  n       -       y       -       -       smtpd",
                "    -o smtpd_tls_security_level=may",
                "    -o {smtpd_client_restrictions=permit_mynetworks, reject}",
                "127.0.0.1:10025 inet n   -       n       -       10      smtpd",
                "    -o content_filter=",
                "scalemail-backend unix - n       n       -       2       pipe flags=R",
                "    user=scalemail argv=/usr/lib/scalemail/bin/scalemail-store ${nexthop}",
                "    ${user} ${extension}");
        assertThat(run("-M", "smtp/inet").outLines()).hasSize(1);
        assertThat(run("-M", "nosuch").out()).isEmpty();
    }

    @Test
    void foldedMasterLinesShouldStayBelowColumnEighty() throws Exception {
        mainCf();
        String a = "a".repeat(70);
        masterCf("x unix - - n - - pipe", "  " + a + " 1234", "  " + a + " 12345");
        assertThat(run("-Mf").outLines()).containsExactly(
                "x          unix  -       -       n       -       -       pipe",
                "    " + a + " 1234",
                "    " + a,
                "    12345");
    }

    @Test
    void fieldsShouldPrintServiceTypeFieldLines() throws Exception {
        mainCf();
        masterCf("smtp inet n - y - - smtpd -o smtpd_helo_required=yes", "pickup unix n - y 60 1 pickup");
        assertThat(run("-F", "smtp/inet").outLines()).containsExactly(
                "smtp/inet/service = smtp",
                "smtp/inet/type = inet",
                "smtp/inet/private = n",
                "smtp/inet/unprivileged = -",
                "smtp/inet/chroot = y",
                "smtp/inet/wakeup = -",
                "smtp/inet/process_limit = -",
                "smtp/inet/command = smtpd -o smtpd_helo_required=yes");
        assertThat(run("-F", "*/*/wakeup").outLines()).containsExactly("smtp/inet/wakeup = -",
                "pickup/unix/wakeup = 60");
    }

    @Test
    void masterWithoutMasterCfShouldBeFatal() {
        Result r = run("-M");
        assertThat(r.status()).isEqualTo(1);
        assertThat(r.err()).contains("master.cf: No such file or directory");
    }
}
