// SPDX-License-Identifier: Apache-2.0
package org.postern.transport.smtp;

/**
 * A username and password from smtp_sasl_password_maps ("username:password", split at the
 * first colon; no colon means an empty password, as Postfix).
 * SECURITY  The password must never reach a log: {@link #toString()} leaves it out.
 */
record SaslCredentials(String username, String password) {

    static SaslCredentials parse(String value) {
        int colon = value.indexOf(':');
        return colon < 0 ? new SaslCredentials(value, "") : new SaslCredentials(value.substring(0, colon), value.substring(colon + 1));
    }

    @Override
    public String toString() {
        return "SaslCredentials[username=" + username + ", password=(hidden)]";
    }
}
