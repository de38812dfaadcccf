// SPDX-License-Identifier: Apache-2.0
package org.postern.core.smtpd.sasl;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * SUMMARY   Client of the Dovecot authentication protocol (version 1) for one SMTP session.
 * DESCRIPTION
 *   Connects at first use to smtpd_sasl_path and keeps the connection for the session. The
 *   handshake: the client sends VERSION and CPID, the server VERSION, MECH lines (with their
 *   security flags), SPID, CUID, COOKIE and DONE. An exchange is
 *   {@code AUTH TAB id TAB mech TAB service=smtp TAB nologin TAB lip= TAB rip= [TAB secured]
 *   [TAB resp=base64]}, answered by CONT (a base64 challenge; the client answers
 *   {@code CONT TAB id TAB base64}), OK (user=) or FAIL (reason=, user=, temp).
 *   <p>As Postfix's xsasl_dovecot: a mechanism outside the filtered list fails with "Invalid
 *   authentication mechanism"; a server that cannot be reached is a temporary failure ("Can't
 *   connect to authentication server"), one that goes away or times out mid-exchange too
 *   ("Connection lost to authentication server"); the next use connects again.
 * SECURITY  What the client sends is passed on as base64 only (checked before). Server lines are
 *           bounded ({@link DovecotConnection#MAX_LINE}) and every read has a time limit. The
 *           user name from OK/FAIL is unescaped (Dovecot's \001 escapes) and left to the caller
 *           to make printable.
 * BUGS      No request pipelining (one exchange at a time, as SMTP needs); a FAIL without
 *           reason= reads "(reason unavailable)". The COOKIE is not used (no master lookups).
 * SEE ALSO  Dovecot "Authentication Protocol" (doc.dovecot.org), Postfix SASL_README.
 */
public final class DovecotAuthClient implements SaslAuthServer {

    /** Postfix's AUTH_TIMEOUT. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

    private final SaslSettings settings;
    private final Duration timeout;
    private volatile DovecotConnection connection;
    private volatile boolean closed;
    private List<SaslMechanism> mechanisms = List.of();
    private int lastId;

    public DovecotAuthClient(SaslSettings settings, Duration timeout) {
        this.settings = settings;
        this.timeout = timeout;
    }

    @Override
    public synchronized List<String> mechanisms(boolean tls) throws IOException {
        connect();
        return offered(tls);
    }

    private List<String> offered(boolean tls) {
        SecurityOptions options = settings.optionsFor(tls);
        List<String> names = new ArrayList<>();
        for (SaslMechanism m : mechanisms) {
            if (options.permits(m)) {
                names.add(m.name());
            }
        }
        return names;
    }

    @Override
    public synchronized AuthStep start(String mech, String initialResponse, ClientInfo client) {
        try {
            connect();
        } catch (IOException | RuntimeException e) {
            return new AuthStep.TemporaryFailure("Can't connect to authentication server", null);
        }
        String name = mech.toUpperCase(Locale.ROOT);
        if (!offered(client.tls()).contains(name)) {
            return new AuthStep.Failure("Invalid authentication mechanism", null);
        }
        StringBuilder request = new StringBuilder("AUTH\t").append(++lastId).append('\t').append(name)
                .append("\tservice=").append(settings.service()).append("\tnologin");
        if (client.localAddress() != null) {
            request.append("\tlip=").append(client.localAddress());
        }
        if (client.remoteAddress() != null) {
            request.append("\trip=").append(client.remoteAddress());
        }
        if (client.tls()) {
            request.append("\tsecured");
        }
        if (initialResponse != null) {
            request.append("\tresp=").append(initialResponse);
        }
        return exchange(request.toString());
    }

    @Override
    public synchronized AuthStep next(String response) {
        if (connection == null) {
            return new AuthStep.TemporaryFailure("Connection lost to authentication server", null);
        }
        return exchange("CONT\t" + lastId + "\t" + response);
    }

    private AuthStep exchange(String request) {
        DovecotConnection c = connection;
        try {
            c.writeLine(request);
            while (true) {
                List<String> fields = DovecotLines.split(c.readLine());
                if (fields.size() < 2 || !fields.get(1).equals(Integer.toString(lastId))) {
                    continue; // not an answer to this request
                }
                switch (fields.get(0)) {
                    case "CONT":
                        return new AuthStep.Challenge(fields.size() > 2 ? fields.get(2) : "");
                    case "OK":
                        String user = DovecotLines.value(fields, "user");
                        return user == null || user.isEmpty()
                                ? new AuthStep.Failure("Authentication backend error", null)
                                : new AuthStep.Success(user);
                    case "FAIL":
                        String reason = DovecotLines.value(fields, "reason");
                        reason = reason == null || reason.isEmpty() ? "(reason unavailable)" : reason;
                        String failedUser = DovecotLines.value(fields, "user");
                        return fields.contains("temp") ? new AuthStep.TemporaryFailure(reason, failedUser)
                                : new AuthStep.Failure(reason, failedUser);
                    default:
                        continue;
                }
            }
        } catch (IOException | RuntimeException e) {
            drop();
            return new AuthStep.TemporaryFailure("Connection lost to authentication server", null);
        }
    }

    /** Connects and reads the handshake, unless connected. */
    private void connect() throws IOException {
        if (connection != null) {
            return;
        }
        if (closed) {
            throw new IOException("SASL: Dovecot auth client closed");
        }
        DovecotConnection c;
        try {
            c = DovecotConnection.open(settings.endpoint(), timeout);
        } catch (IOException e) {
            throw new IOException("SASL: Connect to Dovecot auth socket '" + settings.endpoint().name()
                    + "' failed: " + e.getMessage(), e);
        }
        try {
            c.writeLine("VERSION\t1\t2");
            c.writeLine("CPID\t" + ProcessHandle.current().pid());
            List<SaslMechanism> mechs = new ArrayList<>();
            boolean versionSeen = false;
            while (true) {
                List<String> fields = DovecotLines.split(c.readLine());
                String command = fields.get(0);
                if (command.equals("VERSION")) {
                    if (fields.size() < 2 || !fields.get(1).equals("1")) {
                        throw new IOException("Protocol version mismatch ("
                                + (fields.size() < 2 ? "?" : fields.get(1)) + " vs. 1)");
                    }
                    versionSeen = true;
                } else if (command.equals("MECH") && fields.size() >= 2) {
                    mechs.add(SaslMechanism.parse(fields.subList(1, fields.size())));
                } else if (command.equals("DONE")) {
                    break;
                }
            }
            if (!versionSeen) {
                throw new IOException("Protocol version error (no VERSION from the server)");
            }
            mechanisms = List.copyOf(mechs);
            connection = c;
            if (closed) {
                close(); // closed by another thread meanwhile
            }
        } catch (IOException | RuntimeException e) {
            c.close();
            throw new IOException("SASL: Dovecot auth socket '" + settings.endpoint().name() + "': "
                    + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        closed = true;
        drop();
    }

    /** Closes the connection; the next use connects again (unless closed). */
    private void drop() {
        DovecotConnection c = connection;
        connection = null;
        if (c != null) {
            c.close();
        }
    }
}
