// SPDX-License-Identifier: Apache-2.0
package org.postern.core.queue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.postern.core.queue.TestMessages.envelope;
import static org.postern.core.queue.TestMessages.selfCheckingMessage;
import static org.postern.core.queue.TestMessages.submit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postern.core.message.MessageActions;

/** The queue's directories are 0700 and its files 0600, read back from the file system. */
class QueueFileModesTest {

    private static final Set<PosixFilePermission> RWX_OWNER = PosixFilePermissions.fromString("rwx------");
    private static final Set<PosixFilePermission> RW_OWNER = PosixFilePermissions.fromString("rw-------");

    @TempDir
    Path parent;

    private final List<FileQueueStore> opened = new ArrayList<>();

    @AfterEach
    void closeAll() {
        opened.forEach(FileQueueStore::close);
    }

    private Path queue() {
        return parent.resolve("queue");
    }

    private FileQueueStore open() throws IOException {
        FileQueueStore s = FileQueueStore.open(queue());
        opened.add(s);
        return s;
    }

    private static Set<PosixFilePermission> mode(Path p) throws IOException {
        return Files.getPosixFilePermissions(p);
    }

    @Test
    void openShouldCreateTheQueueDirectoryAndEverySubdirectoryWithMode0700() throws IOException {
        open();
        assertThat(mode(queue())).isEqualTo(RWX_OWNER);
        for (QueueName q : QueueName.values()) {
            assertThat(mode(queue().resolve(q.directory()))).as(q.directory()).isEqualTo(RWX_OWNER);
        }
    }

    @Test
    void openShouldTightenExistingDirectoriesWithWiderModes() throws IOException {
        Files.createDirectories(queue().resolve("incoming"));
        Files.createDirectories(queue().resolve("deferred"));
        Files.setPosixFilePermissions(queue(), PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.setPosixFilePermissions(queue().resolve("incoming"), PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.setPosixFilePermissions(queue().resolve("deferred"), PosixFilePermissions.fromString("rwxrwxrwx"));

        open();

        assertThat(mode(queue())).isEqualTo(RWX_OWNER);
        for (QueueName q : QueueName.values()) {
            assertThat(mode(queue().resolve(q.directory()))).as(q.directory()).isEqualTo(RWX_OWNER);
        }
    }

    @Test
    void aCommittedMessageShouldBeMode0600() throws Exception {
        FileQueueStore store = open();
        TestMessages.Submitted s = submit(store, selfCheckingMessage(1, 3000), envelope("a@b", "c@d"));
        s.committed().get(10, TimeUnit.SECONDS);

        assertThat(mode(queue().resolve("incoming").resolve(s.queueId()))).isEqualTo(RW_OWNER);
    }

    @Test
    void aFileBeingReceivedShouldBeMode0600BeforeItsFirstByte() throws Exception {
        FileQueueStore store = open();
        try (IncomingMessage m = store.receive()) {
            Path part = queue().resolve("incoming").resolve(m.queueId() + FileQueueStore.PART_SUFFIX);
            assertThat(mode(part)).isEqualTo(RW_OWNER);
        }
    }

    @Test
    void aMessageCommittedIntoHoldShouldBeMode0600() throws Exception {
        FileQueueStore store = open();
        TestMessages.Submitted s = submit(store, selfCheckingMessage(2, 3000), envelope("a@b", "c@d").toBuilder()
                .actions(MessageActions.NONE.withHold("access HOLD")).build());
        s.committed().get(10, TimeUnit.SECONDS);

        assertThat(mode(queue().resolve("hold").resolve(s.queueId()))).isEqualTo(RW_OWNER);
    }

    @Test
    void aMessageMovedToCorruptAtRecoveryShouldKeepMode0600() throws Exception {
        FileQueueStore store = open();
        TestMessages.Submitted s = submit(store, selfCheckingMessage(3, 3000), envelope("a@b", "c@d"));
        s.committed().get(10, TimeUnit.SECONDS);
        store.close();
        Path file = queue().resolve("incoming").resolve(s.queueId());
        byte[] bytes = Files.readAllBytes(file);
        bytes[bytes.length / 2] ^= 0x55;   // Files.write keeps the inode, so the mode stays the one the queue gave
        Files.write(file, bytes);

        FileQueueStore again = open();

        assertThat(again.recovery().movedToCorrupt()).isEqualTo(1);
        assertThat(mode(queue().resolve("corrupt").resolve(s.queueId()))).isEqualTo(RW_OWNER);
    }
}
