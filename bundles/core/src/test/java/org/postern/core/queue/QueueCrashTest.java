// SPDX-License-Identifier: Apache-2.0
package org.postern.core.queue;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * kill -9 while receiving: every ID the child printed (it prints only after the commit future
 * completed) must be in the queue afterwards, whole. This kills the process, not the machine:
 * the page cache survives, so it proves that no acknowledged message depends on work after
 * the acknowledgement and that recovery copes with files cut at any point; it cannot prove
 * that fsync reached the platter.
 */
class QueueCrashTest {

    @TempDir
    Path dir;

    @Test
    void everyAcknowledgedMessageShouldSurviveSigkillWhole() throws Exception {
        List<String> acknowledged = new ArrayList<>();
        for (int round = 0; round < 3; round++) {
            acknowledged.addAll(runAndKill(400 + round * 350L));
        }
        assertThat(acknowledged).as("messages acknowledged before the kills").hasSizeGreaterThan(30);

        try (FileQueueStore store = FileQueueStore.open(dir)) {
            System.out.printf("crash test: %d acknowledged over 3 kills; recovery after the last: %s%n",
                    acknowledged.size(), store.recovery());
            for (String id : acknowledged) {
                QueuedMessage m = store.find(id).orElseThrow(() -> new AssertionError("lost acknowledged message " + id));
                assertThat(m.envelope().sender()).isEqualTo("crash@example.org");
                try (InputStream in = store.content(id)) {
                    byte[] content = in.readAllBytes();
                    assertThat(TestMessages.isWhole(content)).as("content of %s is whole", id).isTrue();
                    assertThat(content.length).isEqualTo(m.size());
                }
            }
            for (QueueName q : QueueName.values()) {
                for (QueuedMessage m : store.list(q)) {
                    try (InputStream in = store.content(m.queueId())) {
                        assertThat(TestMessages.isWhole(in.readAllBytes())).isTrue();
                    }
                }
            }
            assertThat(store.list(QueueName.CORRUPT)).isEmpty();
        }
    }

    private List<String> runAndKill(long millis) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder pb = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
                QueueCrashChild.class.getName(), dir.toString(), "6");
        pb.redirectError(ProcessBuilder.Redirect.DISCARD);
        Process child = pb.start();
        List<String> ids = new ArrayList<>();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.US_ASCII))) {
            assertThat(r.readLine()).isEqualTo("READY");
            Thread reader = new Thread(() -> {
                try {
                    String line;
                    while ((line = r.readLine()) != null) {
                        synchronized (ids) {
                            ids.add(line);
                        }
                    }
                } catch (java.io.IOException e) {
                    // the child died: the pipe is closed
                }
            });
            reader.start();
            Thread.sleep(millis);
            child.destroyForcibly(); // SIGKILL
            assertThat(child.waitFor(10, TimeUnit.SECONDS)).isTrue();
            reader.join(5000);
        }
        synchronized (ids) {
            ids.forEach(id -> assertThat(QueueIds.isValid(id)).as(id).isTrue());
            return new ArrayList<>(ids);
        }
    }
}
