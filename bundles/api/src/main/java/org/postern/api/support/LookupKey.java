// SPDX-License-Identifier: Apache-2.0
package org.postern.api.support;

import java.util.Optional;

/**
 * The parts of a lookup key that table queries expand (%s, %u, %d, %1..%9).
 * An address is split at its last "@", as Postfix's db_common does.
 */
public record LookupKey(String whole, String localPart, Optional<String> domain) {

    public static LookupKey of(String key) {
        int at = key.lastIndexOf('@');
        if (at < 0) {
            return new LookupKey(key, key, Optional.empty());
        }
        return new LookupKey(key, key.substring(0, at), Optional.of(key.substring(at + 1)));
    }

    /** True for "user@domain" with both parts non-empty: the keys a {@code domain} filter lets through. */
    public boolean isQualifiedAddress() {
        return !localPart.isEmpty() && domain.filter(d -> !d.isEmpty()).isPresent() && whole.indexOf('@') > 0;
    }

    /** The n-th most significant domain label (1 = top level), if the key has that many. */
    public Optional<String> domainLabel(int n) {
        if (domain.isEmpty() || domain.get().isEmpty()) {
            return Optional.empty();
        }
        String[] labels = domain.get().split("\\.", -1);
        int index = labels.length - n;
        return index < 0 ? Optional.empty() : Optional.of(labels[index]);
    }
}
