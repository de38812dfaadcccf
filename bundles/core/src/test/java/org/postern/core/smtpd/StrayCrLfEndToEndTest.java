// SPDX-License-Identifier: Apache-2.0
package org.postern.core.smtpd;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.postern.core.anvil.Anvil;
import org.postern.core.cleanup.CleanupQueueStore;
import org.postern.core.config.ConfigException;
import org.postern.core.config.PostfixConfig;
import org.postern.core.queue.QueueStore;
import org.postern.testing.MapDictRegistry;

/**
 * cleanup_replace_stray_cr_lf from smtpd to the queue file: an authenticated submission client
 * outside mynetworks sends bare CRs (outbound SMTP smuggling, "\r.\r"); what is queued, and
 * so what the next hop gets, has none.
 */
class StrayCrLfEndToEndTest {

    private final ScriptedSaslServer sasl = ScriptedSaslServer.withUsers(Map.of("joe", "secret"));

    private SessionHarness submission(String... mainCf) {
        PostfixConfig config = TestConfigs.config(mainCf);
        SessionHarness s = new SessionHarness(config, new ScriptedChecks(), new InetSocketAddress("198.51.100.7", 40000),
                null, Runnable::run, Duration.ofSeconds(10), () -> sasl, new Anvil(), SessionHarness.UNLIMITED_SPACE,
                queue -> withCleanup(queue, config));
        s.cmd("EHLO laptop.example");
        assertThat(s.cmd("AUTH PLAIN " + ScriptedSaslServer.b64("\0joe\0secret"))).startsWith("235");
        return s;
    }

    private static QueueStore withCleanup(QueueStore queue, PostfixConfig config) {
        try {
            return CleanupQueueStore.create(queue, config, new MapDictRegistry());
        } catch (ConfigException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String send(SessionHarness s, String content) {
        s.cmd("MAIL FROM:<joe@example.org>");
        s.cmd("RCPT TO:<friend@example.net>");
        assertThat(s.cmd("DATA")).startsWith("354");
        assertThat(s.send(content + ".\r\n")).startsWith("250 2.0.0 Ok: queued as");
        String text = s.queue.committed.get(s.queue.committed.size() - 1).text();
        return text.substring(text.indexOf("Subject:"));
    }

    @Test
    void bareCrFromAnAuthenticatedClientShouldNotReachTheQueue() {
        String queued = send(submission("smtpd_sasl_auth_enable = yes"),
                "Subject: hi\rthere\r\n\r\nhello\r.\rMAIL FROM:<forged@bank.example>\r\nbye\r\n");

        assertThat(queued).isEqualTo("Subject: hi there\r\n\r\nhello . MAIL FROM:<forged@bank.example>\r\nbye\r\n");
    }

    @Test
    void bareLfShouldStillBeALineEndAndNothingElse() {
        String queued = send(submission("smtpd_sasl_auth_enable = yes"), "Subject: hi\r\n\r\none\ntwo\r\n");

        assertThat(queued).isEqualTo("Subject: hi\r\n\r\none\r\ntwo\r\n");
    }

    @Test
    void withReplacementOffTheCrShouldPassAsBefore() {
        String queued = send(submission("smtpd_sasl_auth_enable = yes", "cleanup_replace_stray_cr_lf = no"),
                "Subject: hi\r\n\r\nhello\r.\rbye\r\n");

        assertThat(queued).isEqualTo("Subject: hi\r\n\r\nhello\r.\rbye\r\n");
    }
}
