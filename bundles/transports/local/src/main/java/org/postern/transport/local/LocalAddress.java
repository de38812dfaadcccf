// SPDX-License-Identifier: Apache-2.0
package org.postern.transport.local;

import java.util.List;
import java.util.Locale;

/**
 * A local recipient split as local(8) does: the local part lower-cased, then cut at the
 * first recipient_delimiter character into user and extension (not when the user part
 * would be empty).
 *
 * @param address   the envelope recipient as given
 * @param local     the local part, lower case, with the extension
 * @param user      the local part without the extension (the passwd and alias key)
 * @param extension the extension, "" when none
 * @param domain    the domain, "" when none
 */
record LocalAddress(String address, String local, String user, String extension, String domain) {

    static LocalAddress parse(String address, String delimiters) {
        int at = address.lastIndexOf('@');
        String local = (at < 0 ? address : address.substring(0, at)).toLowerCase(Locale.ROOT);
        String domain = at < 0 ? "" : address.substring(at + 1).toLowerCase(Locale.ROOT);
        int cut = -1;
        for (int i = 1; i < local.length() && !delimiters.isEmpty(); i++) {
            if (delimiters.indexOf(local.charAt(i)) >= 0) {
                cut = i;
                break;
            }
        }
        if (cut < 0) {
            return new LocalAddress(address, local, local, "", domain);
        }
        return new LocalAddress(address, local, local.substring(0, cut), local.substring(cut + 1), domain);
    }

    /** The alias keys in lookup order: with the extension first, then without. */
    List<String> aliasKeys() {
        return extension.isEmpty() ? List.of(user) : List.of(local, user);
    }

    /** The delimiter character that separated the extension, as a string; "" when none. */
    String delimiter() {
        return extension.isEmpty() ? "" : String.valueOf(local.charAt(user.length()));
    }
}
