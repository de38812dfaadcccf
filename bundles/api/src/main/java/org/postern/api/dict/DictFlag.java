// SPDX-License-Identifier: Apache-2.0
package org.postern.api.dict;

/** Properties of an open table, requested by the opener or reported by the table. */
public enum DictFlag {
    /** Keys are lower-cased before lookup and update (Postfix: fold_fix; on by default for main.cf tables). */
    FOLD_CASE,
    /** A key may have several values; a lookup returns them joined with commas. */
    MULTI_VALUE,
    /** The table matches patterns against the whole key (regexp, pcre, cidr): callers skip access(5) partial keys. */
    PATTERN,
    /** The table holds fixed strings: callers may try access(5) partial keys (domain parents, user@, ...). */
    FIXED,
    /** Updates and deletes are refused. */
    READ_ONLY,
    /** Keys and values are UTF-8 (smtputf8_enable); otherwise callers may restrict keys to ASCII. */
    UTF8
}
