// SPDX-License-Identifier: Apache-2.0
package org.postern.core.qmgr;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postern.api.delivery.DeliveryAgent;
import org.postern.api.delivery.DeliveryRequest;
import org.postern.api.delivery.DeliveryResult;
import org.postern.api.delivery.MessageContent;
import org.postern.api.delivery.Recipient;
import org.postern.api.delivery.RecipientResult;
import org.postern.api.delivery.RecipientResult.Outcome;
import org.postern.api.message.DsnRequest;
import org.postern.api.message.MessageFacts;
import org.postern.core.config.ConfigEnvironment;
import org.postern.core.config.MainCf;
import org.postern.core.config.MasterCf;
import org.postern.core.config.ParameterTable;
import org.postern.core.config.PostfixConfig;

/** TransportDispatch: a request handed to a master.cf service with that service's settings. */
class TransportDispatchTest {

    private static final Recipient JOE = new Recipient("joe@example.com", "rfc822;joe@example.com", Set.of());
    private static final Recipient ANN = new Recipient("ann@example.com", "", Set.of());

    @TempDir
    Path dir;

    private Map<String, TransportService> services;
    private final Map<String, DeliveryAgent> agents = new HashMap<>();

    @BeforeEach
    void setUp() throws Exception {
        ConfigEnvironment env = new ConfigEnvironment(dir, dir, "mx.example.com");
        PostfixConfig main = PostfixConfig.of(ParameterTable.standard(), env, MainCf.parse(dir.resolve("main.cf"),
                List.of("myhostname = mx.example.com", "lmtp_connect_timeout = 7s")));
        MasterCf master = MasterCf.parse(dir.resolve("master.cf"), List.of(
                "local unix - n n - - local",
                "dovecot unix - - n - - lmtp -o lmtp_connect_timeout=3s",
                "vpipe unix - n n - - pipe flags=R user=vmail argv=/bin/cat",
                "nolmtp unix - - n - - absent"));
        services = TransportService.all(master, main, new ArrayList<>());
    }

    private TransportDispatch dispatch() {
        return new TransportDispatch(services::get, agents::get);
    }

    private static DeliveryRequest request(Recipient... recipients) {
        byte[] bytes = "Subject: hi\r\n\r\nbody\r\n".getBytes();
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
        return new DeliveryRequest("4XQID", "local", "mx.example.com", "sender@example.org", List.of(recipients),
                content, MessageFacts.none(Instant.EPOCH).withDsn(new DsnRequest("ENV1", DsnRequest.Return.UNSPECIFIED)),
                List.of("local-arg"), name -> null);
    }

    /** Remembers the request and answers each recipient with {@code decide}. */
    private static DeliveryAgent recording(AtomicReference<DeliveryRequest> seen, Function<Recipient, RecipientResult> decide) {
        return request -> {
            seen.set(request);
            return new DeliveryResult(request.recipients().stream().map(decide).toList());
        };
    }

    @Test
    void deliverShouldRunTheServicesAgentWithItsNameNexthopSettingsAndArguments() {
        AtomicReference<DeliveryRequest> seen = new AtomicReference<>();
        agents.put("lmtp", recording(seen, r -> new RecipientResult(r, Outcome.DELIVERED, "2.0.0",
                "250 2.0.0 Saved", "private/dovecot-lmtp")));
        DeliveryRequest original = request(JOE);

        DeliveryResult result = dispatch().deliver("dovecot", "unix:private/dovecot-lmtp", original);

        DeliveryRequest handed = seen.get();
        assertThat(handed.service()).isEqualTo("dovecot");
        assertThat(handed.nexthop()).isEqualTo("unix:private/dovecot-lmtp");
        assertThat(handed.settings().get("lmtp_connect_timeout")).isEqualTo("3s");
        assertThat(handed.arguments()).isEmpty();
        assertThat(handed.queueId()).isEqualTo("4XQID");
        assertThat(handed.sender()).isEqualTo("sender@example.org");
        assertThat(handed.recipients()).containsExactly(JOE);
        assertThat(handed.content()).isSameAs(original.content());
        assertThat(handed.facts()).isSameAs(original.facts());
        assertThat(result.results()).containsExactly(
                new RecipientResult(JOE, Outcome.DELIVERED, "2.0.0", "250 2.0.0 Saved", "private/dovecot-lmtp"));
    }

    @Test
    void deliverShouldPassTheServiceArgumentsWithoutOverrides() {
        AtomicReference<DeliveryRequest> seen = new AtomicReference<>();
        agents.put("pipe", recording(seen, r -> new RecipientResult(r, Outcome.DELIVERED, "2.0.0", "ok", "vpipe")));

        dispatch().deliver("vpipe", "", request(JOE));

        assertThat(seen.get().arguments()).containsExactly("flags=R", "user=vmail", "argv=/bin/cat");
        assertThat(seen.get().nexthop()).isEmpty();
    }

    @Test
    void bouncesAndDeferralsOfTheTargetShouldBeReturnedPerRecipient() {
        agents.put("lmtp", recording(new AtomicReference<>(), r -> r.equals(JOE)
                ? new RecipientResult(r, Outcome.BOUNCED, "5.1.1", "550 5.1.1 no such user", "lmtp")
                : new RecipientResult(r, Outcome.DEFERRED, "4.2.2", "452 4.2.2 over quota", "lmtp")));

        DeliveryResult result = dispatch().deliver("dovecot", "", request(JOE, ANN));

        assertThat(result.results()).extracting(RecipientResult::outcome).containsExactly(Outcome.BOUNCED, Outcome.DEFERRED);
        assertThat(result.results()).extracting(RecipientResult::dsnStatus).containsExactly("5.1.1", "4.2.2");
    }

    @Test
    void unknownServiceShouldDeferAsTransportUnavailable() {
        DeliveryResult result = dispatch().deliver("nosuch", "", request(JOE));

        assertThat(result.results()).containsExactly(
                new RecipientResult(JOE, Outcome.DEFERRED, "4.3.0", "mail transport unavailable", "none"));
    }

    @Test
    void serviceWhoseAgentIsNotInstalledShouldDeferAsTransportUnavailable() {
        agents.put("lmtp", recording(new AtomicReference<>(), r -> new RecipientResult(r, Outcome.DELIVERED, "2.0.0", "", "")));

        DeliveryResult result = dispatch().deliver("nolmtp", "", request(JOE));

        assertThat(result.results()).extracting(RecipientResult::outcome).containsExactly(Outcome.DEFERRED);
        assertThat(result.results()).extracting(RecipientResult::diagnostic).containsExactly("mail transport unavailable");
    }

    @Test
    void agentThatThrowsOrOmitsARecipientShouldDeferThoseRecipients() {
        agents.put("lmtp", request -> new DeliveryResult(List.of(
                new RecipientResult(JOE, Outcome.DELIVERED, "2.0.0", "ok", "lmtp"))));
        agents.put("pipe", request -> {
            throw new IllegalStateException("boom");
        });

        DeliveryResult partial = dispatch().deliver("dovecot", "", request(JOE, ANN));
        DeliveryResult thrown = dispatch().deliver("vpipe", "", request(JOE));

        assertThat(partial.results()).extracting(RecipientResult::outcome).containsExactly(Outcome.DELIVERED, Outcome.DEFERRED);
        assertThat(partial.results().get(1).diagnostic()).isEqualTo("delivery agent lmtp gave no result");
        assertThat(thrown.results()).extracting(RecipientResult::outcome).containsExactly(Outcome.DEFERRED);
    }

    @Test
    void dispatchToItselfShouldEndInADeferralNotAStackOverflow() {
        TransportDispatch[] self = new TransportDispatch[1];
        agents.put("local", request -> self[0].deliver("local", "", request));
        self[0] = dispatch();

        DeliveryResult result = self[0].deliver("local", "", request(JOE));

        assertThat(result.results()).containsExactly(
                new RecipientResult(JOE, Outcome.DEFERRED, "4.3.5", "mail system configuration error", "none"));
    }
}
