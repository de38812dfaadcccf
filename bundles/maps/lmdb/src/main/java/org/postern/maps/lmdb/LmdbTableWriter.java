// SPDX-License-Identifier: Apache-2.0
package org.postern.maps.lmdb;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

import org.lmdbjava.Dbi;
import org.lmdbjava.Env;
import org.lmdbjava.LmdbException;
import org.lmdbjava.PutFlags;
import org.lmdbjava.Txn;
import org.postern.api.dict.DictException;
import org.postern.api.dict.DictWriter;

/**
 * SUMMARY   Builds a new table file beside the live one and renames it into place (postmap file).
 * DESCRIPTION
 *   Entries go to "path.lmdb.NNNN.tmp" in the same directory, opened without lock file,
 *   committed every {@link #BATCH} entries; MDB_MAP_FULL doubles the map and replays the
 *   uncommitted batch. {@link #commit()} syncs the file, gives it its permissions (below),
 *   renames it over "path.lmdb" and syncs the directory, so readers see either the old table
 *   or the new one, never a half-written one, and a crash leaves the old table. Readers in
 *   Postern notice the new file within a second.
 *   <p>Permissions, as postmap(1) says: "the file is created with the same group and other
 *   read permissions as the source file", so rw------- plus the source's group and other read
 *   bits (a 0600 sasl_passwd gives a 0600 table, a 0644 access file a 0644 one); the source is
 *   "path", the table's name without ".lmdb". Without a source file (a table built through
 *   the API from elsewhere) the live table's permissions stay, rw-r--r-- for a new one.
 * SECURITY  Writes files in the table's directory; the temporary name is not predictable
 *           and is created exclusively, mode 0600, so entries of a private table are not
 *           readable by others while they are written.
 * BUGS      Ownership is not copied (Postfix's postmap, run as root, gives the table the
 *           source file's owner). A crash leaves the temporary file behind.
 */
final class LmdbTableWriter implements DictWriter {
    static final int BATCH = 10_000;

    private static final Set<PosixFilePermission> OWNER_ONLY =
            Set.copyOf(EnumSet.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE));
    /** The bits postmap takes over from the source file. */
    private static final Set<PosixFilePermission> SOURCE_READ_BITS =
            Set.copyOf(EnumSet.of(PosixFilePermission.GROUP_READ, PosixFilePermission.OTHERS_READ));

    private final Path live;
    private final Path temporary;
    private final Env<ByteBuffer> env;
    private final Dbi<ByteBuffer> dbi;
    private final List<ByteBuffer[]> pending = new ArrayList<>();
    private long mapSize;
    private Txn<ByteBuffer> txn;
    private boolean committed;
    private boolean closed;

    private LmdbTableWriter(Path live, Path temporary, Env<ByteBuffer> env, Dbi<ByteBuffer> dbi, long mapSize) {
        this.live = live;
        this.temporary = temporary;
        this.env = env;
        this.dbi = dbi;
        this.mapSize = mapSize;
    }

    static LmdbTableWriter create(Path live) throws DictException {
        return create(live, LmdbMapSize.INITIAL);
    }

    /** With a given initial map size, so that tests can make the map fill up. */
    static LmdbTableWriter create(Path live, long initialMapSize) throws DictException {
        Path temporary = null;
        try {
            temporary = createTemporary(live);
            Env<ByteBuffer> env = LmdbLibrary.openWriter(temporary, initialMapSize, true);
            try {
                return new LmdbTableWriter(live, temporary, env, LmdbLibrary.mainDatabase(env, true), initialMapSize);
            } catch (RuntimeException e) {
                env.close();
                throw e;
            }
        } catch (NoSuchFileException e) {
            throw new DictException("open database " + live + ": No such file or directory", false, e);
        } catch (IOException | LmdbException e) {
            deleteQuietly(temporary);
            throw new DictException("open database " + live + ": " + e.getMessage(), false, e);
        }
    }

    private static Path createTemporary(Path live) throws IOException {
        Path directory = live.toAbsolutePath().getParent();
        for (;;) {
            Path candidate = directory.resolve(live.getFileName() + "." + Long.toUnsignedString(
                    ThreadLocalRandom.current().nextLong(), 36) + ".tmp");
            try {
                return Files.createFile(candidate, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
            } catch (FileAlreadyExistsException e) {
                // try another name
            }
        }
    }

    @Override
    public boolean put(String key, String value) throws DictException {
        requireOpen();
        ByteBuffer k = LmdbCodec.stored(key);
        if (k.remaining() > LmdbCodec.MAX_KEY_BYTES) {
            throw new DictException("key too long for lmdb (" + k.remaining() + " bytes, at most "
                    + LmdbCodec.MAX_KEY_BYTES + "): " + key.substring(0, Math.min(60, key.length())) + "...", false);
        }
        ByteBuffer v = LmdbCodec.stored(value);
        boolean added;
        try {
            added = putOnce(k, v);
        } catch (Env.MapFullException e) {
            growAndReplay();
            added = putOnce(k, v);
        }
        if (added) {
            pending.add(new ByteBuffer[] {k, v});
        }
        if (pending.size() >= BATCH) {
            commitBatch();
        }
        return added;
    }

    private boolean putOnce(ByteBuffer k, ByteBuffer v) throws DictException {
        try {
            if (txn == null) {
                txn = env.txnWrite();
            }
            return dbi.put(txn, k.duplicate(), v.duplicate(), PutFlags.MDB_NOOVERWRITE);
        } catch (Env.MapFullException e) {
            throw e;
        } catch (LmdbException e) {
            throw new DictException(temporary + ": " + e.getMessage(), false, e);
        }
    }

    /** The map is full: the open transaction is lost; grow and write its entries again. */
    private void growAndReplay() throws DictException {
        for (;;) {
            abortQuietly();
            mapSize = LmdbMapSize.grow(mapSize);
            env.setMapSize(mapSize);
            try {
                for (ByteBuffer[] entry : pending) {
                    putOnce(entry[0], entry[1]);
                }
                return;
            } catch (Env.MapFullException e) {
                // still too small: grow again
            }
        }
    }

    private void commitBatch() throws DictException {
        for (;;) {
            try {
                if (txn != null) {
                    txn.commit();
                    txn.close();
                    txn = null;
                }
                pending.clear();
                return;
            } catch (Env.MapFullException e) {
                growAndReplay();
            } catch (LmdbException e) {
                throw new DictException(temporary + ": " + e.getMessage(), false, e);
            }
        }
    }

    @Override
    public void commit() throws DictException {
        requireOpen();
        commitBatch();
        try {
            env.sync(true);
            env.close();
            Files.setPosixFilePermissions(temporary, permissions());
            Files.move(temporary, live, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            syncDirectory(live.toAbsolutePath().getParent());
            committed = true;
        } catch (IOException | LmdbException e) {
            throw new DictException("replace " + live + ": " + e.getMessage(), false, e);
        } finally {
            close();
        }
    }

    /** See the class description: the source's group and other read bits, else the live table's. */
    private Set<PosixFilePermission> permissions() throws IOException {
        Optional<Path> source = sourceOf(live);
        if (source.isPresent()) {
            try {
                EnumSet<PosixFilePermission> mode = EnumSet.copyOf(OWNER_ONLY);
                for (PosixFilePermission p : Files.getPosixFilePermissions(source.get())) {
                    if (SOURCE_READ_BITS.contains(p)) {
                        mode.add(p);
                    }
                }
                return mode;
            } catch (NoSuchFileException e) {
                // no source file: as below
            }
        }
        try {
            return Files.getPosixFilePermissions(live);
        } catch (NoSuchFileException e) {
            return PosixFilePermissions.fromString("rw-r--r--");
        }
    }

    /** "/etc/postern/access" for "/etc/postern/access.lmdb". */
    static Optional<Path> sourceOf(Path table) {
        String name = table.getFileName().toString();
        if (!name.endsWith(LmdbDictFactory.SUFFIX) || name.length() == LmdbDictFactory.SUFFIX.length()) {
            return Optional.empty();
        }
        return Optional.of(table.resolveSibling(name.substring(0, name.length() - LmdbDictFactory.SUFFIX.length())));
    }

    private static void syncDirectory(Path directory) throws IOException {
        try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ)) {
            channel.force(true);
        }
    }

    private void requireOpen() throws DictException {
        if (closed) {
            throw new DictException(live + ": table writer is closed", false);
        }
    }

    private void abortQuietly() {
        if (txn != null) {
            try {
                txn.abort();
                txn.close();
            } catch (LmdbException e) {
                // the transaction is gone either way
            }
            txn = null;
        }
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        abortQuietly();
        if (!env.isClosed()) {
            env.close();
        }
        if (!committed) {
            deleteQuietly(temporary);
        }
    }

    private static void deleteQuietly(Path file) {
        if (file == null) {
            return;
        }
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            // a leftover temporary file is harmless
        }
    }
}
