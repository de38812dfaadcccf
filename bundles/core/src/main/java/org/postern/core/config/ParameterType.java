// SPDX-License-Identifier: Apache-2.0
package org.postern.core.config;

/**
 * SUMMARY   The value types of Postfix parameters, as mail_conf_*() reads them.
 */
public enum ParameterType {
    /** Free text. */
    STRING,
    /** Free text that consumers split with {@link PostfixLists#split(String)}. */
    LIST,
    /** "yes" or "no" (case-insensitive). */
    BOOLEAN,
    /** A decimal int. */
    INTEGER,
    /** A decimal long: byte counts such as message_size_limit. */
    SIZE,
    /** Digits plus an optional unit s, m, h, d, w (and "ms" where allowed). */
    TIME
}
