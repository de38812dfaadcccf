// SPDX-License-Identifier: Apache-2.0
package org.postern.core.smtpd;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import org.postern.core.smtpd.sasl.AuthStep;
import org.postern.core.smtpd.sasl.ClientInfo;
import org.postern.core.smtpd.sasl.SaslAuthServer;

/**
 * An authentication server that checks PLAIN and LOGIN against a map of passwords, as Dovecot
 * would (LOGIN asks "Username:" then "Password:"), or is down; records what it was asked.
 */
final class ScriptedSaslServer implements SaslAuthServer {

    static final String USERNAME_CHALLENGE = b64("Username:");
    static final String PASSWORD_CHALLENGE = b64("Password:");

    private final Map<String, String> passwords;
    private final List<String> mechanisms;
    private final boolean down;
    final List<String> requests = new CopyOnWriteArrayList<>();
    volatile boolean closed;
    private String mechanism;
    private String loginUser;

    private ScriptedSaslServer(Map<String, String> passwords, List<String> mechanisms, boolean down) {
        this.passwords = passwords;
        this.mechanisms = mechanisms;
        this.down = down;
    }

    static ScriptedSaslServer withUsers(Map<String, String> passwords) {
        return new ScriptedSaslServer(passwords, List.of("PLAIN", "LOGIN"), false);
    }

    /** Up, but offering nothing (every mechanism filtered by the security options). */
    static ScriptedSaslServer offeringNothing() {
        return new ScriptedSaslServer(Map.of(), List.of(), false);
    }

    static ScriptedSaslServer down() {
        return new ScriptedSaslServer(Map.of(), List.of(), true);
    }

    static String b64(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public List<String> mechanisms(boolean tls) throws IOException {
        if (down) {
            throw new IOException("SASL: Connect to Dovecot auth socket 'private/auth' failed: Connection refused");
        }
        return mechanisms;
    }

    @Override
    public AuthStep start(String mech, String initialResponse, ClientInfo client) {
        requests.add("start " + mech + " " + initialResponse + " " + client);
        if (down) {
            return new AuthStep.TemporaryFailure("Can't connect to authentication server", null);
        }
        if (!mechanisms.contains(mech)) {
            return new AuthStep.Failure("Invalid authentication mechanism", null);
        }
        mechanism = mech;
        loginUser = null;
        if (initialResponse == null) {
            return new AuthStep.Challenge(mech.equals("LOGIN") ? USERNAME_CHALLENGE : "");
        }
        return next(initialResponse);
    }

    @Override
    public AuthStep next(String response) {
        requests.add("next " + response);
        String decoded = new String(Base64.getDecoder().decode(response), StandardCharsets.UTF_8);
        if (mechanism.equals("LOGIN")) {
            if (loginUser == null) {
                loginUser = decoded;
                return new AuthStep.Challenge(PASSWORD_CHALLENGE);
            }
            return verdict(loginUser, decoded);
        }
        String[] parts = decoded.split("\0", -1);
        if (parts.length != 3) {
            return new AuthStep.Failure("(reason unavailable)", null);
        }
        return verdict(parts[1], parts[2]);
    }

    private AuthStep verdict(String user, String password) {
        return password.equals(passwords.get(user)) ? new AuthStep.Success(user)
                : new AuthStep.Failure("(reason unavailable)", user);
    }

    @Override
    public void close() {
        closed = true;
    }
}
