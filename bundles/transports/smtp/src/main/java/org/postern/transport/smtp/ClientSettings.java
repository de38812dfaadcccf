// SPDX-License-Identifier: Apache-2.0
package org.postern.transport.smtp;

import java.time.Duration;
import java.util.Locale;

import org.postern.api.delivery.ServiceSettings;
import org.postern.api.parameter.Parameter;
import org.postern.api.support.TlsLogLevel;

/**
 * SUMMARY   The smtp_* (or lmtp_*) parameters one delivery reads.
 * DESCRIPTION
 *   Read once per request from the service's settings (main.cf with master.cf -o overrides),
 *   through their declarations ({@link ClientParameters}: defaults, bounds, Postern's additions).
 *   A malformed value is an error naming file, line and parameter, never the default.
 *   Timeouts are per command and reply, as in Postfix.
 *   smtp_tcp_port (Postfix: "smtp", lmtp_tcp_port 24) is the port for MX-derived and
 *   portless nexthops; numbers, "smtp" (25), "submission" (587), "smtps" (465) and "lmtp" (24).
 *   An empty smtp_tls_security_level means "may" for smtp (Postern's default) and "none" for lmtp.
 *   smtp_tls_loglevel (lmtp_tls_loglevel) decides the TLS lines of a session that worked, as
 *   Postfix's; failures are logged at every level.
 */
record ClientSettings(Protocol protocol, String heloName, String myHostname, int tcpPort,
                      Duration connectTimeout, Duration connectBudget, Duration heloTimeout,
                      Duration startTlsTimeout, Duration mailTimeout, Duration rcptTimeout,
                      Duration dataInitTimeout, Duration dataXferTimeout, Duration dataDoneTimeout,
                      Duration rsetTimeout, Duration quitTimeout, int mxAddressLimit, int mxSessionLimit,
                      TlsLevel tlsLevel, boolean skip5xxGreeting, boolean neverSendEhlo,
                      boolean mimeOutputConversion, boolean deferIfNoMxAddress, boolean assumeFinal,
                      boolean ipv4, boolean ipv6, boolean cacheConnections, Duration cacheTimeLimit,
                      Duration reuseTimeLimit, int reuseCountLimit, int cacheSizeLimit, TlsSessionLog tlsLog) {

    /** The TLS levels this client acts on ({@link TlsPolicy} maps Postfix's level names to them). */
    enum TlsLevel { NONE, MAY, ENCRYPT, DANE, DANE_ONLY, FINGERPRINT, VERIFY, SECURE }

    static ClientSettings of(Protocol p, ServiceSettings s) {
        boolean smtp = p == Protocol.SMTP;
        ClientParameters d = ClientParameters.of(p);
        String myHostname = s.get("myhostname", "localhost");
        String inet = s.get("inet_protocols", "all").toLowerCase(Locale.ROOT);
        boolean all = inet.contains("all");
        return new ClientSettings(p,
                hostname(s.string(d.heloName), myHostname),
                myHostname,
                port(s, d.tcpPort, p.defaultPort()),
                s.time(d.connectTimeout),
                s.time(d.connectBudget),
                s.time(d.heloTimeout),
                s.time(d.startTlsTimeout),
                s.time(d.mailTimeout),
                s.time(d.rcptTimeout),
                s.time(d.dataInitTimeout),
                s.time(d.dataXferTimeout),
                s.time(d.dataDoneTimeout),
                s.time(d.rsetTimeout),
                s.time(d.quitTimeout),
                s.integer(d.mxAddressLimit),
                s.integer(d.mxSessionLimit),
                configuredTls(p, s).level(),
                s.bool(d.skip5xxGreeting),
                smtp && s.bool(d.protocolSwitch),
                !s.bool(SmtpParameters.DISABLE_MIME_OUTPUT_CONVERSION),
                s.bool(d.deferIfNoMxAddress),
                !smtp && s.bool(d.protocolSwitch),
                all || inet.contains("ipv4"),
                all || inet.contains("ipv6"),
                s.bool(d.cacheOnDemand) || !s.list(d.cacheDestinations).isEmpty(),
                s.time(d.cacheTimeLimit),
                s.time(d.reuseTimeLimit),
                s.integer(d.reuseCountLimit),
                s.integer(d.cacheSizeLimit),
                new TlsSessionLog(TlsLogLevel.parse(s.string(d.tlsLogLevel)), TlsSettings.fingerprintDigest(s, d)));
    }

    private static String hostname(String configured, String myHostname) {
        return configured == null || configured.isBlank() || configured.contains("$") ? myHostname : configured.strip();
    }

    /** smtp_tcp_port (lmtp_tcp_port): a port number or a service name; empty means the protocol's port. */
    private static int port(ServiceSettings s, Parameter declared, int fallback) {
        String value = s.string(declared);
        try {
            return port(value, fallback);
        } catch (IllegalArgumentException e) {
            throw s.malformed(declared.name(), e.getMessage());
        }
    }

    /**
     * A port number or one of the few service names mail uses; {@code fallback} when empty.
     *
     * @throws IllegalArgumentException for anything else
     */
    static int port(String value, int fallback) {
        if (value == null || value.isBlank()) {
            return fallback;
        }
        return switch (value.strip().toLowerCase(Locale.ROOT)) {
            case "smtp" -> 25;
            case "submission" -> 587;
            case "smtps", "submissions" -> 465;
            case "lmtp" -> 24;
            default -> {
                int n;
                try {
                    n = Integer.parseInt(value.strip());
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("bad port: " + value);
                }
                if (n <= 0 || n >= 65536) {
                    throw new IllegalArgumentException("bad port: " + value);
                }
                yield n;
            }
        };
    }

    /** smtp_tls_security_level as a policy (its level; {@link TlsPolicy} says what is not implemented). */
    static TlsPolicy configuredTls(Protocol p, ServiceSettings s) {
        return TlsPolicy.parse(s.string(ClientParameters.of(p).tlsSecurityLevel),
                p == Protocol.SMTP ? TlsLevel.MAY : TlsLevel.NONE);
    }

    /** The same settings with the TLS level one destination's policy asks for. */
    ClientSettings withTlsLevel(TlsLevel level) {
        return new ClientSettings(protocol, heloName, myHostname, tcpPort, connectTimeout, connectBudget, heloTimeout,
                startTlsTimeout, mailTimeout, rcptTimeout, dataInitTimeout, dataXferTimeout, dataDoneTimeout,
                rsetTimeout, quitTimeout, mxAddressLimit, mxSessionLimit, level, skip5xxGreeting, neverSendEhlo,
                mimeOutputConversion, deferIfNoMxAddress, assumeFinal, ipv4, ipv6, cacheConnections, cacheTimeLimit,
                reuseTimeLimit, reuseCountLimit, cacheSizeLimit, tlsLog);
    }
}
