// SPDX-License-Identifier: Apache-2.0
package org.postern.core.qmgr;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import java.util.function.UnaryOperator;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postern.api.delivery.DeliveryAgent;
import org.postern.api.delivery.DeliveryRequest;
import org.postern.api.delivery.DeliveryResult;
import org.postern.api.delivery.Recipient;
import org.postern.api.delivery.RecipientResult;
import org.postern.api.delivery.RecipientResult.Outcome;
import org.postern.api.dict.Dict;
import org.postern.api.dict.DictFlag;
import org.postern.api.dict.DictRegistry;
import org.postern.api.dict.LookupResult;
import org.postern.api.message.ClientFacts;
import org.postern.core.config.ConfigEnvironment;
import org.postern.core.config.LoadedConfig;
import org.postern.core.config.MainCf;
import org.postern.core.config.MasterCf;
import org.postern.core.config.ParameterTable;
import org.postern.core.config.PostfixConfig;
import org.postern.core.message.Envelope;
import org.postern.core.message.EnvelopeRecipient;
import org.postern.core.message.MessageActions;
import org.postern.core.queue.FileQueueStore;
import org.postern.core.queue.ForwardingQueueDisk;
import org.postern.core.queue.IncomingMessage;
import org.postern.core.queue.QueueDisk;
import org.postern.core.queue.QueueName;

/** The queue manager against a real FileQueueStore, with delivery agents written for each test. */
class QueueManagerTest {

    @TempDir
    Path dir;

    private FileQueueStore store;
    private QueueManager manager;
    private final RecordingNotices notices = new RecordingNotices();

    /** Notices as the queue manager asks for them (the RFC 3464 text is DsnNotices' business). */
    static final class RecordingNotices implements Notices {
        final List<String> finals = new CopyOnWriteArrayList<>();
        final List<String> delays = new CopyOnWriteArrayList<>();
        final Map<String, Map<Integer, RecipientStatus>> outcomes = new ConcurrentHashMap<>();

        @Override
        public void finalNotices(ActiveMessage message, FileQueueStore store) {
            finals.add(message.queueId);
            outcomes.put(message.queueId, Map.copyOf(message.finals));
        }

        @Override
        public void delayNotice(ActiveMessage message, FileQueueStore store) {
            delays.add(message.queueId);
        }
    }

    /** An agent whose answer per recipient is {@code decide}; counts calls and concurrency. */
    static final class ScriptedAgent implements DeliveryAgent {
        final Function<Recipient, RecipientResult> decide;
        final List<DeliveryRequest> requests = new CopyOnWriteArrayList<>();
        final List<String> contents = new CopyOnWriteArrayList<>();
        final AtomicInteger running = new AtomicInteger();
        final AtomicInteger maxRunning = new AtomicInteger();
        final List<Long> startMillis = Collections.synchronizedList(new ArrayList<>());
        volatile long sleepMillis;

        ScriptedAgent(Function<Recipient, RecipientResult> decide) {
            this.decide = decide;
        }

        static ScriptedAgent delivering() {
            return new ScriptedAgent(r -> new RecipientResult(r, Outcome.DELIVERED, "2.0.0", "delivered", "test"));
        }

        @Override
        public DeliveryResult deliver(DeliveryRequest request) {
            requests.add(request);
            startMillis.add(System.currentTimeMillis());
            try (InputStream in = request.content().open()) {
                contents.add(new String(in.readAllBytes(), StandardCharsets.US_ASCII));
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
            maxRunning.accumulateAndGet(running.incrementAndGet(), Math::max);
            try {
                if (sleepMillis > 0) {
                    Thread.sleep(sleepMillis);
                }
                return new DeliveryResult(request.recipients().stream().map(decide).toList());
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            } finally {
                running.decrementAndGet();
            }
        }
    }

    private static final DictRegistry NO_TABLES = (spec, flags) -> new Dict() {
        @Override
        public String type() {
            return "none";
        }

        @Override
        public String name() {
            return spec;
        }

        @Override
        public Set<DictFlag> flags() {
            return Set.of(DictFlag.FIXED);
        }

        @Override
        public LookupResult lookup(String key) {
            return LookupResult.notFound();
        }
    };

    private QmgrSettings settings(String... mainCf) throws Exception {
        ConfigEnvironment env = new ConfigEnvironment(dir, dir, "mx.example.com");
        List<String> main = new ArrayList<>(List.of("myhostname = mx.example.com", "mydomain = example.com",
                "mydestination = $myhostname, localhost", "inet_interfaces = loopback-only", "compatibility_level = 3.6"));
        main.addAll(List.of(mainCf));
        PostfixConfig config = PostfixConfig.of(ParameterTable.standard(), env, MainCf.parse(dir.resolve("main.cf"), main));
        MasterCf master = MasterCf.parse(dir.resolve("master.cf"), List.of(
                "smtp unix - - n - - smtp",
                "relay unix - - n - - smtp",
                "local unix - n n - - local",
                "error unix - - n - - error",
                "retry unix - - n - - error",
                "pipe unix - n n - 2 pipe flags=R user=nobody argv=/bin/cat"));
        return QmgrSettings.from(new LoadedConfig(config, Optional.of(master), List.of()), NO_TABLES);
    }

    private void start(QmgrSettings settings, Map<String, DeliveryAgent> agents) throws IOException {
        start(settings, agents, QueueDisk.REAL);
    }

    private void start(QmgrSettings settings, Map<String, DeliveryAgent> agents, QueueDisk disk) throws IOException {
        store = FileQueueStore.open(dir.resolve("queue"), FileQueueStore.Options.defaults().withDisk(disk));
        manager = new QueueManager(store, settings, notices, Clock.systemUTC());
        agents.forEach(manager::agentAdded);
        manager.start();
    }

    @AfterEach
    void stop() {
        if (manager != null) {
            manager.stop(Duration.ofSeconds(5));
        }
        if (store != null) {
            store.close();
        }
    }

    private String queue(String sender, String... recipients) throws Exception {
        return queue(Instant.now(), sender, recipients);
    }

    private String queue(Instant arrival, String sender, String... recipients) throws Exception {
        return queue(arrival, b -> b.client(new ClientFacts("", "", "192.0.2.1", -1, "", "")), sender, recipients);
    }

    private String queue(Instant arrival, UnaryOperator<Envelope.Builder> facts, String sender, String... recipients)
            throws Exception {
        List<EnvelopeRecipient> rcpts = new ArrayList<>();
        for (String r : recipients) {
            rcpts.add(new EnvelopeRecipient(r, "", Set.of()));
        }
        Envelope envelope = facts.apply(Envelope.builder(sender, rcpts, arrival)).build();
        try (IncomingMessage m = store.receive()) {
            m.content().write("Subject: test\r\n\r\nbody\r\n".getBytes(StandardCharsets.US_ASCII));
            m.commit(envelope).get();
            return m.queueId();
        }
    }

    private static void await(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 10_000;
        while (!condition.getAsBoolean()) {
            if (System.currentTimeMillis() > deadline) {
                throw new AssertionError("condition not met within 10 s");
            }
            Thread.sleep(10);
        }
    }

    private boolean gone(String id) {
        try {
            return store.find(id).isEmpty();
        } catch (IOException e) {
            return false;
        }
    }

    /** The message waits in deferred and the manager has let go of it. */
    private boolean deferredAndIdle(String id) {
        try {
            return where(id).equals(Optional.of(QueueName.DEFERRED)) && manager.activeCount() == 0;
        } catch (IOException e) {
            return false;
        }
    }

    private Optional<QueueName> where(String id) throws IOException {
        return store.read(id).map(FileQueueStore.Stored::queue);
    }

    @Test
    void anAgentThatArrivesWhileItsMessageIsBeingDeferredGetsItAtOnce() throws Exception {
        // At start the queue manager may run before the agents register: the first attempt
        // finds no agent, and the agent arrives while that message is still being deferred.
        CountDownLatch deferring = new CountDownLatch(1);
        CountDownLatch agentAdded = new CountDownLatch(1);
        QueueDisk disk = new ForwardingQueueDisk(QueueDisk.REAL) {
            @Override
            public void forceWithMetadata(FileChannel channel, Path file) throws IOException {
                deferring.countDown();   // the next-attempt time is being written
                try {
                    agentAdded.await(10, java.util.concurrent.TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                super.forceWithMetadata(channel, file);
            }
        };
        start(settings(), Map.of(), disk);
        String id = queue("alice@example.org", "bob@remote.example");
        assertThat(deferring.await(10, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        ScriptedAgent smtp = ScriptedAgent.delivering();
        manager.agentAdded("smtp", smtp);
        await(() -> manager.activeCount() >= 0);   // agentAdded's work has run on the scheduler
        agentAdded.countDown();
        await(() -> gone(id));   // not after minimal_backoff_time (300 s)
        assertThat(smtp.requests).hasSize(1);
    }

    @Test
    void aStatusThatCannotBeWrittenIsKeptAndWrittenBeforeTheMessageIsRemoved() throws Exception {
        AtomicBoolean diskFull = new AtomicBoolean(true);
        AtomicInteger appendAttempts = new AtomicInteger();
        QueueDisk disk = new ForwardingQueueDisk(QueueDisk.REAL) {
            @Override
            public FileChannel openForAppend(Path file) throws IOException {
                appendAttempts.incrementAndGet();
                if (diskFull.get()) {
                    throw new IOException("No space left on device");
                }
                return super.openForAppend(file);
            }
        };
        ScriptedAgent smtp = ScriptedAgent.delivering();
        start(settings("queue_run_delay = 1s"), Map.of("smtp", smtp), disk);
        String id = queue("alice@example.org", "bob@remote.example");
        // The delivery's status append fails, then the finish's retry of it fails too.
        await(() -> appendAttempts.get() >= 2);
        assertThat(where(id)).as("not removed without its status on disk").contains(QueueName.INCOMING);
        assertThat(store.appendedRecords(id)).isEmpty();
        diskFull.set(false);
        await(() -> gone(id));
        assertThat(smtp.requests).as("delivered once, not again after the write error").hasSize(1);
        assertThat(notices.outcomes.get(id).get(0).outcome()).isEqualTo(Outcome.DELIVERED);
    }

    @Test
    void newMailIsDeliveredAtOnceAndRemoved() throws Exception {
        ScriptedAgent smtp = ScriptedAgent.delivering();
        start(settings(), Map.of("smtp", smtp));
        String id = queue("alice@example.org", "bob@remote.example", "carol@remote.example", "dave@other.example");
        await(() -> gone(id));
        assertThat(smtp.requests).hasSize(2);
        assertThat(smtp.requests).extracting(DeliveryRequest::nexthop)
                .containsExactlyInAnyOrder("remote.example", "other.example");
        DeliveryRequest first = smtp.requests.stream().filter(r -> r.nexthop().equals("remote.example")).findFirst().orElseThrow();
        assertThat(first.recipients()).extracting(Recipient::address).containsExactly("bob@remote.example", "carol@remote.example");
        assertThat(first.sender()).isEqualTo("alice@example.org");
        assertThat(first.facts().client().address()).isEqualTo("192.0.2.1");
        assertThat(first.facts().arrival()).isNotNull();
        assertThat(smtp.contents).containsOnly("Subject: test\r\n\r\nbody\r\n");
        assertThat(notices.finals).containsExactly(id);
    }

    @Test
    void relayhostAndTransportRoutesAndRecipientLimits() throws Exception {
        ScriptedAgent smtp = ScriptedAgent.delivering();
        ScriptedAgent local = ScriptedAgent.delivering();
        start(settings("relayhost = [smarthost.example]:587", "smtp_destination_recipient_limit = 2"),
                Map.of("smtp", smtp, "local", local));
        String id = queue("alice@example.org", "a@remote.example", "b@remote.example", "c@remote.example",
                "u1@localhost", "u2@mx.example.com");
        await(() -> gone(id));
        assertThat(smtp.requests).extracting(DeliveryRequest::nexthop).containsOnly("[smarthost.example]:587");
        assertThat(smtp.requests).extracting(r -> r.recipients().size()).containsExactlyInAnyOrder(2, 1);
        // local_destination_recipient_limit = 1: one delivery per local recipient, nexthop $myhostname
        assertThat(local.requests).hasSize(2).extracting(DeliveryRequest::nexthop).containsOnly("mx.example.com");
        assertThat(local.requests.get(0).service()).isEqualTo("local");
    }

    @Test
    void deferredMailGoesToTheDeferredQueueAndFlushDeliversIt() throws Exception {
        AtomicInteger attempts = new AtomicInteger();
        ScriptedAgent smtp = new ScriptedAgent(r -> attempts.incrementAndGet() == 1
                ? new RecipientResult(r, Outcome.DEFERRED, "4.2.0", "host mx[192.0.2.9] said: 450 try later", "mx[192.0.2.9]:25")
                : new RecipientResult(r, Outcome.DELIVERED, "2.0.0", "250 ok", "mx[192.0.2.9]:25"));
        start(settings(), Map.of("smtp", smtp));
        String id = queue("alice@example.org", "bob@remote.example");
        await(() -> {
            try {
                return where(id).equals(Optional.of(QueueName.DEFERRED));
            } catch (IOException e) {
                return false;
            }
        });
        Instant next = store.nextAttempt(id).orElseThrow();
        // minimal_backoff_time 300s, randomised between half and all of the wait but never below the minimum
        assertThat(next).isAfter(Instant.now().plusSeconds(290)).isBefore(Instant.now().plusSeconds(310));
        assertThat(notices.finals).isEmpty();
        manager.flush();
        await(() -> gone(id));
        assertThat(attempts).hasValue(2);
    }

    @Test
    void aMissingAgentDefersAndTheMailFlowsWhenItArrives() throws Exception {
        start(settings(), Map.of());
        String id = queue("alice@example.org", "bob@remote.example");
        await(() -> deferredAndIdle(id));
        RecipientStatus reason = RecipientStatus.read(store.appendedRecords(id)).get(0);
        assertThat(reason.diagnostic()).isEqualTo("mail transport unavailable");
        ScriptedAgent smtp = ScriptedAgent.delivering();
        manager.agentAdded("smtp", smtp);
        await(() -> gone(id));
        assertThat(smtp.requests).hasSize(1);
    }

    @Test
    void mailThatAStoppingAgentDeferredGoesToItsSuccessorAtOnce() throws Exception {
        // bundle:update: the old agent is unregistered, then refuses what it has not started.
        DeliveryAgent stopping = new DeliveryAgent() {
            @Override
            public DeliveryResult deliver(DeliveryRequest request) {
                manager.agentRemoved("smtp", this);
                return new DeliveryResult(request.recipients().stream().map(r -> new RecipientResult(r,
                        Outcome.DEFERRED, "4.3.0", "smtp delivery agent is stopping", "none")).toList());
            }
        };
        start(settings(), Map.of("smtp", stopping));
        String id = queue("alice@example.org", "bob@remote.example");
        await(() -> deferredAndIdle(id));
        ScriptedAgent successor = ScriptedAgent.delivering();
        manager.agentAdded("smtp", successor);
        await(() -> gone(id));   // not after minimal_backoff_time (300 s)
        String next = queue("alice@example.org", "carol@remote.example");
        await(() -> gone(next));   // the destination was not marked dead
        assertThat(successor.requests).hasSize(2);
    }

    @Test
    void finishedRecipientsAreNeverDeliveredAgainAfterARestart() throws Exception {
        ScriptedAgent first = new ScriptedAgent(r -> r.address().startsWith("ok")
                ? new RecipientResult(r, Outcome.DELIVERED, "2.0.0", "250 ok", "mx")
                : new RecipientResult(r, Outcome.DEFERRED, "4.4.1", "connection timed out", "none"));
        start(settings(), Map.of("smtp", first));
        String id = queue("alice@example.org", "ok@a.example", "later@b.example");
        await(() -> deferredAndIdle(id));
        manager.stop(Duration.ofSeconds(5));
        store.close();

        ScriptedAgent second = ScriptedAgent.delivering();
        start(settings(), Map.of("smtp", second));
        manager.flush();
        await(() -> gone(id));
        assertThat(second.requests).hasSize(1);
        assertThat(second.requests.get(0).recipients()).extracting(Recipient::address).containsExactly("later@b.example");
    }

    @Test
    void expiredMailIsReturnedToTheSender() throws Exception {
        ScriptedAgent smtp = new ScriptedAgent(r -> new RecipientResult(r, Outcome.DEFERRED, "4.4.1", "no route", "none"));
        start(settings(), Map.of("smtp", smtp));
        String old = queue(Instant.now().minus(Duration.ofDays(6)), "alice@example.org", "bob@remote.example");
        await(() -> gone(old));
        RecipientStatus returned = notices.outcomes.get(old).get(0);
        assertThat(returned.outcome()).isEqualTo(Outcome.BOUNCED);
        assertThat(returned.dsnStatus()).isEqualTo("4.4.1");
        assertThat(returned.diagnostic()).isEqualTo("message expired in queue: no route");
    }

    @Test
    void theErrorTransportBouncesWithItsText() throws Exception {
        start(settings("virtual_alias_domains = alias.example"), Map.of("error", new ErrorAgent()));
        String id = queue("alice@example.org", "nobody@alias.example");
        await(() -> gone(id));
        RecipientStatus bounced = notices.outcomes.get(id).get(0);
        assertThat(bounced.outcome()).isEqualTo(Outcome.BOUNCED);
        assertThat(bounced.dsnStatus()).isEqualTo("5.1.1");
        assertThat(bounced.diagnostic()).isEqualTo("User unknown in virtual alias table");
    }

    @Test
    void concurrencyPerDestinationIsLimited() throws Exception {
        ScriptedAgent smtp = ScriptedAgent.delivering();
        smtp.sleepMillis = 100;
        start(settings("smtp_destination_concurrency_limit = 2", "smtp_destination_recipient_limit = 2"),
                Map.of("smtp", smtp));
        String id = queue("alice@example.org", "a@remote.example", "b@remote.example", "c@remote.example",
                "d@remote.example", "e@remote.example", "f@remote.example", "g@remote.example", "h@remote.example",
                "i@remote.example", "j@remote.example", "k@remote.example", "l@remote.example");
        await(() -> gone(id));
        assertThat(smtp.requests).hasSize(6);
        assertThat(smtp.maxRunning.get()).isEqualTo(2);
    }

    /** An agent that holds every delivery to {@code stuck} until released, as a locked mailbox does. */
    private static ScriptedAgent holding(String stuck, CountDownLatch release) {
        return new ScriptedAgent(r -> {
            if (r.address().equals(stuck)) {
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return new RecipientResult(r, Outcome.DEFERRED, "4.2.0", "unable to lock for exclusive access", "local");
            }
            return new RecipientResult(r, Outcome.DELIVERED, "2.0.0", "delivered to mailbox", "local");
        });
    }

    @Test
    void oneLocalUsersStuckDeliveriesDoNotHoldUpTheOtherLocalUsers() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        ScriptedAgent local = holding("joe@mx.example.com", release);
        // Postfix's defaults: local_destination_concurrency_limit = 2, local_destination_recipient_limit = 1.
        start(settings(), Map.of("local", local));
        try {
            String joe1 = queue("alice@example.org", "joe@mx.example.com");
            String joe2 = queue("alice@example.org", "joe@mx.example.com");
            String joe3 = queue("alice@example.org", "joe@mx.example.com");
            await(() -> local.running.get() == 2);
            String ann = queue("MAILER-DAEMON@example.org", "ann@mx.example.com");

            await(() -> gone(ann));
            // joe's queue allows two at a time: the third waits behind joe's own, and only those
            assertThat(local.requests).extracting(r -> r.recipients().get(0).address())
                    .containsExactlyInAnyOrder("joe@mx.example.com", "joe@mx.example.com", "ann@mx.example.com");
            assertThat(List.of(joe1, joe2, joe3)).allMatch(id -> !gone(id));
        } finally {
            release.countDown();
        }
    }

    @Test
    void withRecipientLimitOneConcurrencyCountsPerRecipientWithoutTheExtension() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        ScriptedAgent smtp = holding("a+one@remote.example", release);
        start(settings("smtp_destination_concurrency_limit = 1", "smtp_destination_recipient_limit = 1",
                "recipient_delimiter = +"), Map.of("smtp", smtp));
        try {
            queue("alice@example.org", "a+one@remote.example");
            await(() -> smtp.running.get() == 1);
            String sameUser = queue("alice@example.org", "A+two@remote.example");
            String otherUser = queue("alice@example.org", "b@remote.example");

            await(() -> gone(otherUser));
            assertThat(smtp.requests).hasSize(2);
            assertThat(gone(sameUser)).isFalse();
        } finally {
            release.countDown();
        }
    }

    @Test
    void rateDelaySpacesDeliveriesToOneDestination() throws Exception {
        ScriptedAgent smtp = ScriptedAgent.delivering();
        start(settings("smtp_destination_rate_delay = 400ms", "smtp_destination_recipient_limit = 2"),
                Map.of("smtp", smtp));
        String id = queue("alice@example.org", "a@remote.example", "b@remote.example", "c@remote.example",
                "d@remote.example", "e@remote.example", "f@remote.example");
        await(() -> gone(id));
        List<Long> starts = new ArrayList<>(smtp.startMillis);
        Collections.sort(starts);
        // Measured where the agent starts, after the queue manager's hand-off to a worker thread:
        // each start may come up to ~100 ms late on a loaded machine (seen: 181 ms for a 200 ms
        // delay), which without the delay would be a few milliseconds apart.
        assertThat(starts.get(1) - starts.get(0)).isGreaterThanOrEqualTo(300);
        assertThat(starts.get(2) - starts.get(1)).isGreaterThanOrEqualTo(300);
        assertThat(smtp.maxRunning.get()).isEqualTo(1);
    }

    @Test
    void aDeadDestinationSuspendsItsWaitingMail() throws Exception {
        ScriptedAgent smtp = new ScriptedAgent(r -> new RecipientResult(r, Outcome.DEFERRED, "4.4.1",
                "connect to mx.remote.example[192.0.2.5]:25: Connection refused", "none"));
        start(settings("smtp_destination_concurrency_limit = 1", "smtp_destination_recipient_limit = 2"),
                Map.of("smtp", smtp));
        String id = queue("alice@example.org", "a@remote.example", "b@remote.example", "c@remote.example",
                "d@remote.example", "e@remote.example", "f@remote.example");
        await(() -> deferredAndIdle(id));
        // failed cohort limit 1: after the first failure the other recipients are not tried
        assertThat(smtp.requests).hasSize(1);
        assertThat(RecipientStatus.read(store.appendedRecords(id))).extracting(RecipientStatus::diagnostic)
                .contains("delivery temporarily suspended: connect to mx.remote.example[192.0.2.5]:25: Connection refused");
    }

    @Test
    void heldMailWaitsInTheHoldQueueUntilReleased() throws Exception {
        ScriptedAgent smtp = ScriptedAgent.delivering();
        start(settings(), Map.of("smtp", smtp));
        String id = queue(Instant.now(), b -> b.actions(MessageActions.NONE.withHold("header Subject: test")), "alice@example.org", "bob@remote.example");
        await(() -> {
            try {
                return where(id).equals(Optional.of(QueueName.HOLD));
            } catch (IOException e) {
                return false;
            }
        });
        assertThat(smtp.requests).isEmpty();
        store.move(id, QueueName.DEFERRED);   // postsuper -H
        manager.flush();
        await(() -> gone(id));
        assertThat(smtp.requests).hasSize(1);
    }

    @Test
    void filterSendsEveryRecipientToTheFilterTransport() throws Exception {
        ScriptedAgent smtp = ScriptedAgent.delivering();
        start(settings(), Map.of("smtp", smtp));
        String id = queue(Instant.now(), b -> b.actions(MessageActions.NONE.withFilter("relay:[127.0.0.1]:10025")), "alice@example.org",
                "bob@remote.example", "carol@other.example");
        await(() -> gone(id));
        assertThat(smtp.requests).hasSize(1);
        assertThat(smtp.requests.get(0).service()).isEqualTo("relay");
        assertThat(smtp.requests.get(0).nexthop()).isEqualTo("[127.0.0.1]:10025");
        assertThat(smtp.requests.get(0).recipients()).hasSize(2);
    }

    @Test
    void deferTransportsHoldMailBackUntilPostqueueF() throws Exception {
        ScriptedAgent smtp = ScriptedAgent.delivering();
        start(settings("defer_transports = smtp"), Map.of("smtp", smtp));
        String id = queue("alice@example.org", "bob@remote.example");
        await(() -> deferredAndIdle(id));
        assertThat(smtp.requests).isEmpty();
        assertThat(RecipientStatus.read(store.appendedRecords(id)).get(0).diagnostic()).isEqualTo("deferred transport");
        manager.flush();
        await(() -> gone(id));
        assertThat(smtp.requests).hasSize(1);
    }

    @Test
    void anAgentThatThrowsDefersEveryRecipient() throws Exception {
        DeliveryAgent broken = request -> {
            throw new IllegalStateException("bug");
        };
        start(settings(), Map.of("smtp", broken));
        String id = queue("alice@example.org", "bob@remote.example");
        await(() -> deferredAndIdle(id));
        assertThat(RecipientStatus.read(store.appendedRecords(id)).get(0).diagnostic())
                .isEqualTo("delivery agent smtp gave no result");
    }
}
