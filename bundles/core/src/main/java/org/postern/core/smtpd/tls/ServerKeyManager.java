// SPDX-License-Identifier: Apache-2.0
package org.postern.core.smtpd.tls;

import java.net.Socket;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.WeakHashMap;

import javax.net.ssl.ExtendedSSLSession;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SNIServerName;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLSession;
import javax.net.ssl.StandardConstants;
import javax.net.ssl.X509ExtendedKeyManager;

/**
 * SUMMARY   Picks the server's key for each handshake: by the name the client asked for (SNI,
 *           tls_server_sni_maps) and by the key type the client's signature algorithms allow
 *           (RSA or ECDSA side by side, as OpenSSL does for Postfix).
 * DESCRIPTION
 *   JSSE asks for a key type at a time, in the client's order of preference; the first
 *   credential of that type wins. The credentials are fetched from their source at each
 *   handshake, so a certificate replaced on disk serves the next handshake. An alias names
 *   the source, its generation and the index, so the chain and key JSSE asks for next belong
 *   to the same load even when a reload happens in between. When tls_server_sni_maps fails
 *   for the name ({@link SniCredentials.Failure}) no key is chosen, so JSSE aborts the
 *   handshake; the failure is remembered for the rest of that handshake (JSSE asks once per
 *   key type) so it is looked up and logged once.
 * SECURITY  The SNI name is client input; it is only used as a lookup key.
 */
final class ServerKeyManager extends X509ExtendedKeyManager {

    private final CredentialSource defaults;
    private final SniCredentials sni;
    private final Map<String, Credential> recent = Collections.synchronizedMap(
            new LinkedHashMap<String, Credential>(16, 0.75f, true) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<String, Credential> eldest) {
                    return size() > 256;
                }
            });

    /** Handshakes whose SNI lookup failed: no key for them, whatever the type. */
    private final Map<SSLEngine, Boolean> failed = Collections.synchronizedMap(new WeakHashMap<>());

    ServerKeyManager(CredentialSource defaults, SniCredentials sni) {
        this.defaults = defaults;
        this.sni = sni;
    }

    @Override
    public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
        if (engine != null && failed.containsKey(engine)) {
            return null;
        }
        try {
            return choose(keyType, serverName(engine == null ? null : engine.getHandshakeSession()));
        } catch (SniCredentials.Failure e) {
            if (engine != null) {
                failed.put(engine, Boolean.TRUE);
            }
            return null;
        }
    }

    @Override
    public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
        return choose(keyType, null);
    }

    private String choose(String keyType, String serverName) {
        String sourceName = "default";
        CredentialSource source = defaults;
        if (serverName != null && sni != null) {
            SniCredentials.Match m = sni.forName(serverName);
            if (m != null) {
                source = m.source();
                // The source's identity too: a changed table value makes a new source whose
                // generations start again at 1.
                sourceName = "sni:" + m.key() + "@" + Integer.toHexString(System.identityHashCode(m.source()));
            }
        }
        CredentialSource.Snapshot snap = source.current();
        List<Credential> list = snap.credentials();
        for (int i = 0; i < list.size(); i++) {
            if (list.get(i).serves(keyType)) {
                String alias = sourceName + "#" + snap.generation() + "#" + i;
                recent.put(alias, list.get(i));
                return alias;
            }
        }
        return null;
    }

    /** The host name the client sent with SNI, lower case; null without one. */
    static String serverName(SSLSession handshake) {
        if (!(handshake instanceof ExtendedSSLSession)) {
            return null;
        }
        for (SNIServerName n : ((ExtendedSSLSession) handshake).getRequestedServerNames()) {
            if (n.getType() == StandardConstants.SNI_HOST_NAME) {
                return ((SNIHostName) n).getAsciiName().toLowerCase(java.util.Locale.ROOT);
            }
        }
        return null;
    }

    @Override
    public X509Certificate[] getCertificateChain(String alias) {
        Credential c = alias == null ? null : recent.get(alias);
        return c == null ? null : c.chain().toArray(new X509Certificate[0]);
    }

    @Override
    public PrivateKey getPrivateKey(String alias) {
        Credential c = alias == null ? null : recent.get(alias);
        return c == null ? null : c.key();
    }

    @Override
    public String[] getServerAliases(String keyType, Principal[] issuers) {
        String a = choose(keyType, null);
        return a == null ? null : new String[] {a};
    }

    @Override
    public String[] getClientAliases(String keyType, Principal[] issuers) {
        return null;
    }

    @Override
    public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
        return null;
    }
}
