// SPDX-License-Identifier: Apache-2.0
package org.postern.transport.pipe;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postern.api.delivery.DeliveryRequest;
import org.postern.api.delivery.MessageContent;
import org.postern.api.delivery.Recipient;
import org.postern.api.delivery.RecipientResult;
import org.postern.api.delivery.RecipientResult.Outcome;
import org.postern.api.message.BodyType;
import org.postern.api.message.ClientFacts;
import org.postern.api.message.DsnRequest;
import org.postern.api.message.MessageFacts;
import org.postern.api.message.SaslFacts;

/** Real commands (sh scripts in a temporary directory), run as nobody when the tests run as root. */
class PipeDeliveryAgentTest {

    private static final String MESSAGE = "From: a@example.org\r\nSubject: hi\r\n\r\nbody line\r\n.dot line\r\nFrom here\r\n";

    @TempDir
    Path tmp;

    private final PipeDeliveryAgent agent = new PipeDeliveryAgent();
    private final Map<String, String> settings = new HashMap<>();
    private String user;

    @BeforeEach
    void setUp() throws IOException {
        user = UnixAccount.currentUid() == 0 ? "nobody" : System.getProperty("user.name");
        // The command runs as another user when we are root: let it write here.
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxrwxrwx"));
    }

    private Path script(String name, String body) throws IOException {
        Path p = tmp.resolve(name);
        Files.writeString(p, "#!/bin/sh\n" + body + "\n");
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
        return p;
    }

    private static Recipient rcpt(String address) {
        return new Recipient(address, "", Set.of());
    }

    private DeliveryRequest request(String service, String sender, List<Recipient> recipients, String message,
                                    String... arguments) {
        byte[] bytes = message.getBytes(StandardCharsets.UTF_8);
        MessageContent content = new MessageContent() {
            @Override
            public InputStream open() {
                return new ByteArrayInputStream(bytes);
            }

            @Override
            public long size() {
                return bytes.length;
            }
        };
        return new DeliveryRequest("4XjQ2c1Yz0", service, "example.com", sender, recipients, content,
                new MessageFacts(Instant.EPOCH, DsnRequest.NONE, BodyType.UNSPECIFIED, false, "",
                        new ClientFacts("", "", "192.0.2.1", -1, "", ""), SaslFacts.NONE),
                List.of(arguments), settings::get);
    }

    /** A command that saves its arguments (one per line) and its input, and says "saved". */
    private Path saver() throws IOException {
        return script("save.sh", "out=\"$1\"; shift\nfor a in \"$@\"; do echo \"$a\"; done >> \"$out.args\"\n"
                + "echo --- >> \"$out.args\"\ncat >> \"$out\"\necho saved");
    }

    private String read(String name) throws IOException {
        return Files.readString(tmp.resolve(name), StandardCharsets.UTF_8);
    }

    @Test
    void commandShouldGetExpandedArgumentsAndMessageWithPrependedHeaders() throws IOException {
        Path save = saver();
        settings.put("recipient_delimiter", "+");
        RecipientResult r = agent.deliver(request("dovecot", "Sender@Example.org",
                List.of(new Recipient("Joe+Box@Example.COM", "rfc822;joe+2Bold@example.com", Set.of())), MESSAGE,
                "flags=DORXhu", "user=" + user, "argv=" + save, tmp + "/out", "-f", "${sender}",
                "-d", "${user}@${domain}", "-e", "$extension", "-a", "${original_recipient}",
                "{ -x ${client_address} $$literal }")).results().get(0);

        assertThat(r.outcome()).isEqualTo(Outcome.DELIVERED);
        assertThat(r.dsnStatus()).isEqualTo("2.0.0");
        assertThat(r.diagnostic()).isEqualTo("delivered via dovecot service (saved)");
        assertThat(r.relay()).isEqualTo("dovecot");
        assertThat(read("out.args")).isEqualTo("-f\nSender@Example.org\n-d\njoe@example.com\n-e\nbox\n"
                + "-a\njoe+old@example.com\n-x 192.0.2.1 $literal\n---\n");
        assertThat(read("out")).isEqualTo("Return-Path: <Sender@Example.org>\n"
                + "X-Original-To: joe+old@example.com\nDelivered-To: joe+box@example.com\n"
                + "From: a@example.org\nSubject: hi\n\nbody line\n.dot line\nFrom here\n");
    }

    @Test
    void withoutXFlagSuccessShouldBeRelayed() throws IOException {
        Path save = saver();
        RecipientResult r = agent.deliver(request("pipe", "", List.of(rcpt("u@example.com")), MESSAGE,
                "user=" + user, "argv=" + save, tmp + "/out", "${sender}")).results().get(0);
        assertThat(r.outcome()).isEqualTo(Outcome.RELAYED);
        assertThat(read("out.args")).isEqualTo("MAILER-DAEMON\n---\n");
    }

    @Test
    void flagsShouldStuffDotsQuoteFromAddFromLineAndBlankLineWithCrlfEol() throws IOException {
        Path save = saver();
        agent.deliver(request("bsmtp", "", List.of(rcpt("u@example.com")), MESSAGE,
                "flags=FB.>", "eol=\\r\\n", "null_sender=", "user=" + user, "argv=" + save, tmp + "/out",
                "-f", "${sender}"));
        String out = read("out");
        assertThat(out).matches("From  [A-Z][a-z]{2} [A-Z][a-z]{2} [ 0-9]\\d \\d\\d:\\d\\d:\\d\\d \\d{4}\r\n(?s).*");
        assertThat(out.substring(out.indexOf("\r\n") + 2)).isEqualTo("From: a@example.org\r\nSubject: hi\r\n\r\n"
                + "body line\r\n..dot line\r\n>From here\r\n\r\n");
        assertThat(read("out.args")).isEqualTo("-f\n\n---\n");
    }

    @Test
    void qFlagShouldQuoteLocalPartsWithSpecials() throws IOException {
        Path save = saver();
        agent.deliver(request("uucp", "john doe@example.org", List.of(rcpt("a.b@example.com")), MESSAGE,
                "flags=q", "user=" + user, "argv=" + save, tmp + "/out", "${sender}", "${recipient}"));
        assertThat(read("out.args")).isEqualTo("\"john doe\"@example.org\na.b@example.com\n---\n");
    }

    @Test
    void withoutMFlagEachRecipientShouldGetItsOwnInvocation() throws IOException {
        Path save = saver();
        List<RecipientResult> results = agent.deliver(request("pipe", "s@example.org",
                List.of(rcpt("a@example.com"), rcpt("b@example.com"), rcpt("c@example.com")), MESSAGE,
                "user=" + user, "argv=" + save, tmp + "/out", "${recipient}")).results();
        assertThat(results).extracting(RecipientResult::outcome).containsOnly(Outcome.RELAYED).hasSize(3);
        assertThat(read("out.args")).isEqualTo("a@example.com\n---\nb@example.com\n---\nc@example.com\n---\n");
    }

    @Test
    void withMFlagAllRecipientsShouldGoToOneInvocationWithOneArgumentEach() throws IOException {
        Path save = saver();
        List<RecipientResult> results = agent.deliver(request("pipe", "s@example.org",
                List.of(rcpt("a@example.com"), rcpt("b@example.com"), rcpt("c@example.com")), MESSAGE,
                "flags=MX", "user=" + user, "argv=" + save, tmp + "/out", "-f", "${sender}", "--",
                "${recipient}")).results();
        assertThat(results).extracting(RecipientResult::outcome).containsOnly(Outcome.DELIVERED).hasSize(3);
        assertThat(read("out.args"))
                .isEqualTo("-f\ns@example.org\n--\na@example.com\nb@example.com\nc@example.com\n---\n");
        assertThat(read("out")).isEqualTo(MESSAGE.replace("\r\n", "\n"));
    }

    @Test
    void mFlagWithDeliveredToAndSeveralRecipientsShouldDeferAsConfigurationError() throws IOException {
        Path save = saver();
        List<RecipientResult> results = agent.deliver(request("pipe", "s@example.org",
                List.of(rcpt("a@example.com"), rcpt("b@example.com")), MESSAGE,
                "flags=MD", "user=" + user, "argv=" + save, tmp + "/out")).results();
        assertThat(results).allSatisfy(r -> {
            assertThat(r.outcome()).isEqualTo(Outcome.DEFERRED);
            assertThat(r.dsnStatus()).isEqualTo("4.3.5");
        });
        assertThat(tmp.resolve("out")).doesNotExist();
    }

    @Test
    void tempfailExitShouldDefer() throws IOException {
        Path cmd = script("tempfail.sh", "exit 75");
        RecipientResult r = agent.deliver(request("pipe", "s@example.org", List.of(rcpt("u@example.com")), MESSAGE,
                "user=" + user, "argv=" + cmd)).results().get(0);
        assertThat(r.outcome()).isEqualTo(Outcome.DEFERRED);
        assertThat(r.dsnStatus()).isEqualTo("4.3.0");
        assertThat(r.diagnostic()).isEqualTo("Command died with status 75: temporary failure");
    }

    @Test
    void noUserExitShouldBounceWithOutputAndWithoutTheCommandPath() throws IOException {
        Path cmd = script("nouser.sh", "cat >/dev/null; echo 'No such user: u' >&2; echo second line; exit 67");
        RecipientResult r = agent.deliver(request("pipe", "s@example.org", List.of(rcpt("u@example.com")), MESSAGE,
                "user=" + user, "argv=" + cmd)).results().get(0);
        assertThat(r.outcome()).isEqualTo(Outcome.BOUNCED);
        assertThat(r.dsnStatus()).isEqualTo("5.1.1");
        assertThat(r.diagnostic()).isEqualTo("Command died with status 67: No such user: u")
                .doesNotContain(tmp.toString());
    }

    @Test
    void enhancedStatusInOutputShouldTakePrecedenceOverExitStatus() throws IOException {
        Path cmd = script("full.sh", "echo '4.2.2 Mailbox full'; exit 1");
        RecipientResult r = agent.deliver(request("pipe", "s@example.org", List.of(rcpt("u@example.com")), MESSAGE,
                "user=" + user, "argv=" + cmd)).results().get(0);
        assertThat(r.outcome()).isEqualTo(Outcome.DEFERRED);
        assertThat(r.dsnStatus()).isEqualTo("4.2.2");
        assertThat(r.diagnostic()).isEqualTo("Command died with status 1: Mailbox full");
    }

    @Test
    void unknownExitStatusShouldBounceWith530() throws IOException {
        Path cmd = script("one.sh", "exit 1");
        RecipientResult r = agent.deliver(request("pipe", "s@example.org", List.of(rcpt("u@example.com")), MESSAGE,
                "user=" + user, "argv=" + cmd)).results().get(0);
        assertThat(r.outcome()).isEqualTo(Outcome.BOUNCED);
        assertThat(r.dsnStatus()).isEqualTo("5.3.0");
        assertThat(r.diagnostic()).isEqualTo("Command died with status 1: unknown mail system error 1");
    }

    @Test
    void commandRunningPastTheTimeLimitShouldBeKilledAndDeferred() throws IOException {
        Path marker = tmp.resolve("survivor");
        Path cmd = script("slow.sh", "sleep 60; touch " + marker);
        settings.put("slow_time_limit", "1s");
        long start = System.nanoTime();
        RecipientResult r = agent.deliver(request("slow", "s@example.org", List.of(rcpt("u@example.com")), MESSAGE,
                "user=" + user, "argv=" + cmd)).results().get(0);
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        assertThat(r.outcome()).isEqualTo(Outcome.DEFERRED);
        assertThat(r.dsnStatus()).isEqualTo("4.3.0");
        assertThat(r.diagnostic()).isEqualTo("Command time limit exceeded");
        assertThat(took).isLessThan(Duration.ofSeconds(30));
    }

    @Test
    void deliveredToLoopShouldBounce() throws IOException {
        Path save = saver();
        RecipientResult r = agent.deliver(request("pipe", "s@example.org", List.of(rcpt("U@example.com")),
                "Delivered-To: u@EXAMPLE.com\r\n" + MESSAGE, "flags=D", "user=" + user, "argv=" + save,
                tmp + "/out")).results().get(0);
        assertThat(r.outcome()).isEqualTo(Outcome.BOUNCED);
        assertThat(r.dsnStatus()).isEqualTo("5.4.6");
        assertThat(r.diagnostic()).isEqualTo("mail forwarding loop for U@example.com");
        assertThat(tmp.resolve("out")).doesNotExist();
    }

    @Test
    void messageOverSizeLimitShouldBounce() throws IOException {
        Path save = saver();
        RecipientResult r = agent.deliver(request("pipe", "s@example.org", List.of(rcpt("u@example.com")), MESSAGE,
                "size=10", "user=" + user, "argv=" + save, tmp + "/out")).results().get(0);
        assertThat(r.outcome()).isEqualTo(Outcome.BOUNCED);
        assertThat(r.dsnStatus()).isEqualTo("5.2.3");
    }

    @Test
    void commandShouldRunAsTheUserWithOnlyTheExportedEnvironment() throws IOException {
        Path cmd = script("who.sh", "cat > /dev/null; id -u > \"$1\"; env | sort > \"$1.env\"");
        settings.put("export_environment", "TZ MAIL_CONFIG LANG FOO=bar");
        RecipientResult r = agent.deliver(request("pipe", "s@example.org", List.of(rcpt("u@example.com")), MESSAGE,
                "user=" + user, "directory=" + tmp, "argv=" + cmd, tmp + "/who")).results().get(0);
        assertThat(r.outcome()).isEqualTo(Outcome.RELAYED);
        String uid = read("who").strip();
        if (user.equals("nobody")) {
            assertThat(uid).isEqualTo("65534");
        } else {
            assertThat(uid).isEqualTo(Long.toString(UnixAccount.currentUid()));
        }
        List<String> names = new ArrayList<>();
        read("who.env").lines().forEach(l -> names.add(l.substring(0, l.indexOf('='))));
        assertThat(names).contains("FOO", "PATH").doesNotContain("HOME", "USER", "JAVA_HOME");
    }

    @Test
    void rootUserShouldBeRefusedAsConfigurationError() throws IOException {
        Path save = saver();
        RecipientResult r = agent.deliver(request("pipe", "s@example.org", List.of(rcpt("u@example.com")), MESSAGE,
                "user=root", "argv=" + save, tmp + "/out")).results().get(0);
        assertThat(r.outcome()).isEqualTo(Outcome.DEFERRED);
        assertThat(r.dsnStatus()).isEqualTo("4.3.5");
        assertThat(r.diagnostic()).isEqualTo("mail system configuration error");
        assertThat(tmp.resolve("out")).doesNotExist();
    }

    @Test
    void missingArgvOrUnknownUserShouldDeferNotBounce() {
        RecipientResult noArgv = agent.deliver(request("pipe", "s@example.org", List.of(rcpt("u@example.com")),
                MESSAGE, "user=" + user)).results().get(0);
        RecipientResult noSuchUser = agent.deliver(request("pipe", "s@example.org", List.of(rcpt("u@example.com")),
                MESSAGE, "user=no-such-user-here", "argv=/bin/true")).results().get(0);
        RecipientResult noSuchCommand = agent.deliver(request("pipe", "s@example.org", List.of(rcpt("u@example.com")),
                MESSAGE, "user=" + user, "argv=/no/such/command")).results().get(0);
        assertThat(List.of(noArgv, noSuchUser, noSuchCommand)).extracting(RecipientResult::outcome)
                .containsOnly(Outcome.DEFERRED);
    }

    @Test
    void commandAsAnotherUserShouldBeDeferredWhenTheJvmIsNotRootAndTheHelperIsNotRunning() throws IOException {
        Path save = saver();
        settings.put("delivery_helper_socket", tmp.resolve("no-helper").toString());
        PipeDeliveryAgent unprivileged = new PipeDeliveryAgent(4242);

        RecipientResult r = unprivileged.deliver(request("pipe", "s@example.org", List.of(rcpt("u@example.com")), MESSAGE,
                "user=nobody", "argv=" + save, tmp + "/out")).results().get(0);

        assertThat(r.outcome()).isEqualTo(Outcome.DEFERRED);
        assertThat(r.dsnStatus()).isEqualTo("4.3.0");
        assertThat(r.diagnostic()).isEqualTo("delivery as user nobody needs the privileged delivery helper at "
                + tmp.resolve("no-helper") + ", which is not running");
        assertThat(tmp.resolve("out")).doesNotExist();
    }

    @Test
    void commandAsTheJvmsOwnUserShouldRunWithoutTheHelper() throws IOException {
        Path save = saver();
        settings.put("delivery_helper_socket", tmp.resolve("no-helper").toString());
        PipeDeliveryAgent asNobody = new PipeDeliveryAgent(65534);

        RecipientResult r = asNobody.deliver(request("pipe", "s@example.org", List.of(rcpt("u@example.com")), MESSAGE,
                "user=nobody", "argv=" + save, tmp + "/out")).results().get(0);

        assertThat(r.outcome()).isEqualTo(Outcome.RELAYED);
        assertThat(tmp.resolve("out")).exists();
    }
}
