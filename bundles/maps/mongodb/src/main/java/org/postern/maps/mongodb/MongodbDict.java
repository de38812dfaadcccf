// SPDX-License-Identifier: Apache-2.0
package org.postern.maps.mongodb;

import java.util.Locale;
import java.util.Optional;
import java.util.Set;

import org.bson.BsonDocument;
import org.bson.json.JsonParseException;
import org.postern.api.dict.Dict;
import org.postern.api.dict.DictFlag;
import org.postern.api.dict.LookupResult;
import org.postern.api.support.LogText;
import org.postern.api.support.ResultList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.mongodb.MongoException;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoCursor;

/**
 * SUMMARY   One open mongodb table: a find() per lookup on a pooled MongoClient.
 * DESCRIPTION
 *   The client connects lazily and reconnects by itself; its pool is shared by all lookups.
 *   Every value of every matching document (see {@link ResultValues}) goes through
 *   result_format and expansion_limit ({@link ResultList}).
 * SECURITY  Keys come from the network; see {@link FilterTemplate}.
 */
final class MongodbDict implements Dict {

    private static final Logger LOG = LoggerFactory.getLogger("postern.dict.mongodb");

    private final String name;
    private final Set<DictFlag> flags;
    private final MongodbSettings settings;
    private final MongoClient client;
    private final MongoCollection<BsonDocument> collection;

    MongodbDict(String name, Set<DictFlag> flags, MongodbSettings settings) {
        this.name = name;
        this.flags = Set.copyOf(flags);
        this.settings = settings;
        this.client = MongoClients.create(settings.clientSettings());
        this.collection = client.getDatabase(settings.database())
                .getCollection(settings.collection(), BsonDocument.class);
    }

    @Override
    public String type() {
        return "mongodb";
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public Set<DictFlag> flags() {
        return flags;
    }

    @Override
    public LookupResult lookup(String key) {
        String folded = flags.contains(DictFlag.FOLD_CASE) ? key.toLowerCase(Locale.ROOT) : key;
        switch (settings.domain().check(folded)) {
            case SKIP:
                return LookupResult.notFound();
            case TEMPORARY_FAILURE:
                return LookupResult.temporaryFailure(spec() + ": domain table lookup failed");
            default:
                break;
        }
        try {
            Optional<BsonDocument> filter = settings.filter().expand(folded);
            if (filter.isEmpty()) {
                return LookupResult.notFound();
            }
            return find(filter.get(), folded);
        } catch (JsonParseException e) {
            return failure("bad query_filter after expansion", e);
        } catch (MongoException e) {
            return failure(e.getClass().getSimpleName(), e);
        } catch (RuntimeException e) {
            return failure("unexpected error", e);
        }
    }

    private LookupResult find(BsonDocument filter, String key) {
        ResultList results = new ResultList(settings.resultFormat(), settings.expansionLimit(), key);
        try (MongoCursor<BsonDocument> cursor = collection.find(filter).projection(settings.projection()).iterator()) {
            while (cursor.hasNext()) {
                if (!ResultValues.each(cursor.next(), results::add)) {
                    break;
                }
            }
        }
        return results.result(spec());
    }

    private LookupResult failure(String what, Exception e) {
        String reason = spec() + ": " + what + ": " + LogText.printable(String.valueOf(e.getMessage()));
        LOG.warn("warning: {}", reason);
        return LookupResult.temporaryFailure(reason);
    }

    @Override
    public void close() {
        client.close();
    }
}
