// SPDX-License-Identifier: Apache-2.0
package org.postern.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Runs the real Postfix postconf ("/usr/sbin/postconf -c DIR ...") and ours on the same files
 * and compares what they print. Skips when Postfix is not installed, unless
 * -Dpostern.itest.requireServices=true, which turns the skip into a failure. Never starts Postfix.
 */
class PostconfDifferentialTest {

    /** The reference binary; -Dpostern.itest.postconf=PATH points elsewhere. */
    private static final Path POSTCONF = Path.of(System.getProperty("postern.itest.postconf", "/usr/sbin/postconf"));

    @TempDir
    Path dir;

    @BeforeAll
    static void requirePostconf() {
        if (Files.isExecutable(POSTCONF)) {
            return;
        }
        String message = POSTCONF + " not found: install Postfix to compare postconf output with the reference";
        if (Boolean.getBoolean("postern.itest.requireServices")) {
            fail(message + " (postern.itest.requireServices=true)");
        }
        Assumptions.abort(message);
    }

    private record Output(int status, List<String> out, List<String> err) {
    }

    private Output real(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(POSTCONF.toString(), "-c", dir.toString()));
        command.addAll(List.of(args));
        Path errFile = dir.resolve(".stderr");
        Process p = new ProcessBuilder(command).redirectError(errFile.toFile()).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail("postconf did not finish: " + command);
        }
        List<String> err = Files.readAllLines(errFile);
        Files.delete(errFile);
        return new Output(p.exitValue(), out.lines().toList(), err);
    }

    private Output ours(String... args) {
        List<String> all = new ArrayList<>(List.of("-c", dir.toString()));
        all.addAll(List.of(args));
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        ConfigEnvironment env = new ConfigEnvironment(Path.of("/etc/postfix"), Path.of("/var/lib/postern"), "vm");
        int status = Postconf.run(Path.of("/etc/postfix"), env, Postconf.CORE_TABLE_TYPES, StandardPlugins.table(), all,
                new PrintWriter(out), new PrintWriter(err));
        return new Output(status, out.toString().lines().toList(), err.toString().lines().toList());
    }

    private void files(List<String> main, List<String> master) throws IOException {
        Files.write(dir.resolve("main.cf"), main);
        Files.write(dir.resolve("master.cf"), master);
        // Postfix waits about two seconds for a just-written file to settle; backdate ours.
        FileTime past = FileTime.from(Instant.now().minusSeconds(60));
        Files.setLastModifiedTime(dir.resolve("main.cf"), past);
        Files.setLastModifiedTime(dir.resolve("master.cf"), past);
    }

    private void assertSameOutput(String... args) throws Exception {
        Output real = real(args);
        Output ours = ours(args);
        assertThat(ours.out()).as("stdout of postconf %s", String.join(" ", args)).isEqualTo(real.out());
        assertThat(ours.status()).as("exit status").isEqualTo(real.status());
    }

    // Expressions from postconf(5) SYNTAX, evaluated by both through "myorigin".
    @ParameterizedTest
    @ValueSource(strings = {
        "$a$a${a}x$(a)y", "[$$ $$a $$$a]", "${a?yes} ${a:no} ${e?yes} ${e:no}", "[${a? x }] [${a?{ x }}]",
        "${a?{x}:{y}} ${e?{x}:{y}} ${e?{x}:y z}", "[${e?{x}: y }]", "${a?${e:z}}", "[${a?{{x}}}]",
        "${{$s} == {hello}?{eq}:{ne}} ${{$s} != {hello}?{eq}:{ne}}", "[${{$s} == {hello}}] [${{$s} != {hello}}]",
        "[${{$s} == {hello} ? y : n }] [${{$s} != {hello} ? {y} : n }]", "${{$n} < {9}?{lt}:{ge}}",
        "${{3.10} <level {3.9}?{lt}:{ge}} ${{3.10} < {3.9}?{lt}:{ge}}", "${{01}=={1}?{y}:{n}}",
        "${{ a }=={a}?{y}:{n}}", "$ref and $deep", "$sp", "${ a } ${a }",
        "${{$compatibility_level} <level {2} ? {subnet} : {host}}"})
    void expansionShouldMatchPostfix(String expression) throws Exception {
        files(List.of("a = 1", "e =", "n = 10", "s = hello", "sp = x  y", "ref = $s!", "deep = ${a?{$ref}}",
                "myhostname = mx.example.com", "myorigin = " + expression), List.of());
        assertSameOutput("-xh", "myorigin");
    }

    @Test
    void expandedSettingsShouldMatchPostfix() throws Exception {
        files(List.of("myhostname = mx.example.com", "compatibility_level = 3.6",
                "mydestination = $myhostname, localhost.$mydomain, ${relayhost?{x}:{y}}",
                "relayhost = [$mydomain]:587", "local_transport = local:$myhostname",
                "virtual_alias_maps = hash:$config_directory/virtual"), List.of());
        assertSameOutput("-x", "mydestination", "mydomain", "relayhost", "relay_domains", "local_transport",
                "mynetworks_style", "smtpd_relay_restrictions", "virtual_alias_domains", "smtputf8_enable",
                "myorigin");
    }

    @Test
    void nonDefaultListingShouldMatchPostfix() throws Exception {
        String a64 = "a".repeat(64);
        files(List.of("# comment", "myhostname = mx.example.com", "relayhost = [mx]:25   ",
                "mydestination = a,", "    b,", "# comment inside", "    c", "",
                "smtpd_client_restrictions = permit_mynetworks, permit_sasl_authenticated, "
                        + "reject_unauth_destination, check_client_access hash:/etc/postfix/access",
                "relay_domains = " + a64 + "a", "alias_maps = " + a64,
                "smtpd_restriction_classes = cls", "cls = reject", "unused = x", "other = $undefined_thing"),
                List.of("relay unix - - n - - smtp -o x=y"));
        assertSameOutput("-n");
        assertSameOutput("-nh");
        assertSameOutput("-nf");
        assertSameOutput("-nx");
        // Postfix prints its warnings in hash order and names itself by its full path.
        List<String> realWarnings = real("-n").err().stream()
                .map(line -> line.replaceFirst("^\\S*postconf: ", "postconf: ")).distinct().toList();
        assertThat(ours("-n").err()).containsExactlyInAnyOrderElementsOf(realWarnings);
    }

    @Test
    void defaultsShouldMatchPostfixForHostIndependentParameters() throws Exception {
        files(List.of(), List.of());
        assertSameOutput("-d", "mydestination", "myorigin", "relay_domains", "mynetworks_style",
                "smtpd_relay_restrictions", "smtpd_timeout", "smtpd_hard_error_limit", "message_size_limit",
                "mailbox_size_limit", "maximal_queue_lifetime", "delay_warning_time", "notify_classes",
                "mime_header_checks", "local_transport", "local_recipient_maps",
                "parent_domain_matches_subdomains", "append_dot_mydomain", "smtputf8_enable",
                "default_destination_rate_delay", "bounce_notice_recipient", "double_bounce_sender",
                "compatibility_level", "virtual_alias_domains", "smtpd_tls_key_file", "relayhost",
                "smtpd_client_message_rate_limit", "smtpd_client_recipient_rate_limit",
                "smtpd_client_new_tls_session_rate_limit", "smtpd_client_auth_rate_limit",
                "smtpd_client_event_limit_exceptions", "anvil_rate_time_unit", "queue_minfree",
                "cleanup_replace_stray_cr_lf");
    }

    @Test
    void masterListingsShouldMatchPostfix() throws Exception {
        files(List.of(), List.of(
                "# comment",
                "smtp      inet  n       -       y       -       -       smtpd",
                "  -o smtpd_tls_security_level=may",
                "  -o { smtpd_client_restrictions = permit_mynetworks, reject }",
                "# inner comment",
                "  -o smtpd_helo_required=yes",
                "submission inet n       -       n       -       -       smtpd -v -o syslog_name=postfix/submission"
                        + " -o smtpd_tls_security_level=encrypt -o smtpd_sasl_auth_enable=yes",
                "127.0.0.1:10025 inet n  -       n       -       10      smtpd -o { content_filter = } -o{x=y}",
                "relay     unix  -       -       y       -       -       smtp -o smtp_helo_timeout=5 "
                        + "a".repeat(75) + " bbbbbbbbbb",
                "mailman   unix  -       n       n       -       -       pipe",
                "  flags=FRX user=list argv=/usr/lib/mailman/bin/postfix-to-mailman.py ${nexthop} ${user}"));
        assertSameOutput("-M");
        assertSameOutput("-Mf");
        assertSameOutput("-F");
        assertSameOutput("-M", "smtp/inet", "relay");
        assertSameOutput("-F", "submission/inet/command");
    }

    @Test
    void editingShouldProduceSameFileAsPostfix() throws Exception {
        List<String> original = List.of("# header", "mydestination = a,", "    b,", "# inside", "    c",
                "relayhost = [x]", "", "myorigin = foo");
        files(original, List.of());
        assertThat(real("-e", "mydestination = z  ", "relayhost=", "myorigin=$mydomain").status()).isZero();
        assertThat(real("-X", "myorigin").status()).isZero();
        List<String> expected = Files.readAllLines(dir.resolve("main.cf"));
        files(original, List.of());
        assertThat(ours("-e", "mydestination = z  ", "relayhost=", "myorigin=$mydomain").status()).isZero();
        assertThat(ours("-X", "myorigin").status()).isZero();
        assertThat(Files.readAllLines(dir.resolve("main.cf"))).isEqualTo(expected);
    }
}
