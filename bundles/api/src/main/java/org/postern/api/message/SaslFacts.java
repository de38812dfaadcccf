// SPDX-License-Identifier: Apache-2.0
package org.postern.api.message;

import java.util.Objects;

/**
 * What SMTP AUTH established for a message (Postfix's sasl_* attributes).
 *
 * @param method   the SASL mechanism (PLAIN, LOGIN ...), or XCLIENT when a proxy asserted the
 *                 login; empty when the client did not authenticate
 * @param username the authenticated login name, empty when the client did not authenticate
 * @param sender   the MAIL FROM AUTH= address, empty when none was given (or it was {@code <>})
 */
public record SaslFacts(String method, String username, String sender) {

    public static final SaslFacts NONE = new SaslFacts("", "", "");

    public SaslFacts {
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(username, "username");
        Objects.requireNonNull(sender, "sender");
    }

    /** True when the client logged in. */
    public boolean authenticated() {
        return !username.isEmpty();
    }
}
