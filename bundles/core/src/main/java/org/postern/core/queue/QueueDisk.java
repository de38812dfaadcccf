// SPDX-License-Identifier: Apache-2.0
package org.postern.core.queue;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Instant;
import java.util.EnumSet;
import java.util.Set;

import org.postern.core.config.FileModes;

/**
 * SUMMARY   Every call by which the queue changes what is on disk, and the syncs that make it durable.
 * DESCRIPTION
 *   The queue's crash safety is a protocol over these calls (write, force, rename, directory
 *   sync, in a certain order). Routing them through one interface lets a test record them
 *   and rebuild the state a power loss would leave at any point; reading goes straight to
 *   the file system, because a read changes nothing. The real implementation is plain NIO on
 *   Linux: {@link #force} is fdatasync, {@link #forceWithMetadata} fsync (the mtime is
 *   metadata), and a directory is synced by opening it read-only and forcing it.
 * SECURITY  Queue files hold other people's mail. A file is created with mode
 *   {@link #FILE_MODE} (0600) given to open(2) itself, so there is no moment when it is
 *   readable by anyone but Postern's user; a rename keeps the mode. Directories are created
 *   with {@link #DIRECTORY_MODE} (0700). The process umask can only take bits away from these,
 *   never add any.
 */
public interface QueueDisk {

    /** rw-------: every queue file, from its creation on. */
    Set<PosixFilePermission> FILE_MODE = FileModes.PRIVATE_FILE;

    /** rwx------: the queue directory and each of its subdirectories. */
    Set<PosixFilePermission> DIRECTORY_MODE = FileModes.PRIVATE_DIRECTORY;

    /** Creates a new, empty file for writing, mode {@link #FILE_MODE}; fails if the name exists. */
    FileChannel createNew(Path file) throws IOException;

    /**
     * Creates a directory and any missing parents, each with mode {@link #DIRECTORY_MODE}.
     * Not synced: the caller syncs the parent.
     */
    void createDirectories(Path directory) throws IOException;

    /** Sets a file's or directory's permission bits (the queue directories tightened at open). */
    void setPermissions(Path path, Set<PosixFilePermission> permissions) throws IOException;

    /** Opens an existing file for appending (delivery status records). */
    FileChannel openForAppend(Path file) throws IOException;

    /** Opens an existing file for writing in place (recovery truncates a torn tail). */
    FileChannel openForWrite(Path file) throws IOException;

    /** Renames atomically, within or between the queue's directories. */
    void rename(Path from, Path to) throws IOException;

    /** Removes a file; false when it was not there. */
    boolean delete(Path file) throws IOException;

    /** Sets the modification time (a deferred message's next attempt). */
    void setModifiedTime(Path file, Instant time) throws IOException;

    /** Makes the file's content durable, with the size and block map needed to read it back. */
    void force(FileChannel channel, Path file) throws IOException;

    /** Makes the file's content and its metadata (the modification time) durable. */
    void forceWithMetadata(FileChannel channel, Path file) throws IOException;

    /** Makes the directory's entries (creations, renames, removals) durable. */
    void syncDirectory(Path directory) throws IOException;

    QueueDisk REAL = new QueueDisk() {
        private final Set<StandardOpenOption> createNewOptions =
                EnumSet.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        private final FileAttribute<Set<PosixFilePermission>> fileAttribute =
                FileModes.attribute(FILE_MODE);
        private final FileAttribute<Set<PosixFilePermission>> directoryAttribute =
                FileModes.attribute(DIRECTORY_MODE);

        @Override
        public FileChannel createNew(Path file) throws IOException {
            return FileChannel.open(file, createNewOptions, fileAttribute);
        }

        @Override
        public void createDirectories(Path directory) throws IOException {
            Files.createDirectories(directory, directoryAttribute);
        }

        @Override
        public void setPermissions(Path path, Set<PosixFilePermission> permissions) throws IOException {
            Files.setPosixFilePermissions(path, permissions);
        }

        @Override
        public FileChannel openForAppend(Path file) throws IOException {
            return FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
        }

        @Override
        public FileChannel openForWrite(Path file) throws IOException {
            return FileChannel.open(file, StandardOpenOption.WRITE);
        }

        @Override
        public void rename(Path from, Path to) throws IOException {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
        }

        @Override
        public boolean delete(Path file) throws IOException {
            return Files.deleteIfExists(file);
        }

        @Override
        public void setModifiedTime(Path file, Instant time) throws IOException {
            Files.setLastModifiedTime(file, FileTime.from(time));
        }

        @Override
        public void force(FileChannel channel, Path file) throws IOException {
            channel.force(false);
        }

        @Override
        public void forceWithMetadata(FileChannel channel, Path file) throws IOException {
            channel.force(true);
        }

        @Override
        public void syncDirectory(Path directory) throws IOException {
            try (FileChannel dir = FileChannel.open(directory, StandardOpenOption.READ)) {
                dir.force(true);
            }
        }
    };
}
