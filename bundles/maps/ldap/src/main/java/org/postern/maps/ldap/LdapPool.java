// SPDX-License-Identifier: Apache-2.0
package org.postern.maps.ldap;

import java.security.GeneralSecurityException;
import java.util.EnumSet;

import javax.net.ssl.SSLSocketFactory;

import com.unboundid.ldap.sdk.BindRequest;
import com.unboundid.ldap.sdk.LDAPConnectionOptions;
import com.unboundid.ldap.sdk.LDAPConnectionPool;
import com.unboundid.ldap.sdk.LDAPException;
import com.unboundid.ldap.sdk.OperationType;
import com.unboundid.ldap.sdk.PostConnectProcessor;
import com.unboundid.ldap.sdk.SimpleBindRequest;
import com.unboundid.ldap.sdk.StartTLSPostConnectProcessor;
import com.unboundid.util.ssl.HostNameSSLSocketVerifier;

import org.postern.api.dict.DictException;

/**
 * SUMMARY   The connection pool of one ldap: table.
 * DESCRIPTION
 *   Connections are made on demand (none at open, so that a table opens while its servers
 *   are down), to the servers in server_host order, each with start_tls and the simple bind
 *   applied, and then reused. Connect and response timeouts are the table's timeout. A
 *   search that fails because its connection broke (server restarted, cut) is retried once
 *   on a new connection, so a recovered server answers the next lookup; while no server
 *   answers, lookups fail temporarily as soon as the connect attempts fail.
 * BUGS      A server that accepts connections but never answers costs up to twice the timeout
 *           (the try and its retry on a new connection).
 */
final class LdapPool {

    /** Enough for the delivery agents of one instance; more are made, then closed, under load. */
    static final int MAX_CONNECTIONS = 8;

    private LdapPool() {
    }

    static LDAPConnectionPool open(LdapSettings settings) throws DictException {
        LDAPConnectionOptions options = new LDAPConnectionOptions();
        options.setConnectTimeoutMillis(settings.timeoutSeconds() * 1000);
        options.setResponseTimeoutMillis(settings.timeoutSeconds() * 1000L);
        options.setFollowReferrals(settings.chaseReferrals());
        options.setUseSynchronousMode(false);
        if (settings.requireCert()) {
            options.setSSLSocketVerifier(new HostNameSSLSocketVerifier(true));
        }
        try {
            SSLSocketFactory tls = settings.tls() == null ? null : settings.tls().createSSLSocketFactory();
            PostConnectProcessor startTls = settings.startTls()
                    ? new StartTLSPostConnectProcessor(settings.tls().createSSLContext()) : null;
            BindRequest bind = settings.binds() ? new SimpleBindRequest(settings.bindDn(), settings.bindPassword()) : null;
            LDAPConnectionPool pool = new LDAPConnectionPool(settings.servers().serverSet(options, tls), bind,
                    0, MAX_CONNECTIONS, startTls, false);
            pool.setConnectionPoolName("postern " + settings);
            pool.setCreateIfNecessary(true);
            pool.setRetryFailedOperationsDueToInvalidConnections(EnumSet.of(OperationType.SEARCH));
            return pool;
        } catch (GeneralSecurityException e) {
            throw new DictException(settings.source() + ": cannot set up TLS: " + e.getMessage(), false, e);
        } catch (LDAPException e) {
            throw new DictException(settings.source() + ": cannot set up the connection pool: " + e.getMessage(), true, e);
        }
    }
}
