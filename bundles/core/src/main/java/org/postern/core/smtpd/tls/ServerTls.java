// SPDX-License-Identifier: Apache-2.0
package org.postern.core.smtpd.tls;

import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;
import javax.net.ssl.TrustManager;

import org.postern.api.support.CipherSuites;
import org.postern.api.support.TlsProtocols;

/**
 * SUMMARY   The TLS server side of one smtpd listener: the JSSE context with its keys (files
 *           watched for replacement, or the self-signed placeholder), the protocols and ciphers
 *           of the security level, client certificates, the session cache; one engine per
 *           STARTTLS or wrapper-mode connection.
 * DESCRIPTION
 *   Keys come from smtpd_tls_chain_files when set, else from smtpd_tls_cert_file/key_file and
 *   smtpd_tls_eccert_file/eckey_file (RSA and ECDSA side by side; the client's signature
 *   algorithms choose), else from {@link SelfSignedCredentials}. Level encrypt (and wrapper
 *   mode with it) uses the mandatory protocol and cipher parameters, level may the others.
 *   Sessions are cached by the JDK (ids for TLS 1.2, tickets for TLS 1.3) for
 *   smtpd_tls_session_cache_timeout; a reload makes a new context, and so a new cache.
 * CONFIGURATION PARAMETERS  see {@link ServerTlsSettings}; tls_server_sni_maps via
 *           {@link SniCredentials}.
 * SECURITY  Client-initiated renegotiation is refused by {@link RenegotiationGuard}, which the
 *           caller puts in front of the engine's handler.
 * BUGS      No DH parameter files (the JDK's groups are used), no smtpd_tls_dh1024_param_file,
 *           no OpenSSL cipher strings beyond the aliases of {@link CipherSuites}.
 */
public final class ServerTls {

    private final ServerTlsSettings settings;
    private final SSLContext context;
    private final ClientTrust clientTrust;
    private final String[] protocols;
    private final String[] ciphers;

    private ServerTls(ServerTlsSettings settings, SSLContext context, ClientTrust clientTrust, String[] protocols,
                      String[] ciphers) {
        this.settings = settings;
        this.context = context;
        this.clientTrust = clientTrust;
        this.protocols = protocols;
        this.ciphers = ciphers;
    }

    /**
     * @param hostname     myhostname, for the placeholder certificate
     * @param tlsDirectory where the placeholder is kept; null: a certificate must be configured
     * @param sni          tls_server_sni_maps; null without
     */
    public static ServerTls create(ServerTlsSettings settings, String hostname, Path tlsDirectory,
                                   SniCredentials sni) throws IOException, GeneralSecurityException {
        return create(settings, credentials(settings, hostname, tlsDirectory), sni);
    }

    static ServerTls create(ServerTlsSettings settings, CredentialSource keys, SniCredentials sni)
            throws IOException, GeneralSecurityException {
        ClientTrust trust = new ClientTrust(settings.caFile(), settings.caPath());
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(new KeyManager[] {new ServerKeyManager(keys, sni)}, new TrustManager[] {trust}, null);
        ctx.getServerSessionContext().setSessionTimeout((int) Math.min(Integer.MAX_VALUE,
                settings.sessionCacheTimeout().getSeconds()));
        boolean mandatory = settings.mandatory();
        List<String> supported = Arrays.asList(ctx.getSupportedSSLParameters().getProtocols());
        List<String> wanted = new ArrayList<>(TlsProtocols.parse(mandatory ? settings.mandatoryProtocols()
                : settings.protocols()));
        wanted.retainAll(supported);
        if (wanted.isEmpty()) {
            throw new GeneralSecurityException("no TLS protocol left that the JDK supports");
        }
        List<String> suites = CipherSuites.select(Arrays.asList(ctx.getDefaultSSLParameters().getCipherSuites()),
                mandatory ? settings.mandatoryCiphers() : settings.ciphers(),
                mandatory ? settings.mandatoryExclude() : settings.excludeCiphers());
        return new ServerTls(settings, ctx, trust, wanted.toArray(new String[0]), suites.toArray(new String[0]));
    }

    private static CredentialSource credentials(ServerTlsSettings s, String hostname, Path tlsDirectory)
            throws IOException, GeneralSecurityException {
        List<CredentialFiles.Source> sources = new ArrayList<>();
        if (!s.chainFiles().isEmpty()) {
            for (String f : s.chainFiles()) {
                sources.add(new CredentialFiles.ChainFile(Path.of(f)));
            }
        } else {
            if (!s.certFile().isEmpty()) {
                sources.add(new CredentialFiles.CertAndKey(Path.of(s.certFile()),
                        Path.of(s.keyFile().isEmpty() ? s.certFile() : s.keyFile())));
            }
            if (!s.eccertFile().isEmpty()) {
                sources.add(new CredentialFiles.CertAndKey(Path.of(s.eccertFile()),
                        Path.of(s.eckeyFile().isEmpty() ? s.eccertFile() : s.eckeyFile())));
            }
        }
        if (!sources.isEmpty()) {
            return new CredentialFiles(sources);
        }
        if (tlsDirectory == null) {
            throw new IOException("no smtpd_tls_cert_file and no directory for a self-signed certificate");
        }
        return new SelfSignedCredentials(hostname, tlsDirectory);
    }

    /** A server engine for one connection, with this listener's protocols, ciphers and client certificate request. */
    public SSLEngine newEngine() {
        SSLEngine engine = context.createSSLEngine();
        engine.setUseClientMode(false);
        SSLParameters p = engine.getSSLParameters();
        p.setProtocols(protocols);
        p.setCipherSuites(ciphers);
        p.setUseCipherSuitesOrder(true);
        if (settings.asksClientCertificate()) {
            p.setWantClientAuth(true);
        }
        engine.setSSLParameters(p);
        return engine;
    }

    public List<String> protocols() {
        return List.of(protocols);
    }

    public List<String> cipherSuites() {
        return List.of(ciphers);
    }

    public ServerTlsSettings settings() {
        return settings;
    }

    /** What the handshake that made {@code session} established. */
    public TlsSessionInfo describe(SSLSession session, boolean resumed) {
        ClientCertificate client = null;
        try {
            Certificate[] peer = session.getPeerCertificates();
            if (peer.length > 0 && peer[0] instanceof X509Certificate) {
                X509Certificate[] chain = Arrays.stream(peer).map(c -> (X509Certificate) c)
                        .toArray(X509Certificate[]::new);
                client = new ClientCertificate(cn(chain[0].getSubjectX500Principal().getName()),
                        cn(chain[0].getIssuerX500Principal().getName()),
                        fingerprint(chain[0].getEncoded(), settings.fingerprintDigest()),
                        fingerprint(chain[0].getPublicKey().getEncoded(), settings.fingerprintDigest()),
                        clientTrust.trusted(chain));
            }
        } catch (SSLPeerUnverifiedException e) {
            client = null;   // no certificate asked for or none sent
        } catch (GeneralSecurityException e) {
            client = null;
        }
        return new TlsSessionInfo(session.getProtocol(), session.getCipherSuite(), client,
                settings.asksClientCertificate(), ServerKeyManager.serverName(session), resumed);
    }

    /** Postfix's fingerprint form: upper-case hex bytes joined by ":". */
    public static String fingerprint(byte[] data, String digest) throws GeneralSecurityException {
        String alg = switch (digest.toLowerCase(Locale.ROOT)) {
            case "sha1" -> "SHA-1";
            case "sha224" -> "SHA-224";
            case "sha256", "" -> "SHA-256";
            case "sha384" -> "SHA-384";
            case "sha512" -> "SHA-512";
            case "md5" -> "MD5";
            default -> throw new GeneralSecurityException("unsupported smtpd_tls_fingerprint_digest " + digest);
        };
        byte[] d = MessageDigest.getInstance(alg).digest(data);
        StringBuilder b = new StringBuilder();
        for (byte x : d) {
            if (b.length() > 0) {
                b.append(':');
            }
            b.append(String.format("%02X", x & 0xff));
        }
        return b.toString();
    }

    private static String cn(String dn) {
        try {
            for (Rdn r : new LdapName(dn).getRdns()) {
                if (r.getType().equalsIgnoreCase("CN")) {
                    return String.valueOf(r.getValue()).replaceAll("[\\p{Cntrl}\"()]", "?");
                }
            }
        } catch (InvalidNameException e) {
            return "";
        }
        return "";
    }
}
