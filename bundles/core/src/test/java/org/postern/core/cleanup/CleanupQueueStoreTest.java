// SPDX-License-Identifier: Apache-2.0
package org.postern.core.cleanup;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;
import org.postern.api.delivery.Recipient.DsnNotify;
import org.postern.api.message.ClientFacts;
import org.postern.api.message.SaslFacts;
import org.postern.core.config.ConfigEnvironment;
import org.postern.core.config.MainCf;
import org.postern.core.config.ParameterTable;
import org.postern.core.config.PostfixConfig;
import org.postern.core.message.Envelope;
import org.postern.core.message.EnvelopeRecipient;
import org.postern.core.message.MessageActions;
import org.postern.core.queue.RecordingQueueStore;

class CleanupQueueStoreTest {

    private static final Clock CLOCK = Clock.fixed(Instant.parse("2024-03-05T10:06:07Z"), ZoneOffset.UTC);
    private static final String REMOTE = "192.0.2.7";
    private static final String LOCAL = "127.0.0.1";

    private final RecordingQueueStore queue = new RecordingQueueStore();
    private final TestTables tables = new TestTables();

    private CleanupQueueStore cleanup(String... mainCf) throws Exception {
        List<String> lines = new ArrayList<>(List.of("myhostname = mx.example.com", "mydomain = example.com",
                "mydestination = $myhostname, localhost",
                "mynetworks = 127.0.0.0/8"));   // not this machine's networks: REMOTE must stay remote
        lines.addAll(Arrays.asList(mainCf));
        PostfixConfig config = PostfixConfig.of(ParameterTable.standard(),
                new ConfigEnvironment(Path.of("/etc/postern"), Path.of("/var/lib/postern"), "mx.example.com"),
                MainCf.parse(Path.of("main.cf"), lines));
        return CleanupQueueStore.create(queue, config, tables, CLOCK);
    }

    private static Envelope envelope(String client, String sender, String... rcpts) {
        return envelope(client, sender, b -> b, rcpts);
    }

    private static Envelope envelope(String client, String sender, UnaryOperator<Envelope.Builder> extra,
                                     String... rcpts) {
        List<EnvelopeRecipient> r = new ArrayList<>();
        for (String x : rcpts) {
            r.add(new EnvelopeRecipient(x, "", Set.of()));
        }
        return extra.apply(Envelope.builder(sender, r, CLOCK.instant())
                .client(new ClientFacts(client.equals(LOCAL) ? "localhost" : "client.example.net", "", client, 40000,
                        "helo.example.net", "ESMTP"))).build();
    }

    /** Sends through cleanup; announced = the fast path smtpd uses. */
    private CompletableFuture<Void> send(CleanupQueueStore store, Envelope env, String content, boolean announce)
            throws IOException {
        CleanupMessage m = store.receive();
        if (announce) {
            m.announce(env);
        }
        OutputStream out = m.content();
        byte[] b = content.getBytes(StandardCharsets.UTF_8);
        // in odd-sized pieces, to cross line boundaries
        for (int i = 0; i < b.length; i += 7) {
            out.write(b, i, Math.min(7, b.length - i));
        }
        return m.commit(env);
    }

    private CompletableFuture<Void> send(CleanupQueueStore store, Envelope env, String content) throws IOException {
        return send(store, env, content, true);
    }

    private static String msg(String... lines) {
        return String.join("\r\n", lines) + "\r\n";
    }

    private static List<String> rcpts(Envelope e) {
        return e.recipients().stream().map(EnvelopeRecipient::address).collect(Collectors.toList());
    }

    private static CleanupRejection rejection(CompletableFuture<Void> f) {
        assertThat(f).isCompletedExceptionally();
        try {
            f.get();
        } catch (ExecutionException e) {
            assertThat(e.getCause()).isInstanceOf(CleanupRejection.class);
            return (CleanupRejection) e.getCause();
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
        throw new AssertionError("not rejected");
    }

    private static final String SIMPLE = msg("From: a@example.org", "To: b@example.com", "Subject: hi",
            "Date: Tue, 5 Mar 2024 10:00:00 +0000", "Message-ID: <m1@example.org>", "", "body");

    @Test
    void receivedHeaderShouldComeFirstWithForWhenOneRecipient() throws Exception {
        send(cleanup(), envelope(REMOTE, "a@example.org", "b@example.com"), SIMPLE).get();

        assertThat(queue.last().text()).startsWith("Received: from helo.example.net (client.example.net [192.0.2.7])\r\n"
                + "\tby mx.example.com (Postern) with ESMTP id 4ABC000001\r\n"
                + "\tfor <b@example.com>; Tue,  5 Mar 2024 10:06:07 +0000 (Z)\r\nFrom: a@example.org\r\n");
        assertThat(queue.last().committed.messageId()).isEqualTo("<m1@example.org>");
    }

    @Test
    void receivedHeaderShouldNameTheAuthenticatedSenderWhenSmtpdAsks() throws Exception {
        send(cleanup(), envelope(REMOTE, "a@example.org",
                b -> b.sasl(new SaslFacts("PLAIN", "joe", "")).saslHeader(true), "b@example.com"), SIMPLE).get();
        assertThat(queue.last().text()).startsWith("Received: from helo.example.net (client.example.net [192.0.2.7])\r\n"
                + "\t(Authenticated sender: joe)\r\n\tby mx.example.com (Postern) with ESMTP id ");
        send(cleanup(), envelope(REMOTE, "a@example.org", b -> b.sasl(new SaslFacts("", "joe", "")), "b@example.com"), SIMPLE).get();
        assertThat(queue.last().text()).doesNotContain("Authenticated sender");
    }

    @Test
    void receivedHeaderShouldOmitForWithSeveralRecipientsAndNameIpv6Literal() throws Exception {
        send(cleanup(), envelope("2001:db8::1", "a@example.org", "b@example.com", "c@example.com"), SIMPLE).get();

        assertThat(queue.last().text()).startsWith("Received: from helo.example.net (client.example.net [IPv6:2001:db8::1])\r\n"
                + "\tby mx.example.com (Postern) with ESMTP id 4ABC000001; Tue,  5 Mar 2024");
    }

    @Test
    void unannouncedMessageShouldGiveTheSameResultThroughTheSpillBuffer() throws Exception {
        CleanupQueueStore store = cleanup();
        send(store, envelope(REMOTE, "a@example.org", "b@example.com"), SIMPLE, true).get();
        String fast = queue.last().text();
        send(store, envelope(REMOTE, "a@example.org", "b@example.com"), SIMPLE, false).get();

        assertThat(queue.last().text()).isEqualTo(fast.replace("4ABC000001", "4ABC000002"));
    }

    @Test
    void missingHeadersShouldBeAddedForLoopbackClient() throws Exception {
        send(cleanup(), envelope(LOCAL, "a@example.org", "b@example.com"), msg("Subject: hi", "", "body")).get();

        assertThat(queue.last().text()).endsWith("Subject: hi\r\n"
                + "Message-Id: <20240305100607.4ABC000001@mx.example.com>\r\n"
                + "Date: Tue,  5 Mar 2024 10:06:07 +0000 (Z)\r\n"
                + "From: a@example.org\r\n\r\nbody\r\n");
        assertThat(queue.last().committed.messageId()).isEqualTo("<20240305100607.4ABC000001@mx.example.com>");
    }

    @Test
    void missingFromShouldBeMailerDaemonForNullSender() throws Exception {
        send(cleanup(), envelope(LOCAL, "", "b@example.com"), msg("Subject: x", "", "b")).get();

        assertThat(queue.last().text()).contains("\r\nFrom: MAILER-DAEMON\r\n\r\nb\r\n");
    }

    @Test
    void missingHeadersShouldNotBeAddedForRemoteClient() throws Exception {
        send(cleanup(), envelope(REMOTE, "a@example.org", "b@example.com"), msg("Subject: hi", "", "body")).get();

        assertThat(queue.last().text()).doesNotContain("Message-Id:", "Date:", "From:").endsWith("Subject: hi\r\n\r\nbody\r\n");
    }

    @Test
    void nonHeaderLineShouldEndTheHeaderSection() throws Exception {
        send(cleanup(), envelope(REMOTE, "a@example.org", "b@example.com"), msg("Subject: hi", "not a header", "x")).get();

        assertThat(queue.last().text()).endsWith("Subject: hi\r\n\r\nnot a header\r\nx\r\n");
    }

    @Test
    void headerRejectShouldRefuseWithTextAndCommitNothing() throws Exception {
        tables.regexp("hc", "^Subject:.*viagra", "REJECT 5.7.0 no spam here");
        CompletableFuture<Void> f = send(cleanup("header_checks = regexp:hc"),
                envelope(REMOTE, "a@example.org", "b@example.com"), msg("Subject: cheap VIAGRA", "", "b"));

        assertThat(rejection(f).reply().toString()).isEqualTo("550 5.7.0 no spam here");
        assertThat(queue.last().committed).isNull();
        assertThat(queue.last().closed).isTrue();
    }

    @Test
    void headerRejectWithoutTextShouldUseDefaultText() throws Exception {
        tables.regexp("hc", "^X-Bad:", "REJECT");
        CompletableFuture<Void> f = send(cleanup("header_checks = regexp:hc"),
                envelope(REMOTE, "a@example.org", "b@example.com"), msg("X-Bad: 1", "", "b"), false);

        assertThat(rejection(f).reply().toString()).isEqualTo("550 5.7.1 message content rejected");
    }

    @Test
    void headerChecksShouldSeeTheUnfoldedLogicalHeaderAndIgnoreDeletesIt() throws Exception {
        tables.regexp("hc", "^Subject: part one part two$", "IGNORE");
        send(cleanup("header_checks = regexp:hc"), envelope(REMOTE, "a@example.org", "b@example.com"),
                msg("Subject: part one", " part two", "X-Keep: 1", "", "b")).get();

        assertThat(queue.last().text()).doesNotContain("Subject", "part two").contains("X-Keep: 1\r\n\r\nb\r\n");
    }

    @Test
    void prependAndReplaceShouldEditHeaders() throws Exception {
        tables.regexp("hc", "^X-Spam: (.*)", "PREPEND X-Seen: $1", "^X-Mailer:", "REPLACE X-Mailer: hidden");
        send(cleanup("header_checks = regexp:hc"), envelope(REMOTE, "a@example.org", "b@example.com"),
                msg("X-Spam: yes", "X-Mailer: Foo 1.0", "", "b")).get();

        assertThat(queue.last().text()).contains("X-Seen: yes\r\nX-Spam: yes\r\nX-Mailer: hidden\r\n\r\nb\r\n");
    }

    @Test
    void mimeHeaderChecksShouldApplyToContentHeadersOnly() throws Exception {
        tables.regexp("mhc", "^Content-Type:.*exe", "REJECT bad attachment");
        CleanupQueueStore store = cleanup("mime_header_checks = regexp:mhc");

        assertThat(rejection(send(store, envelope(REMOTE, "a@example.org", "b@example.com"),
                msg("Content-Type: application/x-exe", "", "b"))).reply().text()).isEqualTo("bad attachment");
        send(store, envelope(REMOTE, "a@example.org", "b@example.com"), msg("Subject: exe", "", "b")).get();
        assertThat(queue.last().committed).isNotNull();
    }

    @Test
    void holdFilterRedirectAndBccFromHeaderChecksShouldReachTheEnvelope() throws Exception {
        tables.regexp("hc", "^X-Hold:", "HOLD quarantine", "^X-Filter:", "FILTER smtp:[127.0.0.1]:10025",
                "^X-Redirect:", "REDIRECT trap@example.com", "^X-Bcc:", "BCC audit@example.com",
                "^X-Warn:", "WARN look", "^X-Ok:", "DUNNO");
        send(cleanup("header_checks = regexp:hc"), envelope(REMOTE, "a@example.org", "b@example.com"),
                msg("X-Hold: 1", "X-Filter: 1", "X-Redirect: 1", "X-Bcc: 1", "X-Warn: 1", "X-Ok: 1", "", "b")).get();

        Envelope e = queue.last().committed;
        assertThat(e.actions().hold()).contains("quarantine");
        assertThat(e.actions().filter()).contains("smtp:[127.0.0.1]:10025");
        assertThat(rcpts(e)).containsExactly("trap@example.com", "audit@example.com");
        assertThat(e.recipients().get(1).notifyOn()).containsExactly(DsnNotify.NEVER);
        assertThat(queue.last().text()).contains("X-Warn: 1\r\nX-Ok: 1\r\n");
    }

    @Test
    void headerDiscardShouldSucceedWithoutStoring() throws Exception {
        tables.regexp("hc", "^X-Junk:", "DISCARD junk");
        CompletableFuture<Void> f = send(cleanup("header_checks = regexp:hc"),
                envelope(REMOTE, "a@example.org", "b@example.com"), msg("X-Junk: 1", "", "b"));

        assertThat(f).isCompleted().isNotCompletedExceptionally();
        assertThat(queue.last().committed).isNull();
        assertThat(queue.last().closed).isTrue();
    }

    @Test
    void bodyChecksRejectShouldRefuseAndLeaveHeadersAlone() throws Exception {
        tables.regexp("bc", "^Subject:", "REJECT wrong", "click here", "REJECT phishing");
        CleanupQueueStore store = cleanup("body_checks = regexp:bc");

        send(store, envelope(REMOTE, "a@example.org", "b@example.com"), msg("Subject: x", "", "hello")).get();
        assertThat(queue.last().committed).isNotNull();
        CompletableFuture<Void> f = send(store, envelope(REMOTE, "a@example.org", "b@example.com"),
                msg("Subject: x", "", "line", "please CLICK HERE now", "more"));
        assertThat(rejection(f).reply().toString()).isEqualTo("550 5.7.1 phishing");
        assertThat(queue.last().committed).isNull();
    }

    @Test
    void bodyChecksShouldReplaceAndIgnoreLines() throws Exception {
        tables.regexp("bc", "^secret", "REPLACE [removed]", "^drop me$", "IGNORE");
        send(cleanup("body_checks = regexp:bc"), envelope(REMOTE, "a@example.org", "b@example.com"),
                msg("Subject: x", "", "secret 1", "drop me", "keep")).get();

        assertThat(queue.last().text()).endsWith("\r\n\r\n[removed]\r\nkeep\r\n");
    }

    @Test
    void tableFailureInHeaderChecksShouldDeferWith451() throws Exception {
        tables.failing("hc");
        CompletableFuture<Void> f = send(cleanup("header_checks = fail:hc"),
                envelope(REMOTE, "a@example.org", "b@example.com"), SIMPLE);

        assertThat(rejection(f).reply().code()).isEqualTo(451);
        assertThat(queue.last().committed).isNull();
    }

    @Test
    void canonicalShouldTryFullAddressThenUserThenDomainAndPropagateExtension() throws Exception {
        CleanupQueueStore store = cleanup("recipient_delimiter = +",
                "canonical_maps = inline:{ joe@example.com=joseph@example.com, @example.com=@example.net,"
                        + " bob=robert@example.org }");
        send(store, envelope(REMOTE, "x@example.org", "joe@example.com", "ann@example.com", "joe+list@example.com",
                "bob@mx.example.com", "bob@elsewhere.example"), SIMPLE).get();

        assertThat(rcpts(queue.last().committed)).containsExactly("joseph@example.com", "ann@example.net",
                "joseph+list@example.com", "robert@example.org", "bob@elsewhere.example");
        assertThat(queue.last().committed.recipients().get(0).originalRecipient()).isEqualTo("rfc822;joe@example.com");
    }

    @Test
    void senderCanonicalShouldComeBeforeCanonicalAndMasqueradeAfter() throws Exception {
        send(cleanup("sender_canonical_maps = inline:{ a@example.org=a@host.dept.example.com }",
                        "canonical_maps = inline:{ a@example.org=never@example.com }",
                        "masquerade_domains = !keep.example.com, example.com"),
                envelope(REMOTE, "a@example.org", "b@example.com"), SIMPLE).get();

        assertThat(queue.last().committed.sender()).isEqualTo("a@example.com");
    }

    @Test
    void headerAddressesShouldBeRewrittenForLocalClientsOnly() throws Exception {
        CleanupQueueStore store = cleanup("canonical_maps = inline:{ a@example.org=Alice@example.com }",
                "masquerade_domains = example.com");
        String content = msg("From: \"A\" <a@example.org>", "To: x@sub.example.com, y@other.example", "", "b");

        send(store, envelope(LOCAL, "a@example.org", "b@example.com"), content).get();
        assertThat(queue.last().text()).contains("From: A <Alice@example.com>\r\n",
                "To: x@example.com, y@other.example\r\n");
        send(store, envelope(REMOTE, "a@example.org", "b@example.com"), content).get();
        assertThat(queue.last().text()).contains("From: \"A\" <a@example.org>\r\n", "To: x@sub.example.com");
    }

    @Test
    void virtualAliasesShouldExpandRecursivelyAndDropDuplicates() throws Exception {
        send(cleanup("virtual_alias_maps = inline:{ {team@example.com = ann@example.com, dev@example.com},"
                        + " {dev@example.com = bob@example.com, ann@example.com}, self@example.com=self@example.com }"),
                envelope(REMOTE, "x@example.org", "team@example.com", "bob@example.com", "self@example.com"), SIMPLE).get();

        assertThat(rcpts(queue.last().committed))
                .containsExactly("ann@example.com", "bob@example.com", "self@example.com");
    }

    @Test
    void virtualAliasLoopShouldRejectInsteadOfTruncating() throws Exception {
        CompletableFuture<Void> f = send(cleanup("virtual_alias_maps = inline:{ a@example.com=b@example.com,"
                        + " b@example.com=a@example.com }"),
                envelope(REMOTE, "x@example.org", "a@example.com"), SIMPLE);

        assertThat(rejection(f).reply().toString())
                .isEqualTo("554 5.4.6 virtual alias table recursion limit exceeded");
        assertThat(queue.last().committed).isNull();
        assertThat(queue.last().closed).isTrue();
    }

    @Test
    void virtualAliasFanOutOverTheLimitShouldRejectInsteadOfTruncating() throws Exception {
        CompletableFuture<Void> f = send(cleanup("virtual_alias_expansion_limit = 5",
                        "virtual_alias_maps = inline:{ {all@example.com = u1@x.example u2@x.example u3@x.example"
                                + " u4@x.example u5@x.example u6@x.example} }"),
                envelope(REMOTE, "x@example.org", "all@example.com"), SIMPLE);

        assertThat(rejection(f).reply().toString())
                .isEqualTo("554 5.4.6 too many recipients from virtual alias expansion");
        assertThat(queue.last().committed).isNull();
    }

    @Test
    void virtualAliasLookupFailureShouldDeferWith451() throws Exception {
        tables.failing("va");
        CompletableFuture<Void> f = send(cleanup("virtual_alias_maps = fail:va"),
                envelope(REMOTE, "x@example.org", "a@example.com"), SIMPLE);

        assertThat(rejection(f).reply().toString()).startsWith("451 4.3.0");
    }

    @Test
    void bccTablesShouldAddSeveralAddresses() throws Exception {
        send(cleanup("always_bcc = archive@example.com",
                        "sender_bcc_maps = inline:{ {@example.org = s1@example.com, s2@example.com} }",
                        "recipient_bcc_maps = inline:{ {b@example.com = r1@example.com r2@example.com} }"),
                envelope(REMOTE, "x@example.org", b -> b.actions(MessageActions.NONE.withBcc("smtpd1@example.com").withBcc("smtpd2@example.com")),
                        "b@example.com"), SIMPLE).get();

        assertThat(rcpts(queue.last().committed)).containsExactly("b@example.com", "r1@example.com",
                "r2@example.com", "s1@example.com", "s2@example.com", "archive@example.com",
                "smtpd1@example.com", "smtpd2@example.com");
        assertThat(queue.last().committed.actions().bcc()).isEmpty();
    }

    @Test
    void smtpdDiscardShouldSucceedWithoutStoring() throws Exception {
        CompletableFuture<Void> f = send(cleanup(),
                envelope(REMOTE, "x@example.org", b -> b.actions(MessageActions.NONE.withDiscard("spam client")), "b@example.com"), SIMPLE);

        assertThat(f).isCompleted().isNotCompletedExceptionally();
        assertThat(queue.last().committed).isNull();
        assertThat(queue.last().closed).isTrue();
    }

    @Test
    void smtpdRedirectPrependAndHoldShouldBeApplied() throws Exception {
        send(cleanup(), envelope(REMOTE, "x@example.org",
                b -> b.actions(MessageActions.NONE.withRedirect("trap@example.com").withPrepend("X-One: 1")
                        .withPrepend("X-Two: 2").withHold("why")),
                "b@example.com", "c@example.com"), SIMPLE).get();

        Envelope e = queue.last().committed;
        assertThat(rcpts(e)).containsExactly("trap@example.com");
        assertThat(e.actions().hold()).contains("why");
        assertThat(e.actions().redirect()).isEmpty();
        assertThat(e.actions().prepend()).isEmpty();
        assertThat(queue.last().text()).startsWith("X-One: 1\r\nX-Two: 2\r\nReceived: from ");
    }

    @Test
    void senderFromHeaderRewriteShouldUseFromForMynetworksClients() throws Exception {
        CleanupQueueStore store = cleanup("sender_from_header_rewrite = yes");
        String content = msg("From: Boss <boss@example.com>", "", "b");

        send(store, envelope(LOCAL, "bounce@example.org", "b@example.com"), content).get();
        assertThat(queue.last().committed.sender()).isEqualTo("boss@example.com");
        send(store, envelope(REMOTE, "bounce@example.org", "b@example.com"), content).get();
        assertThat(queue.last().committed.sender()).isEqualTo("bounce@example.org");
    }

    @Test
    void overlongHeaderShouldBeTruncatedToHeaderSizeLimit() throws Exception {
        send(cleanup("header_size_limit = 100"), envelope(REMOTE, "x@example.org", "b@example.com"),
                msg("X-Long: " + "a".repeat(300), "X-Next: 1", "", "b")).get();

        assertThat(queue.last().text()).contains("X-Long: " + "a".repeat(92) + "\r\nX-Next: 1\r\n");
    }

    @Test
    void tablesShouldBeOpenedOnceNotPerMessage() throws Exception {
        tables.regexp("hc", "^X-Nothing:", "IGNORE");
        CleanupQueueStore store = cleanup("header_checks = regexp:hc", "body_checks = regexp:hc");
        int opened = tables.opens;
        for (int i = 0; i < 3; i++) {
            send(store, envelope(REMOTE, "x@example.org", "b@example.com"), SIMPLE).get();
        }
        assertThat(tables.opens).isEqualTo(opened);
    }

    @Test
    void largeBodyShouldStreamIntoTheQueueBeforeCommit() throws Exception {
        queue.countOnly = true;
        tables.regexp("bc", "^never matches$", "REJECT");
        CleanupQueueStore store = cleanup("body_checks = regexp:bc");
        Envelope env = envelope(REMOTE, "x@example.org", "b@example.com");
        CleanupMessage m = store.receive();
        m.announce(env);
        OutputStream out = m.content();
        out.write(msg("Subject: big", "").getBytes(StandardCharsets.US_ASCII));
        byte[] line = ("x".repeat(998) + "\r\n").getBytes(StandardCharsets.US_ASCII);
        for (int i = 0; i < 20 * 1024; i++) {
            out.write(line);
        }
        // 20 MB written: nearly all of it already reached the queue, cleanup did not hold it.
        assertThat(queue.last().size).isGreaterThan(20L * 1024 * 1000 - 64 * 1024);
        m.commit(env).get();
        assertThat(queue.last().committed).isNotNull();
    }
}
