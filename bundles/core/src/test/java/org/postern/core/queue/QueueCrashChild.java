// SPDX-License-Identifier: Apache-2.0
package org.postern.core.queue;

import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The victim of {@link QueueCrashTest}: receives self-checking messages on several threads
 * forever and prints each queue ID only after its commit future completed. The parent kills
 * it with SIGKILL at a random moment.
 */
public final class QueueCrashChild {

    private QueueCrashChild() {
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        int threads = Integer.parseInt(args[1]);
        FileQueueStore store = FileQueueStore.open(dir);
        PrintStream out = new PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.out), false,
                StandardCharsets.US_ASCII);
        AtomicLong seq = new AtomicLong();
        out.println("READY");
        out.flush();
        for (int t = 0; t < threads; t++) {
            Thread w = new Thread(() -> {
                try {
                    while (true) {
                        long n = seq.incrementAndGet();
                        byte[] content = TestMessages.selfCheckingMessage(n, 1000 + (int) (n * 7919 % 60_000));
                        IncomingMessage m = store.receive();
                        try (OutputStream os = m.content()) {
                            // in pieces, so that kills also land mid-content
                            for (int i = 0; i < content.length; i += 4096) {
                                os.write(content, i, Math.min(4096, content.length - i));
                            }
                        }
                        m.commit(TestMessages.envelope("crash@example.org", "r" + n + "@example.com")).join();
                        synchronized (out) {
                            out.println(m.queueId());
                            out.flush();
                        }
                    }
                } catch (Exception e) {
                    e.printStackTrace();
                }
            }, "receiver-" + t);
            w.start();
        }
    }
}
