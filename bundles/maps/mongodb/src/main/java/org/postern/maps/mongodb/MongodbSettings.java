// SPDX-License-Identifier: Apache-2.0
package org.postern.maps.mongodb;

import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import org.bson.BsonDocument;
import org.bson.BsonInt32;
import org.bson.json.JsonParseException;
import org.postern.api.dict.DictContext;
import org.postern.api.dict.DictException;
import org.postern.api.support.DomainFilter;
import org.postern.api.support.LogText;
import org.postern.api.support.QueryTemplate;
import org.postern.api.support.TableConfig;

import com.mongodb.ConnectionString;
import com.mongodb.MongoClientSettings;

/**
 * SUMMARY   The parameters of a mongodb table file, checked at open.
 * CONFIGURATION PARAMETERS
 *   uri (required)            mongodb:// or mongodb+srv:// connection string
 *   dbname, collection        (required)
 *   query_filter (required)   JSON filter template, see {@link FilterTemplate}; "filter" is accepted too
 *   result_attribute          fields whose values are the answer (comma/space separated)
 *   projection                a JSON projection instead; exactly one of the two
 *   result_format (%s)        domain (empty)        expansion_limit (10, Postfix's mongodb default)
 *   timeout (10)              Postern: seconds for server selection, connect and socket reads,
 *                             unless the uri sets serverSelectionTimeoutMS/connectTimeoutMS/socketTimeoutMS
 */
record MongodbSettings(ConnectionString uri, String database, String collection, FilterTemplate filter,
        BsonDocument projection, QueryTemplate resultFormat, int expansionLimit, DomainFilter domain,
        int timeoutSeconds) {

    static final Set<String> PARAMETERS = Set.of("uri", "dbname", "collection", "query_filter", "filter",
            "projection", "result_attribute", "result_format", "domain", "expansion_limit", "timeout");

    static MongodbSettings from(TableConfig config, DictContext context) throws DictException {
        ConnectionString uri;
        try {
            uri = new ConnectionString(config.required("uri"));
        } catch (IllegalArgumentException e) {
            throw config.error("uri", "bad connection string: " + LogText.printable(e.getMessage()));
        }
        String filterName = config.has("query_filter") || !config.has("filter") ? "query_filter" : "filter";
        FilterTemplate filter;
        try {
            filter = FilterTemplate.parse(config.required(filterName));
        } catch (IllegalArgumentException e) {
            throw config.error(filterName, e.getMessage());
        }
        QueryTemplate resultFormat;
        try {
            resultFormat = QueryTemplate.resultFormat(config.string("result_format", "%s"));
        } catch (IllegalArgumentException e) {
            throw config.error("result_format", e.getMessage());
        }
        return new MongodbSettings(uri, config.required("dbname"), config.required("collection"), filter,
                projection(config), resultFormat, config.integer("expansion_limit", 10, 0),
                DomainFilter.from(config, context), config.integer("timeout", 10, 1));
    }

    /** The projection document: the configured one, or one made of result_attribute; _id excluded. */
    private static BsonDocument projection(TableConfig config) throws DictException {
        List<String> attributes = config.list("result_attribute");
        String json = config.string("projection", "");
        if (attributes.isEmpty() == json.isEmpty()) {
            throw config.error(json.isEmpty() ? "result_attribute" : "projection",
                    "specify exactly one of projection or result_attribute");
        }
        BsonDocument projection = new BsonDocument();
        if (json.isEmpty()) {
            attributes.forEach(name -> projection.append(name, new BsonInt32(1)));
        } else {
            try {
                projection.putAll(BsonDocument.parse(json));
            } catch (JsonParseException e) {
                throw config.error("projection", "not a JSON document: " + LogText.printable(e.getMessage()));
            }
        }
        projection.put("_id", new BsonInt32(0));
        return projection;
    }

    /** Driver settings: the uri, with our timeout where the uri sets none. */
    MongoClientSettings clientSettings() {
        int millis = timeoutSeconds * 1000;
        return MongoClientSettings.builder()
                .applyConnectionString(uri)
                .applyToClusterSettings(cluster -> {
                    if (uri.getServerSelectionTimeout() == null) {
                        cluster.serverSelectionTimeout(millis, TimeUnit.MILLISECONDS);
                    }
                })
                .applyToSocketSettings(socket -> {
                    if (uri.getConnectTimeout() == null) {
                        socket.connectTimeout(millis, TimeUnit.MILLISECONDS);
                    }
                    if (uri.getSocketTimeout() == null) {
                        socket.readTimeout(millis, TimeUnit.MILLISECONDS);
                    }
                })
                .build();
    }
}
