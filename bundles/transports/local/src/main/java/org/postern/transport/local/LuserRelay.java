// SPDX-License-Identifier: Apache-2.0
package org.postern.transport.local;

import java.util.Map;
import java.util.Optional;

import org.postern.transport.delivery.PathTemplate;

/**
 * SUMMARY   luser_relay: the catch-all address for local recipients with neither an alias nor
 *           a passwd entry.
 * DESCRIPTION
 *   The setting arrives unexpanded; $user, $local, $extension, $domain, $recipient and
 *   $recipient_delimiter ({@link LocalAttributes}; $home and $shell are empty) are expanded
 *   for the recipient, with ${name?text} and ${name:text}. Other names expand to nothing, as
 *   in local(8). The result is one address, even when it starts with "|" or "/" (Postfix
 *   gives those no special treatment here).
 * SECURITY  The attribute values come from the envelope; the result is only ever an
 *   address to queue mail for, never a command or a file.
 */
final class LuserRelay {

    private LuserRelay() {
    }

    /**
     * The address to send the recipient's mail to; empty when luser_relay is unset or expands to nothing.
     *
     * @throws IllegalArgumentException when luser_relay has unbalanced brackets or a bad ${...}
     */
    static Optional<String> address(LocalSettings settings, LocalAddress recipient) {
        if (settings.luserRelay().isEmpty()) {
            return Optional.empty();
        }
        Map<String, String> attributes = LocalAttributes.of(settings, null, recipient);
        String address = new PathTemplate(attributes::get, null).expand(settings.luserRelay()).text().strip();
        return address.isEmpty() ? Optional.empty() : Optional.of(address);
    }
}
