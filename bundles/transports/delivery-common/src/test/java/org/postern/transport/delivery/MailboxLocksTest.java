// SPDX-License-Identifier: Apache-2.0
package org.postern.transport.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MailboxLocksTest {

    @TempDir
    Path tmp;

    /** One attempt, so that a wait behind another mailbox would show up as a lock failure, not as time. */
    private static final LockSettings ONE_TRY = new LockSettings(EnumSet.allOf(LockSettings.Method.class), 1,
            Duration.ofMillis(10), Duration.ofSeconds(500));

    @Test
    void aHeldMailboxShouldNeverMakeAnotherMailboxWait() throws Exception {
        MailboxLocks locks = new MailboxLocks();
        // Enough names that any fixed set of shared locks (hash stripes) would put some with "a".
        List<String> failed = new ArrayList<>();
        try (MailboxLocks.Held a = locks.lock(tmp.resolve("a"), ONE_TRY)) {
            for (int i = 0; i < 300; i++) {
                Path other = tmp.resolve("user" + i);
                try {
                    CompletableFuture.runAsync(() -> {
                        try (MailboxLocks.Held held = locks.lock(other, ONE_TRY)) {
                            assertThat(Files.exists(tmp.resolve(other.getFileName() + ".lock"))).isTrue();
                        } catch (MailboxException e) {
                            throw new IllegalStateException(e);
                        }
                    }).get();
                } catch (ExecutionException e) {
                    failed.add(other.getFileName() + ": " + e.getCause());
                }
            }
        }
        assertThat(failed).isEmpty();
        assertThat(locks.lockedFiles()).isZero();
    }

    @Test
    void aSecondDeliveryToTheSameMailboxShouldWaitThenBeDeferred() throws Exception {
        MailboxLocks locks = new MailboxLocks();
        try (MailboxLocks.Held a = locks.lock(tmp.resolve("a"), ONE_TRY)) {
            CompletableFuture<Void> second = CompletableFuture.runAsync(() -> {
                try (MailboxLocks.Held again = locks.lock(tmp.resolve("a"), ONE_TRY)) {
                    throw new AssertionError("locked twice");
                } catch (MailboxException e) {
                    throw new IllegalStateException(e);
                }
            });
            assertThatThrownBy(second::get).hasRootCauseInstanceOf(MailboxException.class)
                    .rootCause().hasMessage("unable to lock for exclusive access")
                    .satisfies(e -> assertThat(((MailboxException) e).dsnStatus()).isEqualTo("4.2.0"));
        }
        assertThat(locks.lockedFiles()).isZero();
        try (MailboxLocks.Held again = locks.lock(tmp.resolve("a"), ONE_TRY)) {
            assertThat(locks.lockedFiles()).isOne();
        }
    }
}
