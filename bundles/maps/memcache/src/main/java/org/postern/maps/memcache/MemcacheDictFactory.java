// SPDX-License-Identifier: Apache-2.0
package org.postern.maps.memcache;

import java.util.Set;

import org.osgi.service.component.annotations.Component;
import org.postern.api.dict.Dict;
import org.postern.api.dict.DictContext;
import org.postern.api.dict.DictException;
import org.postern.api.dict.DictFactory;
import org.postern.api.dict.DictFlag;
import org.postern.api.dict.DictType;
import org.postern.api.support.TableConfig;

/**
 * SUMMARY   memcache - memcached client table ("memcache:/etc/postern/memcache-verify.cf").
 * DESCRIPTION
 *   The file has main.cf syntax with the parameters of Postfix's memcache_table(5), see
 *   {@link MemcacheSettings}; the backup table is opened through the table registry. Lookup,
 *   update and delete follow Postfix's dict_memcache ({@link MemcacheDict}). Unknown
 *   parameters are reported through {@link DictContext#warn}. The client is xmemcached,
 *   embedded in this bundle (it is not an OSGi bundle).
 * SECURITY  See {@link MemcacheDict}: memcached is writable by anyone who reaches it.
 * BUGS      UNIX-domain memcache servers (memcache = unix:/path) are refused at open: the client
 *   library speaks TCP only. line_size_limit is accepted but the library reads reply lines.
 * SEE ALSO  Postfix memcache_table(5), MEMCACHE_README.
 */
@Component(service = DictFactory.class)
@DictType("memcache")
public final class MemcacheDictFactory implements DictFactory {

    @Override
    public Dict open(String name, Set<DictFlag> flags, DictContext context) throws DictException {
        TableConfig config = TableConfig.open("memcache", name, context);
        config.warnUnknown(MemcacheSettings.PARAMETERS, context);
        return new MemcacheDict(name, flags, MemcacheSettings.from(config, context, flags));
    }
}
