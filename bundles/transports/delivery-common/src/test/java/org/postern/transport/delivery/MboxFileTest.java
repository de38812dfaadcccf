// SPDX-License-Identifier: Apache-2.0
package org.postern.transport.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postern.api.delivery.MessageContent;

class MboxFileTest {

    @TempDir
    Path tmp;

    static MessageContent content(String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        return new MessageContent() {
            @Override
            public InputStream open() {
                return new ByteArrayInputStream(bytes);
            }

            @Override
            public long size() {
                return bytes.length;
            }
        };
    }

    @Test
    void concurrentAppendsFromSeveralThreadsShouldNotInterleave() throws Exception {
        Path mbox = tmp.resolve("box");
        LockSettings settings = new LockSettings(EnumSet.allOf(LockSettings.Method.class), 200, Duration.ofMillis(5),
                Duration.ofSeconds(500));
        MailboxLocks locks = new MailboxLocks();
        MailboxOwner owner = MailboxOwner.ofProcess();
        int threads = 8;
        int perThread = 25;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        List<Future<?>> futures = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int id = t;
            futures.add(pool.submit(() -> {
                for (int m = 0; m < perThread; m++) {
                    String tag = "T" + id + "M" + m;
                    StringBuilder body = new StringBuilder("Subject: " + tag + "\r\n\r\n");
                    for (int line = 0; line < 200; line++) {
                        body.append(tag).append(" line ").append(line).append("\r\n");
                    }
                    MessageContent message = content(body.toString());
                    MboxFile.append(mbox, owner, 0, settings, locks, out -> MessageCopier.copy(message, out,
                            EnumSet.of(CopyFlag.FROM_LINE, CopyFlag.QUOTE_FROM, CopyFlag.BLANK_LINE),
                            new MessageCopier.Envelope("s@example.org", "", tag), java.time.ZonedDateTime.now()));
                }
                return null;
            }));
        }
        for (Future<?> f : futures) {
            f.get();
        }
        pool.shutdown();

        String[] messages = Files.readString(mbox).split("\n\n(?=From s@example\\.org  )");
        assertThat(messages).hasSize(threads * perThread);
        for (String message : messages) {
            String[] lines = message.strip().split("\n");
            assertThat(lines[0]).startsWith("From s@example.org  ");
            String tag = lines[1].substring("Subject: ".length());
            assertThat(lines).hasSize(203);
            for (int i = 3; i < lines.length; i++) {
                assertThat(lines[i]).isEqualTo(tag + " line " + (i - 3));
            }
        }
        assertThat(tmp.resolve("box.lock")).doesNotExist();
    }

    @Test
    void fcntlOnlyLockingShouldAlsoSerializeThreads() throws Exception {
        Path mbox = tmp.resolve("box");
        LockSettings settings = new LockSettings(EnumSet.of(LockSettings.Method.FCNTL), 200, Duration.ofMillis(5),
                Duration.ofSeconds(500));
        MailboxLocks locks = new MailboxLocks();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        List<Future<?>> futures = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            futures.add(pool.submit(() -> {
                for (int m = 0; m < 20; m++) {
                    MboxFile.append(mbox, MailboxOwner.ofProcess(), 0, settings, locks,
                            out -> out.write("0123456789\n".repeat(100).getBytes(StandardCharsets.US_ASCII)));
                }
                return null;
            }));
        }
        for (Future<?> f : futures) {
            f.get();
        }
        pool.shutdown();

        assertThat(Files.readString(mbox)).isEqualTo("0123456789\n".repeat(100 * 80));
    }

    @Test
    void failedWriteShouldTruncateBackToTheOldLength() throws Exception {
        Path mbox = Files.writeString(tmp.resolve("box"), "old message\n\n");
        LockSettings settings = new LockSettings(EnumSet.allOf(LockSettings.Method.class), 3, Duration.ofMillis(5),
                Duration.ofSeconds(500));

        org.assertj.core.api.Assertions.assertThatThrownBy(() -> MboxFile.append(mbox, MailboxOwner.ofProcess(), 0,
                        settings, new MailboxLocks(), out -> {
                            out.write(new byte[100_000]);
                            throw new java.io.IOException("No space left on device");
                        }))
                .isInstanceOf(MailboxException.class)
                .satisfies(e -> assertThat(((MailboxException) e).isTemporary()).isTrue());
        assertThat(Files.readString(mbox)).isEqualTo("old message\n\n");
    }

    @Test
    void symbolicLinkShouldBeRefused() throws Exception {
        Path target = Files.writeString(tmp.resolve("target"), "");
        Path link = Files.createSymbolicLink(tmp.resolve("box"), target);
        LockSettings settings = new LockSettings(EnumSet.of(LockSettings.Method.FCNTL), 1, Duration.ofMillis(5),
                Duration.ofSeconds(500));

        org.assertj.core.api.Assertions.assertThatThrownBy(() -> MboxFile.append(link, MailboxOwner.ofProcess(), 0,
                settings, new MailboxLocks(), out -> out.write('x'))).isInstanceOf(MailboxException.class);
        assertThat(Files.readString(target)).isEmpty();
    }
}
