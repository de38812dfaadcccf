// SPDX-License-Identifier: Apache-2.0
package org.postern.api.parameter;

import org.postern.api.support.CipherSuites;
import org.postern.api.support.TlsProtocols;

/**
 * A value grammar that a parameter's type and bounds cannot say, checked with the rest of the
 * configuration ("postfix check", reload) so that a bad value is reported with its file, line and
 * parameter instead of when a listener or a delivery first uses it.
 */
public enum ValueSyntax {

    /** No grammar beyond the type's. */
    ANY {
        @Override
        void check(String value) {
        }
    },

    /** Postfix's TLS protocol list: "&gt;=TLSv1.2", "!SSLv2, !SSLv3", "TLSv1.3" ({@link TlsProtocols}). */
    TLS_PROTOCOLS {
        @Override
        void check(String value) {
            TlsProtocols.parse(value);
        }
    },

    /** A cipher grade Postern can give: high, medium, low or export ({@link CipherSuites}). */
    TLS_CIPHER_GRADE {
        @Override
        void check(String value) {
            if (!value.isBlank()) {
                CipherSuites.grade(value);
            }
        }
    };

    /** @throws IllegalArgumentException naming what is wrong with {@code value} */
    abstract void check(String value);
}
