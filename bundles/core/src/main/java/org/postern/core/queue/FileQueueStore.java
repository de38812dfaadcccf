// SPDX-License-Identifier: Apache-2.0
package org.postern.core.queue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

import org.postern.core.config.FileModes;
import org.postern.core.message.Envelope;
import org.postern.core.queue.QueueFile.CorruptQueueFileException;
import org.postern.core.queue.QueueFile.Parsed;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * SUMMARY   The durable mail queue: one file per message under queue_directory.
 * DESCRIPTION
 *   Directories {@code incoming}, {@code active}, {@code deferred}, {@code hold} and
 *   {@code corrupt} below the queue directory, as in Postfix. A message file is named by its
 *   queue ID ({@link QueueIds}) and laid out as {@link QueueFile} describes.
 *   <p>Receiving: {@link #receive()} creates {@code incoming/<ID>.part} (CREATE_NEW); the
 *   content streams into it through a buffer that keeps a CRC-32C. {@code commit} appends
 *   the envelope and the commit record, writes the header, and hands the file to the
 *   {@link GroupCommitter}, which renames it to {@code incoming/<ID>} (or {@code hold/<ID>}
 *   for a message with a HOLD action), forces it and has the directory synced, once per
 *   batch; then the future completes (and the 250 goes out). Until then the message is
 *   invisible: {@link #list}, {@link #find}, {@link #dueTimes} and the rest skip it, so a
 *   rescan (postsuper) never schedules a file that is not yet durable, and a commit that
 *   fails (its file removed, the removal synced, the client told 451) was never seen by
 *   delivery.
 *   <p>Logging: nothing at commit; the queue manager logs Postfix's
 *   {@code ID: from=<sender>, size=N, nrcpt=M (queue active)} when it takes the message in.
 *   <p>Recovery, at {@link #open}: every {@code *.part} file is removed (its sender never
 *   got a 250, so the client still owns the message and will send it again; keeping it
 *   could only produce a duplicate, and its content may be torn). Every file with an ID
 *   name is checked (header, checksummed envelope records, commit record, and the content
 *   against the checksum the commit record holds); one that fails
 *   is moved to {@code corrupt/} with a warning, like Postfix does, because it may have
 *   been acknowledged and the administrator may want to look at it. A torn record appended
 *   after the commit record (a crash during a status update) is truncated away.
 *   <p>File allocation: one file create and one rename per message, no delete on the
 *   receive path (the delete comes with delivery). Pre-allocated or recycled files were
 *   considered and not built: create+write+close+delete without any sync measured 11 to 25
 *   microseconds of CPU on the test machine, against roughly a millisecond for the journal
 *   commit that the grouped syncs pay anyway, and a recycled file would still need its
 *   blocks rewritten and its rename synced, so it would save CPU, not a sync.
 * SECURITY  The queue holds other people's mail: the queue directory and its subdirectories
 *   are mode 0700 (created so, tightened at open when found wider, with a warning naming
 *   each), and every queue file is created 0600 ({@link QueueDisk#createNew}), whatever the
 *   umask. A file keeps its mode when it moves between queues, corrupt/ included.
 *   Queue IDs given by users (postcat -q) are checked with {@link QueueIds#isValid}
 *   before any path is built. Envelope values are checked for NUL/CR/LF at commit. The
 *   content is opaque bytes here.
 * CONFIGURATION PARAMETERS
 *   queue_directory (default ${karaf.data}/postern/queue), read once at start.
 * DURABILITY Every change is durable before the call that makes it returns: a commit
 *   (content forced, name synced), a move (both directories synced), a removal (directory
 *   synced), a status append (forced), a next-attempt time (fsync of the file's metadata).
 *   {@code PowerLossTest} replays these protocols against a model of what a power loss
 *   leaves on disk.
 * BUGS      No hashed subdirectories (hash_queue_names). No maildrop or saved queue.
 */
public final class FileQueueStore implements QueueStore, AutoCloseable {

    static final Logger CLEANUP = LoggerFactory.getLogger("postern.cleanup");
    static final Logger QMGR = LoggerFactory.getLogger("postern.qmgr");

    static final String PART_SUFFIX = ".part";

    /**
     * Tuning and test seams.
     *
     * @param syncThreads threads that force, rename and group-sync committed files; each
     *                    waits in fsync most of the time, so more than cores is right
     * @param clock       for queue IDs
     * @param disk        the calls that change the disk (tests count, fail or record them)
     */
    public record Options(int syncThreads, Clock clock, QueueDisk disk) {
        public static Options defaults() {
            return new Options(16, Clock.systemUTC(), QueueDisk.REAL);
        }

        public Options withSyncThreads(int n) {
            return new Options(n, clock, disk);
        }

        public Options withDisk(QueueDisk d) {
            return new Options(syncThreads, clock, d);
        }
    }

    /** What recovery found at start. */
    public record Recovery(int partialRemoved, int movedToCorrupt, int tailsTruncated, int messages) {
    }

    /** Commit counters since start: batches much smaller than commits means grouping works. */
    public record CommitStats(long commits, long failures, long batches, long fileForces, long directorySyncs,
                              int largestBatch) {
    }

    private final Path root;
    private final QueueIds ids;
    private final QueueDisk disk;
    /** Renamed to their queue ID but not yet durable: invisible to every reader until they are. */
    private final Set<String> committing = ConcurrentHashMap.newKeySet();
    private final GroupCommitter committer;
    private final Recovery recovery;
    private final List<Consumer<String>> commitListeners = new CopyOnWriteArrayList<>();
    private volatile boolean closed;

    private FileQueueStore(Path root, Options options) throws IOException {
        this.root = root;
        this.ids = new QueueIds(options.clock());
        this.disk = options.disk();
        prepareDirectories();
        this.recovery = recover();
        this.committer = new GroupCommitter("postern-queue-sync", disk, options.syncThreads());
    }

    /** Opens (creating when needed) the queue under {@code directory} and runs recovery. */
    public static FileQueueStore open(Path directory, Options options) throws IOException {
        return new FileQueueStore(directory.toAbsolutePath(), options);
    }

    public static FileQueueStore open(Path directory) throws IOException {
        return open(directory, Options.defaults());
    }

    public Path directory() {
        return root;
    }

    public Recovery recovery() {
        return recovery;
    }

    public CommitStats commitStats() {
        GroupCommitter.Stats s = committer.stats();
        return new CommitStats(s.commits(), s.failures(), s.batches(), s.fileForces(), s.directorySyncs(),
                s.largestBatch());
    }

    Path queueDirectory(QueueName queue) {
        return root.resolve(queue.directory());
    }

    // ---------------------------------------------------------------- start-up

    /**
     * Creates the queue directory and its subdirectories, mode 0700, and tightens to 0700 any
     * that exists with more (a queue made by an older version, or by hand), with one warning.
     */
    private void prepareDirectories() throws IOException {
        boolean created = false;
        List<Path> directories = new ArrayList<>();
        directories.add(root);
        if (!Files.isDirectory(root)) {
            disk.createDirectories(root);
            if (root.getParent() != null) {
                disk.syncDirectory(root.getParent());
            }
        }
        for (QueueName q : QueueName.values()) {
            Path d = queueDirectory(q);
            directories.add(d);
            if (!Files.isDirectory(d)) {
                disk.createDirectories(d);
                created = true;
            }
        }
        if (created) {
            disk.syncDirectory(root);
        }
        List<String> tightened = new ArrayList<>();
        for (Path d : directories) {
            Set<PosixFilePermission> mode = Files.getPosixFilePermissions(d);
            if (!mode.equals(QueueDisk.DIRECTORY_MODE)) {
                disk.setPermissions(d, QueueDisk.DIRECTORY_MODE);
                tightened.add(d + " (was " + FileModes.octal(mode) + ")");
            }
        }
        if (!tightened.isEmpty()) {
            QMGR.warn("warning: queue directory mode changed to 0700: {}", String.join(", ", tightened));
        }
    }

    private Recovery recover() throws IOException {
        int partial = 0;
        int corrupt = 0;
        int truncated = 0;
        int messages = 0;
        for (QueueName q : QueueName.values()) {
            Path dir = queueDirectory(q);
            for (Path file : entries(dir)) {
                String name = file.getFileName().toString();
                if (name.endsWith(PART_SUFFIX)) {
                    CLEANUP.warn("warning: {}: removing incomplete queue file {}/{}",
                            name.substring(0, name.length() - PART_SUFFIX.length()), q.directory(), name);
                    disk.delete(file);
                    partial++;
                    continue;
                }
                if (!QueueIds.isValid(name)) {
                    if (q != QueueName.CORRUPT) {
                        QMGR.warn("warning: {}: ignoring file with a name that is not a queue ID", file);
                    }
                    continue;
                }
                ids.observe(name);
                if (q == QueueName.CORRUPT) {
                    continue;
                }
                try {
                    Parsed p = QueueFile.read(file);
                    if (!QueueFile.contentIntact(file, p)) {
                        // Header and records survived a power loss, the content did not: never acknowledged.
                        throw new CorruptQueueFileException("content does not match its checksum");
                    }
                    if (p.tornTail()) {
                        try (FileChannel ch = disk.openForWrite(file)) {
                            ch.truncate(p.validLength());
                            disk.force(ch, file);
                        }
                        QMGR.warn("warning: {}: removed an incomplete record at the end of the queue file", name);
                        truncated++;
                    }
                    messages++;
                } catch (CorruptQueueFileException e) {
                    QMGR.warn("warning: {}: corrupt queue file ({}); moving it to {}", name, e.getMessage(),
                            QueueName.CORRUPT.directory());
                    disk.rename(file, queueDirectory(QueueName.CORRUPT).resolve(name));
                    corrupt++;
                }
            }
            if (partial + corrupt > 0) {
                disk.syncDirectory(dir);
            }
        }
        if (corrupt > 0) {
            disk.syncDirectory(queueDirectory(QueueName.CORRUPT));
        }
        if (partial + corrupt + truncated > 0) {
            QMGR.info("queue recovery: {} incomplete files removed, {} corrupt files moved, {} records truncated",
                    partial, corrupt, truncated);
        }
        return new Recovery(partial, corrupt, truncated, messages);
    }

    private static List<Path> entries(Path dir) throws IOException {
        List<Path> out = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
            ds.forEach(out::add);
        }
        return out;
    }

    // ---------------------------------------------------------------- receiving

    @Override
    public IncomingMessage receive() throws IOException {
        if (closed) {
            throw new IOException("queue is shutting down");
        }
        Path incoming = queueDirectory(QueueName.INCOMING);
        for (int attempt = 0; ; attempt++) {
            String id = ids.next();
            Path part = incoming.resolve(id + PART_SUFFIX);
            try {
                FileChannel ch = disk.createNew(part);
                return new Incoming(id, part, incoming.resolve(id), ch);
            } catch (java.nio.file.FileAlreadyExistsException e) {
                if (attempt > 100) {
                    throw e;
                }
            }
        }
    }

    private final class Incoming implements IncomingMessage {
        private final String id;
        private final Path part;
        private final Path target;
        private final FileChannel channel;
        private ContentStream stream;
        private boolean finished; // committed, committing or discarded

        Incoming(String id, Path part, Path target, FileChannel channel) {
            this.id = id;
            this.part = part;
            this.target = target;
            this.channel = channel;
        }

        @Override
        public String queueId() {
            return id;
        }

        @Override
        public synchronized OutputStream content() throws IOException {
            if (finished) {
                throw new IOException(id + ": message already committed or discarded");
            }
            if (stream == null) {
                stream = new ContentStream(channel);
            }
            return stream;
        }

        @Override
        public synchronized CompletableFuture<Void> commit(Envelope envelope) {
            if (finished) {
                return CompletableFuture.failedFuture(new IllegalStateException(id + ": already committed or discarded"));
            }
            try {
                QueueFile.validate(envelope);
            } catch (IllegalArgumentException e) {
                discard();
                return CompletableFuture.failedFuture(e);
            }
            if (closed) {
                discard();
                return CompletableFuture.failedFuture(new IOException("queue is shutting down"));
            }
            ContentStream s = stream != null ? stream : new ContentStream(channel);
            long size;
            try {
                size = s.finish(envelope);
            } catch (IOException e) {
                CLEANUP.warn("warning: {}: queue file write error: {}", id, e.getMessage());
                discard();
                return CompletableFuture.failedFuture(e);
            }
            finished = true;
            // HOLD (access(5) or header_checks): straight into the hold queue, as Postfix's cleanup
            // does; the queue manager is not told (it would only find the message held). It logs
            // from=, size=, nrcpt= when it takes the message in, as Postfix's qmgr does.
            boolean held = envelope.actions().hold().isPresent();
            Path destination = held ? queueDirectory(QueueName.HOLD).resolve(id) : target;
            committing.add(id);
            return committer.submit(new GroupCommitter.Job(channel, part, destination))
                    .whenComplete((ok, failure) -> {
                        committing.remove(id);
                        if (failure != null) {
                            CLEANUP.warn("warning: {}: queue file write error: {}", id, failure.getMessage());
                        } else if (!held) {
                            announceCommitted(id);
                        }
                    });
        }

        @Override
        public synchronized void close() {
            if (!finished) {
                discard();
            }
        }

        private void discard() {
            finished = true;
            try {
                channel.close();
            } catch (IOException ignored) {
                // the file goes anyway
            }
            try {
                disk.delete(part);
            } catch (IOException e) {
                CLEANUP.warn("warning: {}: cannot remove {}: {}", id, part, e.getMessage());
            }
        }
    }

    // ---------------------------------------------------------------- delivery

    /**
     * Calls {@code listener} with the queue ID of every message committed from now on (the
     * queue manager's wake-up: no polling). Runs on the sync thread: keep it short.
     */
    public void addCommitListener(Consumer<String> listener) {
        commitListeners.add(listener);
    }

    public void removeCommitListener(Consumer<String> listener) {
        commitListeners.remove(listener);
    }

    private void announceCommitted(String queueId) {
        for (Consumer<String> listener : commitListeners) {
            try {
                listener.accept(queueId);
            } catch (RuntimeException e) {
                QMGR.warn("warning: {}: commit listener failed: {}", queueId, e.toString());
            }
        }
    }

    /**
     * Appends delivery records (per-recipient status) to a committed message and forces them
     * to disk before returning, so that a delivery is never repeated after a crash.
     *
     * @return false when the message is gone (removed by postsuper -d meanwhile)
     */
    public boolean append(String queueId, List<QueueFile.Record> records) throws IOException {
        Optional<Located> l = locate(queueId);
        if (l.isEmpty()) {
            return false;
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        for (QueueFile.Record r : records) {
            bytes.write(QueueFile.encodeRecord(r.type(), r.payload()));
        }
        try (FileChannel ch = disk.openForAppend(l.get().file)) {
            ByteBuffer buffer = ByteBuffer.wrap(bytes.toByteArray());
            while (buffer.hasRemaining()) {
                ch.write(buffer);
            }
            disk.force(ch, l.get().file);
        } catch (NoSuchFileException e) {
            return false;
        }
        return true;
    }

    /**
     * When a deferred message is due again: kept as the file's modification time, as Postfix
     * does, so that the schedule survives a restart without extra records. Unlike Postfix the
     * time is forced to disk (fsync, not fdatasync) before returning: after a crash a deferred
     * message is never retried before the time its backoff gave.
     */
    public void setNextAttempt(String queueId, Instant when) throws IOException {
        Optional<Located> l = locate(queueId);
        if (l.isPresent()) {
            Path file = l.get().file;
            disk.setModifiedTime(file, when);
            try (FileChannel ch = disk.openForWrite(file)) {
                disk.forceWithMetadata(ch, file);
            }
        }
    }

    /**
     * Makes a message due now (postqueue -f, -i) without a sync: if a crash loses the new time,
     * the message keeps its earlier one, which is only later, never earlier, than decided.
     */
    public void makeDueNow(String queueId, Instant now) throws IOException {
        Optional<Located> l = locate(queueId);
        if (l.isPresent()) {
            disk.setModifiedTime(l.get().file, now);
        }
    }

    /** The time set by {@link #setNextAttempt}, or empty when the message is gone. */
    public Optional<Instant> nextAttempt(String queueId) throws IOException {
        Optional<Located> l = locate(queueId);
        if (l.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(Files.getLastModifiedTime(l.get().file).toInstant());
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
    }

    /** A committed message as the queue manager loads it: where it is and what the file says. */
    public record Stored(QueueName queue, Parsed parsed) {
    }

    /** The message's queue and parsed file (envelope and delivery records), if it exists. */
    public Optional<Stored> read(String queueId) throws IOException {
        return locate(queueId).map(l -> new Stored(l.queue, l.parsed));
    }

    /** The messages of one queue with their next-attempt times, from the directory only (no file is read). */
    public Map<String, Instant> dueTimes(QueueName queue) throws IOException {
        Map<String, Instant> out = new LinkedHashMap<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(queueDirectory(queue))) {
            for (Path p : ds) {
                String name = p.getFileName().toString();
                if (QueueIds.isValid(name) && !committing.contains(name)) {
                    try {
                        out.put(name, Files.getLastModifiedTime(p).toInstant());
                    } catch (NoSuchFileException e) {
                        // moved or removed since the listing
                    }
                }
            }
        }
        return out;
    }

    // ---------------------------------------------------------------- reading

    @Override
    public List<QueuedMessage> list(QueueName queue) throws IOException {
        List<String> names = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(queueDirectory(queue))) {
            for (Path p : ds) {
                String name = p.getFileName().toString();
                if (QueueIds.isValid(name) && !committing.contains(name)) {
                    names.add(name);
                }
            }
        }
        names.sort(null); // IDs sort by time
        List<QueuedMessage> out = new ArrayList<>(names.size());
        for (String id : names) {
            try {
                Parsed p = QueueFile.read(queueDirectory(queue).resolve(id));
                out.add(new QueuedMessage(id, queue, p.contentLength(), p.envelope()));
            } catch (NoSuchFileException e) {
                // moved or removed since the listing
            } catch (CorruptQueueFileException e) {
                if (queue != QueueName.CORRUPT) {
                    QMGR.warn("warning: {}: corrupt queue file: {}", id, e.getMessage());
                }
            }
        }
        return out;
    }

    @Override
    public Optional<QueuedMessage> find(String queueId) throws IOException {
        return locate(queueId).map(l -> new QueuedMessage(queueId, l.queue, l.parsed.contentLength(), l.parsed.envelope()));
    }

    @Override
    public List<QueueFile.Record> appendedRecords(String queueId) throws IOException {
        return locate(queueId).map(l -> l.parsed.appended()).orElse(List.of());
    }

    /** The parsed file, with the records appended after commit (for postcat and delivery). */
    public Optional<Parsed> parsed(String queueId) throws IOException {
        return locate(queueId).map(l -> l.parsed);
    }

    @Override
    public InputStream content(String queueId) throws IOException {
        for (int attempt = 0; attempt < 2; attempt++) {
            Optional<Located> l = locate(queueId);
            if (l.isEmpty()) {
                break;
            }
            FileChannel ch;
            try {
                ch = FileChannel.open(l.get().file, StandardOpenOption.READ);
            } catch (NoSuchFileException e) {
                continue; // moved between queues meanwhile: look again
            }
            Parsed p = l.get().parsed;
            ch.position(p.contentOffset());
            return new BoundedInputStream(Channels.newInputStream(ch), p.contentLength());
        }
        throw new NoSuchFileException(queueId, null, "No such file or directory");
    }

    /**
     * Moves a message to another queue (qmgr: incoming to active, active to deferred; postsuper
     * -h, -H, -r). Returns once the move is durable: both directories are synced, so after a
     * crash the message is in its new queue and not also in the old one.
     *
     * @return false when the message was not found
     */
    public boolean move(String queueId, QueueName to) throws IOException {
        Optional<Located> l = locate(queueId);
        if (l.isEmpty()) {
            return false;
        }
        if (l.get().queue == to) {
            return true;
        }
        Path target = queueDirectory(to).resolve(queueId);
        disk.rename(l.get().file, target);   // keeps the mtime (next attempt)
        committer.syncDirectory(target.getParent());
        committer.syncDirectory(l.get().file.getParent());
        return true;
    }

    /**
     * Places a message on hold as one durable step: the move into hold/ is synced first, the
     * marker (which says the message's HOLD action has been carried out) is appended after.
     * A crash between the two leaves the message held without its marker, which errs on the
     * safe side: it may be held once more after a release, it is never delivered unheld.
     *
     * @return false when the message was not found
     */
    public boolean hold(String queueId, QueueFile.Record marker) throws IOException {
        return move(queueId, QueueName.HOLD) && append(queueId, List.of(marker));
    }

    /**
     * Deletes a message (delivered to all recipients, postsuper -d) and syncs its directory
     * before returning, so that a deleted message does not come back after a crash.
     * Concurrent removals share one directory sync.
     *
     * @return false when the message was not found
     */
    public boolean remove(String queueId) throws IOException {
        Optional<Located> l = locate(queueId);
        if (l.isEmpty() || !disk.delete(l.get().file)) {
            return false;
        }
        committer.syncDirectory(l.get().file.getParent());
        MDC.put("postern.queue_id", queueId);
        try {
            QMGR.info("{}: removed", queueId);
        } finally {
            MDC.remove("postern.queue_id");
        }
        return true;
    }

    private record Located(QueueName queue, Path file, Parsed parsed) {
    }

    private Optional<Located> locate(String queueId) throws IOException {
        if (!QueueIds.isValid(queueId) || committing.contains(queueId)) {
            return Optional.empty();
        }
        // Twice round, as postcat does: the message may move between queues while we look.
        for (int attempt = 0; attempt < 2; attempt++) {
            for (QueueName q : QueueName.values()) {
                Path file = queueDirectory(q).resolve(queueId);
                try {
                    return Optional.of(new Located(q, file, QueueFile.read(file)));
                } catch (NoSuchFileException e) {
                    // not in this queue
                }
            }
        }
        return Optional.empty();
    }

    /** Commits what is pending, then refuses new messages. */
    @Override
    public void close() {
        closed = true;
        committer.close();
    }
}
