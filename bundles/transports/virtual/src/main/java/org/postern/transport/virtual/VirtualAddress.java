// SPDX-License-Identifier: Apache-2.0
package org.postern.transport.virtual;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A virtual recipient split for lookups: lower case, the extension cut at the first
 * recipient_delimiter character (not when the user part would be empty).
 *
 * @param address   the recipient, lower case
 * @param user      the local part without extension
 * @param extension the extension, "" when none
 * @param domain    the domain
 */
record VirtualAddress(String address, String local, String user, String extension, String domain) {

    static VirtualAddress parse(String recipient, String delimiters) {
        String address = recipient.toLowerCase(Locale.ROOT);
        int at = address.lastIndexOf('@');
        String local = at < 0 ? address : address.substring(0, at);
        String domain = at < 0 ? "" : address.substring(at + 1);
        for (int i = 1; i < local.length() && !delimiters.isEmpty(); i++) {
            if (delimiters.indexOf(local.charAt(i)) >= 0) {
                return new VirtualAddress(address, local, local.substring(0, i), local.substring(i + 1), domain);
            }
        }
        return new VirtualAddress(address, local, local, "", domain);
    }

    /** Lookup keys in virtual(8)'s order: user+ext@domain, user@domain, @domain. */
    List<String> keys() {
        List<String> keys = new ArrayList<>();
        if (!extension.isEmpty()) {
            keys.add(address);
        }
        keys.add(user + "@" + domain);
        keys.add("@" + domain);
        return keys;
    }
}
