// SPDX-License-Identifier: Apache-2.0
package org.postern.maps.lmdb;

import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.function.LongSupplier;

import org.lmdbjava.LmdbException;
import org.postern.api.dict.Dict;
import org.postern.api.dict.DictCapability;
import org.postern.api.dict.DictException;
import org.postern.api.dict.DictFlag;
import org.postern.api.dict.LookupResult;

/**
 * SUMMARY   An open lmdb: table ("lmdb:/etc/postern/access" reads /etc/postern/access.lmdb).
 * DESCRIPTION
 *   Lookups go to the current {@link LmdbSnapshot}. At most once per {@link #RECHECK_NANOS}
 *   a lookup looks at the file's identity (inode and size); when postmap has renamed a new
 *   file over it, or the file grew, the table opens the new file and retires the old
 *   snapshot. Keys are tried with and then without a trailing NUL, and the form that hits
 *   first is kept for later lookups, as Postfix does. Updates and deletes (postmap -i/-d)
 *   go through {@link LmdbLiveWriter}, in place and under the LMDB lock, like Postfix.
 * SECURITY  Keys come from the network; see {@link LmdbCodec}.
 * BUGS      A file deleted (not replaced) while open keeps answering from the old version.
 */
final class LmdbDict implements Dict {
    static final long RECHECK_NANOS = 1_000_000_000L;

    private static final int NUL_FIRST = 0;
    private static final int NUL_ONLY = 1;
    private static final int NO_NUL_ONLY = 2;

    private final String name;
    private final Path file;
    private final Set<DictFlag> flags;
    private final boolean foldCase;
    private final LongSupplier clock;
    private final Object lock = new Object();
    private volatile LmdbSnapshot snapshot;
    private volatile long nextCheck;
    private volatile int nulMode = NUL_FIRST;
    private LmdbLiveWriter writer;
    private boolean closed;

    private LmdbDict(String name, Path file, Set<DictFlag> flags, LongSupplier clock, LmdbSnapshot snapshot) {
        this.name = name;
        this.file = file;
        EnumSet<DictFlag> f = EnumSet.noneOf(DictFlag.class);
        f.addAll(flags);
        f.remove(DictFlag.PATTERN);
        f.add(DictFlag.FIXED);
        this.flags = Set.copyOf(f);
        this.foldCase = this.flags.contains(DictFlag.FOLD_CASE);
        this.clock = clock;
        this.snapshot = snapshot;
        this.nextCheck = clock.getAsLong() + RECHECK_NANOS;
    }

    /** Opens {@code file} (the .lmdb file itself); {@code name} is what followed "lmdb:". */
    static LmdbDict open(String name, Path file, Set<DictFlag> flags, LongSupplier clock) throws DictException {
        return new LmdbDict(name, file, flags, clock, openSnapshot(file));
    }

    private static LmdbSnapshot openSnapshot(Path file) throws DictException {
        try {
            return LmdbSnapshot.open(file);
        } catch (NoSuchFileException e) {
            throw new DictException("open database " + file + ": No such file or directory", false, e);
        } catch (IOException | LmdbException e) {
            throw new DictException("open database " + file + ": " + e.getMessage(), false, e);
        }
    }

    @Override
    public String type() {
        return LmdbDictFactory.TYPE;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public Set<DictFlag> flags() {
        return flags;
    }

    @Override
    public Set<DictCapability> capabilities() {
        return EnumSet.allOf(DictCapability.class);
    }

    @Override
    public LookupResult lookup(String key) {
        try {
            String value = lookupOnce(key);
            return value == null ? LookupResult.notFound() : LookupResult.found(value);
        } catch (LmdbException first) {
            // The file grew past our map, or was replaced under us: reopen and try once more.
            try {
                reopen();
                String value = lookupOnce(key);
                return value == null ? LookupResult.notFound() : LookupResult.found(value);
            } catch (DictException | LmdbException e) {
                return LookupResult.temporaryFailure(spec() + ": " + e.getMessage());
            }
        } catch (DictException e) {
            return LookupResult.temporaryFailure(e.getMessage());
        }
    }

    /** One lookup; FOLD_CASE keys are lower-cased while they are encoded (no folded copy). */
    private String lookupOnce(String key) throws DictException {
        boolean fold = foldCase;
        LmdbSnapshot s = current();
        while (!s.acquire()) {
            s = current();
        }
        try {
            int mode = nulMode;
            if (mode != NO_NUL_ONLY) {
                String value = s.get(key, true, fold);
                if (value != null) {
                    nulMode = NUL_ONLY;
                    return value;
                }
            }
            if (mode != NUL_ONLY) {
                String value = s.get(key, false, fold);
                if (value != null) {
                    nulMode = NO_NUL_ONLY;
                    return value;
                }
            }
            return null;
        } finally {
            s.release();
        }
    }

    /** The snapshot to use, after looking at the file if that is due. */
    private LmdbSnapshot current() throws DictException {
        LmdbSnapshot s = snapshot;
        long now = clock.getAsLong();
        if (s != null && now - nextCheck < 0) {
            return s;
        }
        synchronized (lock) {
            if (closed) {
                throw new DictException(spec() + ": table is closed", true);
            }
            if (snapshot != null && now - nextCheck < 0) {
                return snapshot;
            }
            nextCheck = now + RECHECK_NANOS;
            LmdbSnapshot.Identity identity;
            try {
                identity = LmdbSnapshot.Identity.of(file);
            } catch (IOException e) {
                // Gone or unreadable now: keep answering from what is open, as Postfix does.
                if (snapshot != null) {
                    return snapshot;
                }
                throw new DictException("open database " + file + ": " + e.getMessage(), true, e);
            }
            if (snapshot == null || !snapshot.sameFileAs(identity)) {
                replaceSnapshot(openSnapshot(file));
            }
            return snapshot;
        }
    }

    private void reopen() throws DictException {
        synchronized (lock) {
            if (closed) {
                throw new DictException(spec() + ": table is closed", true);
            }
            replaceSnapshot(openSnapshot(file));
            nextCheck = clock.getAsLong() + RECHECK_NANOS;
        }
    }

    private void replaceSnapshot(LmdbSnapshot fresh) {
        LmdbSnapshot old = snapshot;
        snapshot = fresh;
        nulMode = NUL_FIRST;
        if (old != null) {
            old.retire();
        }
    }

    @Override
    public void forEach(BiConsumer<String, String> sink) throws DictException {
        LmdbSnapshot s = current();
        while (!s.acquire()) {
            s = current();
        }
        try {
            s.forEach(sink);
        } catch (LmdbException e) {
            throw new DictException(spec() + ": " + e.getMessage(), true, e);
        } finally {
            s.release();
        }
    }

    @Override
    public void update(String key, String value) throws DictException {
        liveWriter().put(fold(key), value);
        recheckNow();
    }

    @Override
    public boolean delete(String key) throws DictException {
        boolean deleted = liveWriter().delete(fold(key));
        recheckNow();
        return deleted;
    }

    private String fold(String key) {
        return flags.contains(DictFlag.FOLD_CASE) ? key.toLowerCase(Locale.ROOT) : key;
    }

    private void recheckNow() {
        nextCheck = clock.getAsLong();
    }

    private LmdbLiveWriter liveWriter() throws DictException {
        if (flags.contains(DictFlag.READ_ONLY)) {
            throw new DictException(spec() + ": table is read-only", false);
        }
        synchronized (lock) {
            if (closed) {
                throw new DictException(spec() + ": table is closed", true);
            }
            if (writer == null) {
                writer = LmdbLiveWriter.open(file);
            }
            return writer;
        }
    }

    @Override
    public void close() {
        synchronized (lock) {
            closed = true;
            if (writer != null) {
                writer.close();
                writer = null;
            }
            if (snapshot != null) {
                snapshot.retire();
                snapshot = null;
            }
        }
    }
}
