// SPDX-License-Identifier: Apache-2.0
package org.postern.maps.lmdb;

import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.Supplier;

/**
 * Idle readers in a fixed array of slots: taking and returning one is a compare-and-set, with
 * no allocation (a queue node per return cost about a tenth of a lookup). A thread starts at
 * its own slot, so it mostly gets the reader it used last. More concurrent lookups than slots
 * just make extra readers, closed on return.
 */
final class LmdbReaderPool {
    private static final int SLOTS = 64;

    private final AtomicReferenceArray<LmdbReader> slots = new AtomicReferenceArray<>(SLOTS);

    /** An idle reader, or a new one from {@code factory}. */
    LmdbReader take(Supplier<LmdbReader> factory) {
        int start = home();
        for (int i = 0; i < SLOTS; i++) {
            int index = (start + i) & (SLOTS - 1);
            LmdbReader reader = slots.get(index);
            if (reader != null && slots.compareAndSet(index, reader, null)) {
                return reader;
            }
        }
        return factory.get();
    }

    /** Returns a reader to a free slot, or closes it when every slot is taken. */
    void give(LmdbReader reader) {
        int start = home();
        for (int i = 0; i < SLOTS; i++) {
            int index = (start + i) & (SLOTS - 1);
            if (slots.get(index) == null && slots.compareAndSet(index, null, reader)) {
                return;
            }
        }
        reader.close();
    }

    /** Closes the idle readers (the snapshot is closing: no lookup holds one). */
    void closeAll() {
        for (int i = 0; i < SLOTS; i++) {
            LmdbReader reader = slots.getAndSet(i, null);
            if (reader != null) {
                reader.close();
            }
        }
    }

    private static int home() {
        return (int) Thread.currentThread().getId() & (SLOTS - 1);
    }
}
