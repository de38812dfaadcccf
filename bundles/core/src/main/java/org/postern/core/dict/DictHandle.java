// SPDX-License-Identifier: Apache-2.0
package org.postern.core.dict;

import java.util.Set;
import java.util.function.BiConsumer;

import org.postern.api.dict.Dict;
import org.postern.api.dict.DictCapability;
import org.postern.api.dict.DictException;
import org.postern.api.dict.DictFlag;
import org.postern.api.dict.LookupResult;

/**
 * SUMMARY   The Dict the registry hands out: a stable handle over whichever table is open now.
 * DESCRIPTION
 *   Users keep the handle for as long as they like. Behind it the registry opens the table
 *   when a factory for its type is present, drops it when the factory goes, and opens it
 *   again when a factory comes back. While nothing is open, every lookup is a temporary
 *   failure with the reason (Postfix's dict_surrogate), so callers answer 4xx and retry.
 * BUGS      A table that failed to open is retried at most every {@link #RETRY_MILLIS} ms.
 */
final class DictHandle implements Dict {

    static final long RETRY_MILLIS = 5_000;

    private final DictSpec spec;
    private final Set<DictFlag> flags;
    private final Opener opener;
    private final Object lock = new Object();
    private volatile Dict delegate;
    private volatile String failure;
    private long nextAttempt;

    /** Opens the table now, or says why it cannot. */
    interface Opener {
        Dict open(DictSpec spec, Set<DictFlag> flags) throws DictException;
    }

    DictHandle(DictSpec spec, Set<DictFlag> flags, Opener opener) {
        this.spec = spec;
        this.flags = Set.copyOf(flags);
        this.opener = opener;
    }

    DictSpec dictSpec() {
        return spec;
    }

    @Override
    public String type() {
        return spec.type();
    }

    @Override
    public String name() {
        return spec.name();
    }

    @Override
    public Set<DictFlag> flags() {
        Dict d = delegate;
        return d != null ? d.flags() : flags;
    }

    @Override
    public LookupResult lookup(String key) {
        Dict d = current();
        if (d == null) {
            return LookupResult.temporaryFailure(failure);
        }
        try {
            return d.lookup(key);
        } catch (RuntimeException e) {
            // A plugin bug must not escape into smtpd or the queue manager.
            return LookupResult.temporaryFailure(spec + ": lookup failed: " + e);
        }
    }

    @Override
    public Set<DictCapability> capabilities() {
        Dict d = current();
        return d != null ? d.capabilities() : Set.of();
    }

    @Override
    public void forEach(BiConsumer<String, String> sink) throws DictException {
        required().forEach(sink);
    }

    @Override
    public void update(String key, String value) throws DictException {
        required().update(key, value);
    }

    @Override
    public boolean delete(String key) throws DictException {
        return required().delete(key);
    }

    /** The open table's statistics, or null when it keeps none or is not open. */
    String statistics() {
        return delegate instanceof DictStatistics counting ? counting.statistics() : null;
    }

    /** Handles are shared; closing one does nothing. The registry closes the table behind it. */
    @Override
    public void close() {
    }

    /** The open table, opening it if due; null while unavailable. */
    Dict current() {
        Dict d = delegate;
        if (d != null) {
            return d;
        }
        synchronized (lock) {
            if (delegate == null && System.currentTimeMillis() >= nextAttempt) {
                try {
                    delegate = opener.open(spec, flags);
                    failure = null;
                } catch (DictException e) {
                    failure = e.getMessage();
                    nextAttempt = System.currentTimeMillis() + RETRY_MILLIS;
                } catch (RuntimeException e) {
                    failure = spec + ": open failed: " + e;
                    nextAttempt = System.currentTimeMillis() + RETRY_MILLIS;
                }
            }
            return delegate;
        }
    }

    /** The reason lookups fail now, or null when the table is open. */
    String failure() {
        return delegate == null ? failure : null;
    }

    /** Closes what is open; the next lookup opens again at once (a factory came or went). */
    void reset(String reason) {
        Dict old;
        synchronized (lock) {
            old = delegate;
            delegate = null;
            failure = reason;
            nextAttempt = 0;
        }
        if (old != null) {
            closeQuietly(old);
        }
    }

    private Dict required() throws DictException {
        Dict d = current();
        if (d == null) {
            throw new DictException(failure, true);
        }
        return d;
    }

    static void closeQuietly(Dict dict) {
        try {
            dict.close();
        } catch (RuntimeException e) {
            // Closing a table of a bundle that is going away may fail; nothing to do about it.
        }
    }

    @Override
    public String toString() {
        return spec.toString();
    }
}
