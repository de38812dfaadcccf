// SPDX-License-Identifier: Apache-2.0
package org.postern.api.parameter;

/**
 * The value types of main.cf parameters, as Postfix's mail_conf_*() reads them. Every type is
 * text in main.cf; the type says how {@link ParameterSyntax} converts and checks it.
 */
public enum ParameterType {
    /** Free text. */
    STRING,
    /** Free text that consumers split at commas and whitespace. */
    LIST,
    /** "yes" or "no" (case-insensitive). */
    BOOLEAN,
    /** A decimal int. */
    INTEGER,
    /** A decimal long: byte counts such as message_size_limit. */
    SIZE,
    /** Digits plus an optional unit s, m, h, d, w (and "ms" where the declaration allows it). */
    TIME
}
