// SPDX-License-Identifier: Apache-2.0
package org.postern.maps.lmdb;

import java.io.File;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.function.Supplier;

import org.lmdbjava.ByteBufferProxy;
import org.lmdbjava.Dbi;
import org.lmdbjava.DbiFlags;
import org.lmdbjava.Env;
import org.lmdbjava.EnvFlags;

/**
 * SUMMARY   Opening LMDB environments the way Postfix's tables are laid out, inside OSGi.
 * DESCRIPTION
 *   A table is one file (MDB_NOSUBDIR) holding the unnamed database. Readers open it
 *   read-only without the lock file (MDB_NOLOCK): Postern replaces tables by renaming a new
 *   file over the old one, so a file it reads is never rewritten by Postern; Postfix's own
 *   postmap writes in place in one transaction, which readers of the newest snapshot survive.
 *   Writers of live tables (postmap -i/-d) use the lock file like Postfix does.
 *   lmdbjava, jnr-ffi and jffi are embedded in this bundle and find their native libraries
 *   through the thread context class loader, which is set to this bundle's while they load.
 * SECURITY  Paths come from main.cf and administrators' commands.
 * BUGS      lmdbjava reads java.nio.Buffer internals: the JVM needs
 *           --add-opens java.base/java.nio=ALL-UNNAMED --add-opens java.base/sun.nio.ch=ALL-UNNAMED
 *           (bin/setenv passes them).
 */
final class LmdbLibrary {

    private LmdbLibrary() {
    }

    /** A read-only environment on {@code file}, without lock file. */
    static Env<ByteBuffer> openReader(Path file) {
        return withBundleLoader(() -> Env.create(ByteBufferProxy.PROXY_OPTIMAL)
                .setMaxDbs(1)
                .open(file.toFile(), EnvFlags.MDB_NOSUBDIR, EnvFlags.MDB_RDONLY_ENV, EnvFlags.MDB_NOLOCK,
                        EnvFlags.MDB_NOTLS, EnvFlags.MDB_NORDAHEAD));
    }

    /** A writable environment on {@code file}; {@code lockless} for a private file being built. */
    static Env<ByteBuffer> openWriter(Path file, long mapSize, boolean lockless) {
        File f = file.toFile();
        return withBundleLoader(() -> lockless
                ? Env.create(ByteBufferProxy.PROXY_OPTIMAL).setMaxDbs(1).setMapSize(mapSize)
                        .open(f, EnvFlags.MDB_NOSUBDIR, EnvFlags.MDB_NOLOCK, EnvFlags.MDB_NOSYNC)
                : Env.create(ByteBufferProxy.PROXY_OPTIMAL).setMaxDbs(1).setMapSize(mapSize)
                        .open(f, EnvFlags.MDB_NOSUBDIR, EnvFlags.MDB_NOTLS));
    }

    /** The unnamed database, where Postfix keeps a table's entries. */
    static Dbi<ByteBuffer> mainDatabase(Env<ByteBuffer> env, boolean create) {
        return create ? env.openDbi((byte[]) null, DbiFlags.MDB_CREATE) : env.openDbi((byte[]) null);
    }

    private static <T> T withBundleLoader(Supplier<T> action) {
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        thread.setContextClassLoader(LmdbLibrary.class.getClassLoader());
        try {
            return action.get();
        } finally {
            thread.setContextClassLoader(previous);
        }
    }
}
