// SPDX-License-Identifier: Apache-2.0
package org.postern.core.smtpd.restrict;

/**
 * A resolver or table answer that the restrictions need before they can decide, or the
 * refusal (451) that a failed lookup already is.
 */
sealed interface Lookup<T> {

    record Answer<T>(T value) implements Lookup<T> {
    }

    record Failed<T>(Verdict verdict) implements Lookup<T> {
    }
}
