// SPDX-License-Identifier: Apache-2.0
package org.postern.core.dict;

/** A table that counts its work (cache: hits and misses), for postern:tables; core-internal. */
public interface DictStatistics {

    /** One line, e.g. "entries=12 hits=340 misses=12 hit-rate=96.6% evictions=0". */
    String statistics();
}
