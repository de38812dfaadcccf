// SPDX-License-Identifier: Apache-2.0
package org.postern.core.queue;

import java.time.Clock;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;

/**
 * SUMMARY   Queue IDs: time-ordered, unique, sortable and safe as file names.
 * DESCRIPTION
 *   The encoding is the time part of Postfix's long queue IDs (enable_long_queue_ids = yes):
 *   <pre>
 *     SSSSSS UUUU        10 characters, fixed width, e.g. 4XjQ2c1Yz0
 *     |      +---------- microseconds within the second, base 52, 4 digits (52^4 &gt; 10^6)
 *     +----------------- seconds since the epoch, base 52, 6 digits (good until the year 2595)
 *   </pre>
 *   The base-52 alphabet is Postfix's: {@code 0-9}, then the upper-case and lower-case
 *   consonants (no vowels, so no words), in ASCII order. Fixed width plus an alphabet in ASCII
 *   order makes the string order the time order, so a plain directory listing sorted by name
 *   is oldest first.
 *   <p>Postfix appends {@code z} and the file's inode number to make IDs unique between
 *   processes. Postern has one receiving process per queue, so uniqueness comes from the
 *   clock instead: {@link #next()} hands out strictly increasing microsecond values (when two
 *   receivers ask within one microsecond, or the clock steps back, the second gets the
 *   previous value plus one microsecond). Across restarts the generator is seeded with the
 *   newest ID found in the queue ({@link #observe}), so a clock that stepped back while the
 *   JVM was down cannot reissue an ID that is still on disk. The queue file is created with
 *   CREATE_NEW, which catches anything this reasoning missed.
 * SECURITY  {@link #isValid} is the only gate between a user-supplied ID (postcat -q, postsuper)
 *   and a file name: it admits only the fixed-width base-52 form, so no path can be built from it.
 * BUGS      Postfix's short (hexadecimal, inode-based) IDs are not produced.
 */
public final class QueueIds {

    /** Postfix's base-52 alphabet (mail_queue.h), in ASCII order. */
    static final String ALPHABET = "0123456789BCDFGHJKLMNPQRSTVWXYZbcdfghjklmnpqrstvwxyz";
    static final int BASE = ALPHABET.length();
    static final int SECONDS_DIGITS = 6;
    static final int MICROS_DIGITS = 4;
    /** Length of every ID this class makes. */
    public static final int LENGTH = SECONDS_DIGITS + MICROS_DIGITS;

    private final Clock clock;
    private final AtomicLong lastMicros = new AtomicLong();

    public QueueIds() {
        this(Clock.systemUTC());
    }

    public QueueIds(Clock clock) {
        this.clock = clock;
    }

    /** A new ID, greater than every ID this generator made or observed before. */
    public String next() {
        Instant now = clock.instant();
        long micros = Math.addExact(Math.multiplyExact(now.getEpochSecond(), 1_000_000L), now.getNano() / 1000);
        long id = lastMicros.accumulateAndGet(micros, (last, candidate) -> Math.max(last + 1, candidate));
        return encode(id);
    }

    /** Makes later IDs greater than {@code queueId} (an ID found on disk at start). */
    public void observe(String queueId) {
        if (isValid(queueId)) {
            long micros = decodeMicros(queueId);
            lastMicros.accumulateAndGet(micros, Math::max);
        }
    }

    /** True for a well-formed ID: exactly {@value #LENGTH} characters of the base-52 alphabet. */
    public static boolean isValid(String queueId) {
        if (queueId == null || queueId.length() != LENGTH) {
            return false;
        }
        for (int i = 0; i < LENGTH; i++) {
            if (ALPHABET.indexOf(queueId.charAt(i)) < 0) {
                return false;
            }
        }
        return true;
    }

    /** When the ID was made (microsecond precision). */
    public static Instant timeOf(String queueId) {
        if (!isValid(queueId)) {
            throw new IllegalArgumentException("bad mail queue ID: " + queueId);
        }
        long micros = decodeMicros(queueId);
        return Instant.ofEpochSecond(micros / 1_000_000L, (micros % 1_000_000L) * 1000);
    }

    static String encode(long epochMicros) {
        char[] out = new char[LENGTH];
        long seconds = epochMicros / 1_000_000L;
        long micros = epochMicros % 1_000_000L;
        digits(seconds, out, 0, SECONDS_DIGITS);
        digits(micros, out, SECONDS_DIGITS, MICROS_DIGITS);
        return new String(out);
    }

    private static void digits(long value, char[] out, int offset, int width) {
        long v = value;
        for (int i = offset + width - 1; i >= offset; i--) {
            out[i] = ALPHABET.charAt((int) (v % BASE));
            v /= BASE;
        }
        if (v != 0) {
            throw new IllegalStateException("queue ID field overflow: " + value);
        }
    }

    private static long decodeMicros(String queueId) {
        long seconds = 0;
        for (int i = 0; i < SECONDS_DIGITS; i++) {
            seconds = seconds * BASE + ALPHABET.indexOf(queueId.charAt(i));
        }
        long micros = 0;
        for (int i = SECONDS_DIGITS; i < LENGTH; i++) {
            micros = micros * BASE + ALPHABET.indexOf(queueId.charAt(i));
        }
        return seconds * 1_000_000L + Math.min(micros, 999_999L);
    }
}
