// SPDX-License-Identifier: Apache-2.0
package org.postern.api.dict;

import java.util.Objects;
import java.util.Optional;

/**
 * The four outcomes of a table lookup. The split decides 2xx/5xx versus 4xx: only
 * {@link Found} and {@link NotFound} are answers; the two failures must never be
 * turned into a rejection.
 */
public sealed interface LookupResult
        permits LookupResult.Found, LookupResult.NotFound,
                LookupResult.TemporaryFailure, LookupResult.ConfigurationError {

    /** The key is in the table. For multi-value tables the values are comma-separated. */
    record Found(String value) implements LookupResult {
        public Found {
            Objects.requireNonNull(value, "value");
        }
    }

    /** The table answered and the key is not there. */
    record NotFound() implements LookupResult {
    }

    /** No answer now: server down, table type not installed, bundle being swapped. Retry later (4xx, defer). */
    record TemporaryFailure(String reason) implements LookupResult {
        public TemporaryFailure {
            Objects.requireNonNull(reason, "reason");
        }
    }

    /** No answer until an administrator fixes the configuration. Callers still answer 4xx, as Postfix does. */
    record ConfigurationError(String reason) implements LookupResult {
        public ConfigurationError {
            Objects.requireNonNull(reason, "reason");
        }
    }

    NotFound NOT_FOUND = new NotFound();

    static LookupResult found(String value) {
        return new Found(value);
    }

    static LookupResult notFound() {
        return NOT_FOUND;
    }

    static LookupResult temporaryFailure(String reason) {
        return new TemporaryFailure(reason);
    }

    static LookupResult configurationError(String reason) {
        return new ConfigurationError(reason);
    }

    /** The value when found, empty for not-found and for both failures. */
    default Optional<String> foundValue() {
        return this instanceof Found f ? Optional.of(f.value()) : Optional.empty();
    }

    /** True for temporary failure and configuration error: the caller must defer, not decide. */
    default boolean isFailure() {
        return this instanceof TemporaryFailure || this instanceof ConfigurationError;
    }
}
