// SPDX-License-Identifier: Apache-2.0
package org.postern.transport.local;

import java.util.HashMap;
import java.util.Map;

/**
 * The per-recipient $name attributes of local(8) templates (forward_path, luser_relay):
 * $user, $home, $shell, $recipient, $local, $extension, $domain and $recipient_delimiter
 * (the delimiter found in the address, else the configured one). $home and $shell are
 * empty for a recipient without a passwd entry.
 */
final class LocalAttributes {

    private LocalAttributes() {
    }

    /** The attributes; {@code user} is null for an unknown recipient. */
    static Map<String, String> of(LocalSettings settings, PasswdEntry user, LocalAddress address) {
        Map<String, String> attributes = new HashMap<>();
        attributes.put("user", user == null ? address.user() : user.name());
        attributes.put("home", user == null ? "" : user.home().toString());
        attributes.put("shell", user == null ? "" : user.shell());
        attributes.put("recipient", address.address());
        attributes.put("local", address.local());
        attributes.put("extension", address.extension());
        attributes.put("domain", address.domain());
        attributes.put("recipient_delimiter",
                address.extension().isEmpty() ? settings.recipientDelimiter() : address.delimiter());
        return attributes;
    }
}
