// SPDX-License-Identifier: Apache-2.0
package org.postern.api.dict;

/** Optional operations a table may support beyond lookup. */
public enum DictCapability {
    /** {@link Dict#forEach} lists every entry (postmap -s). */
    ITERATE,
    /** {@link Dict#update} adds or replaces an entry (postmap -i). */
    UPDATE,
    /** {@link Dict#delete} removes an entry (postmap -d). */
    DELETE
}
