// SPDX-License-Identifier: Apache-2.0
package org.postern.core.dict.builtin;

import java.util.EnumSet;
import java.util.Set;
import java.util.function.BiConsumer;

import org.osgi.service.component.annotations.Component;
import org.postern.api.dict.Dict;
import org.postern.api.dict.DictCapability;
import org.postern.api.dict.DictContext;
import org.postern.api.dict.DictException;
import org.postern.api.dict.DictFactory;
import org.postern.api.dict.DictFlag;
import org.postern.api.dict.DictType;
import org.postern.api.dict.LookupResult;
import org.postern.api.support.LogText;

/**
 * SUMMARY   proxy - a read-only, shared view of another table ("proxy:ldap:/etc/postern/users.cf").
 * DESCRIPTION
 *   In Postfix, proxymap(8) shares one open table (one LDAP/SQL connection pool) between all
 *   processes. Inside one JVM the registry already shares open tables by spec and flags, so
 *   proxy: opens "type:name" through the registry and passes lookups, flags and iteration
 *   through unchanged. Update and delete are refused (Postfix's proxywrite: is not offered).
 * SECURITY  As the wrapped table; it also keeps proxy: specs in main.cf meaningful.
 * BUGS      proxy_read_maps is not enforced: any table may be proxied.
 * SEE ALSO  Postfix proxymap(8), postconf(5) "proxy_read_maps".
 */
@Component(service = DictFactory.class)
@DictType("proxy")
public final class ProxyDictFactory implements DictFactory {

    @Override
    public Dict open(String name, Set<DictFlag> flags, DictContext context) throws DictException {
        int colon = name.indexOf(':');
        if (colon <= 0) {
            throw new DictException("bad syntax: \"proxy:" + LogText.printable(name) + "\"; need \"proxy:type:name\"", false);
        }
        String type = name.substring(0, colon).strip();
        if (type.equalsIgnoreCase("proxy")) {
            throw new DictException("proxy:" + LogText.printable(name) + ": a proxy table cannot wrap another proxy table", false);
        }
        return new ProxyDict(name, context.registry().open(name, BuiltinTables.nestedFlags(flags)));
    }

    /** The table. */
    record ProxyDict(String name, Dict inner) implements Dict {
        @Override
        public String type() {
            return "proxy";
        }

        @Override
        public Set<DictFlag> flags() {
            EnumSet<DictFlag> f = EnumSet.of(DictFlag.READ_ONLY);
            f.addAll(inner.flags());
            return Set.copyOf(f);
        }

        @Override
        public LookupResult lookup(String key) {
            return inner.lookup(key);
        }

        @Override
        public Set<DictCapability> capabilities() {
            return inner.capabilities().contains(DictCapability.ITERATE)
                    ? EnumSet.of(DictCapability.ITERATE) : EnumSet.noneOf(DictCapability.class);
        }

        @Override
        public void forEach(BiConsumer<String, String> sink) throws DictException {
            inner.forEach(sink);
        }

        @Override
        public void update(String key, String value) throws DictException {
            throw new DictException("proxy:" + name + ": update is not supported: proxy tables are read-only", false);
        }

        @Override
        public boolean delete(String key) throws DictException {
            throw new DictException("proxy:" + name + ": delete is not supported: proxy tables are read-only", false);
        }
    }
}
