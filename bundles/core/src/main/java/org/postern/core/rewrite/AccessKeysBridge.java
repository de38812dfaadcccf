// SPDX-License-Identifier: Apache-2.0
package org.postern.core.rewrite;

import java.util.List;

import org.postern.core.access.AccessKeys;

/**
 * Recipient-delimiter splitting with Postfix split_addr() rules. AccessKeys keeps its helper
 * package-private; this recovers it from the public key order (the second key of
 * user+ext@domain is user@domain when the address has an extension).
 */
final class AccessKeysBridge {

    private AccessKeysBridge() {
    }

    /** The local part without its extension, or null when it has none or must not be split. */
    static String stripExtension(String local, String delimiters) {
        if (delimiters == null || delimiters.isEmpty()) {
            return null;
        }
        String probe = local + "@x.invalid";
        List<String> keys = AccessKeys.forAddress(probe, delimiters, true);
        if (keys.size() > 1 && keys.get(1).endsWith("@x.invalid") && !keys.get(1).equals(probe)) {
            String k = keys.get(1);
            return k.substring(0, k.length() - "@x.invalid".length());
        }
        return null;
    }
}
