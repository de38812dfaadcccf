// SPDX-License-Identifier: Apache-2.0
package org.postern.maps.mongodb;

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
 * SUMMARY   mongodb - MongoDB lookup table ("mongodb:/etc/postern/mongodb-aliases.cf").
 * DESCRIPTION
 *   The file has main.cf syntax; its parameters are those of Postfix's mongodb_table(5)
 *   plus a timeout, see {@link MongodbSettings}. Example:
 *     uri = mongodb://127.0.0.1:27017/?authSource=admin
 *     dbname = mail
 *     collection = mailbox
 *     query_filter = {"$or": [{"username": "%s"}, {"alias.address": "%s"}], "active": 1}
 *     result_attribute = username
 *   Unknown parameters are reported through {@link DictContext#warn}. The server is not
 *   contacted at open: a server that is down makes lookups fail temporarily, not the open.
 * SECURITY  Keys come from the network: each expansion is escaped for a JSON string, and a
 *   query_filter with an expansion outside a string is refused (see {@link FilterTemplate}).
 *   The uri may hold a password; it is never logged.
 * BUGS      Only lookups; Postfix's obsolete main.cf form (name without "/") is not supported.
 * SEE ALSO  Postfix mongodb_table(5).
 */
@Component(service = DictFactory.class)
@DictType("mongodb")
public final class MongodbDictFactory implements DictFactory {

    @Override
    public Dict open(String name, Set<DictFlag> flags, DictContext context) throws DictException {
        TableConfig config = TableConfig.open("mongodb", name, context);
        config.warnUnknown(MongodbSettings.PARAMETERS, context);
        return new MongodbDict(name, flags, MongodbSettings.from(config, context));
    }
}
