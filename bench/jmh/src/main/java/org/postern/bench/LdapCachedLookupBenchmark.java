// SPDX-License-Identifier: Apache-2.0
package org.postern.bench;

import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.postern.api.dict.Dict;
import org.postern.api.dict.DictContext;
import org.postern.api.dict.DictException;
import org.postern.api.dict.DictFlag;
import org.postern.api.dict.DictRegistry;
import org.postern.api.dict.LookupResult;
import org.postern.core.dict.builtin.CacheDictFactory;
import org.postern.maps.ldap.LdapDictFactory;

import com.unboundid.ldap.listener.InMemoryDirectoryServer;
import com.unboundid.ldap.listener.InMemoryDirectoryServerConfig;
import com.unboundid.ldap.listener.InMemoryListenerConfig;

/**
 * SUMMARY   ldap: lookups per second, through "cache{ttl=60s}:ldap:..." and without the cache.
 * DESCRIPTION
 *   An in-memory directory (UnboundID, same JVM, loopback TCP) with 1,000 users; keys are
 *   drawn at random from them, so after the first pass every cached lookup is a hit. The
 *   uncached figure is the round trip to the directory that the cache saves; uncachedMiss the
 *   same for keys the directory does not have (the figure ldap's unit tests used to print).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class LdapCachedLookupBenchmark {
    private static final int USERS = 1_000;
    private static final Set<DictFlag> FOLD = Set.of(DictFlag.FOLD_CASE);

    private InMemoryDirectoryServer server;
    private Path directory;
    private Dict ldap;
    private Dict cached;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        InMemoryDirectoryServerConfig config = new InMemoryDirectoryServerConfig("dc=example,dc=com");
        config.setListenerConfigs(InMemoryListenerConfig.createLDAPConfig("ldap", InetAddress.getLoopbackAddress(), 0, null));
        config.setSchema(null);
        server = new InMemoryDirectoryServer(config);
        server.add("dn: dc=example,dc=com", "objectClass: domain", "dc: example");
        for (int i = 0; i < USERS; i++) {
            server.add("dn: uid=u" + i + ",dc=example,dc=com", "objectClass: account", "uid: u" + i,
                    "mail: u" + i + "@example.com", "maildrop: box" + i + "@store.example.com");
        }
        server.startListening();
        directory = Files.createTempDirectory("ldap-bench");
        Files.writeString(directory.resolve("users.cf"), "server_host = ldap://127.0.0.1:" + server.getListenPort() + "\n"
                + "search_base = dc=example, dc=com\nquery_filter = (mail=%s)\nresult_attribute = maildrop\n");
        LdapDictFactory ldapFactory = new LdapDictFactory();
        DictContext context = new DictContext() {
            @Override
            public Path configDirectory() {
                return directory;
            }

            @Override
            public DictRegistry registry() {
                return (spec, flags) -> {
                    try {
                        return ldapFactory.open(spec.substring("ldap:".length()), flags, this);
                    } catch (DictException e) {
                        throw new IllegalStateException(e);
                    }
                };
            }

            @Override
            public void warn(String message) {
                System.err.println("warning: " + message);
            }
        };
        ldap = ldapFactory.open("users.cf", FOLD, context);
        cached = new CacheDictFactory().open("{ttl=60s, size=10000}:ldap:users.cf", FOLD, context);
        if (!(cached.lookup("u7@example.com") instanceof LookupResult.Found)) {
            throw new IllegalStateException("the directory does not answer");
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        cached.close();
        ldap.close();
        server.shutDown(true);
    }

    private static String randomUser() {
        return "u" + ThreadLocalRandom.current().nextInt(USERS) + "@example.com";
    }

    @Benchmark
    public LookupResult cachedHit() {
        return cached.lookup(randomUser());
    }

    @Benchmark
    public LookupResult uncached() {
        return ldap.lookup(randomUser());
    }

    /** A key the directory does not have: the search comes back empty (Postfix then asks no further). */
    @Benchmark
    public LookupResult uncachedMiss() {
        return ldap.lookup("nobody" + ThreadLocalRandom.current().nextInt(USERS) + "@example.com");
    }
}
