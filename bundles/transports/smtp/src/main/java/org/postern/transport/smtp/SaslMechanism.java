// SPDX-License-Identifier: Apache-2.0
package org.postern.transport.smtp;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import javax.security.auth.callback.Callback;
import javax.security.auth.callback.NameCallback;
import javax.security.auth.callback.PasswordCallback;
import javax.security.auth.callback.UnsupportedCallbackException;
import javax.security.sasl.Sasl;
import javax.security.sasl.SaslClient;
import javax.security.sasl.SaslException;

/**
 * SUMMARY   The client side of one SASL mechanism for SMTP AUTH (RFC 4954): the optional
 *           initial response, then one response per server challenge (raw bytes; the
 *           caller does base64).
 * DESCRIPTION
 *   PLAIN (RFC 4616) comes from the JDK's SunSASL provider; LOGIN (draft-murchison-sasl-login)
 *   is not in the JDK and is {@link Login}: the username, then the password, whatever the
 *   prompts say (as Cyrus SASL does).
 * SECURITY  Both send the password as it is: only over TLS unless the security options
 *   allow plaintext. Challenges come from the server and are untrusted.
 */
interface SaslMechanism {

    /** The mechanisms this client can do, most preferred first (Cyrus prefers PLAIN to LOGIN). */
    List<String> SUPPORTED = List.of("PLAIN", "LOGIN");

    /** The response sent with the AUTH command, or null to wait for the first challenge. */
    byte[] initialResponse() throws SaslException;

    byte[] respond(byte[] challenge) throws SaslException;

    static SaslMechanism create(String name, SaslCredentials credentials, String serverName) throws SaslException {
        return switch (name) {
            case "PLAIN" -> new Jdk(name, credentials, serverName);
            case "LOGIN" -> new Login(credentials);
            default -> throw new SaslException("unsupported mechanism " + name);
        };
    }

    /** A mechanism of the JDK's providers, fed by a callback handler that knows only these credentials. */
    final class Jdk implements SaslMechanism {
        private final SaslClient client;

        Jdk(String name, SaslCredentials credentials, String serverName) throws SaslException {
            client = Sasl.createSaslClient(new String[] {name}, null, "smtp", serverName, Map.of(),
                    callbacks -> answer(callbacks, credentials));
            if (client == null) {
                throw new SaslException("no " + name + " client in this Java runtime");
            }
        }

        private static void answer(Callback[] callbacks, SaslCredentials credentials) throws UnsupportedCallbackException {
            for (Callback c : callbacks) {
                if (c instanceof NameCallback n) {
                    n.setName(credentials.username());
                } else if (c instanceof PasswordCallback p) {
                    p.setPassword(credentials.password().toCharArray());
                } else {
                    throw new UnsupportedCallbackException(c);
                }
            }
        }

        @Override
        public byte[] initialResponse() throws SaslException {
            return client.hasInitialResponse() ? client.evaluateChallenge(new byte[0]) : null;
        }

        @Override
        public byte[] respond(byte[] challenge) throws SaslException {
            return client.evaluateChallenge(challenge);
        }
    }

    /** LOGIN: two prompts, two answers; a third challenge is a protocol error. */
    final class Login implements SaslMechanism {
        private final SaslCredentials credentials;
        private int step;

        Login(SaslCredentials credentials) {
            this.credentials = credentials;
        }

        @Override
        public byte[] initialResponse() {
            return null;
        }

        @Override
        public byte[] respond(byte[] challenge) throws SaslException {
            return switch (step++) {
                case 0 -> credentials.username().getBytes(StandardCharsets.UTF_8);
                case 1 -> credentials.password().getBytes(StandardCharsets.UTF_8);
                default -> throw new SaslException("unexpected LOGIN challenge");
            };
        }
    }
}
