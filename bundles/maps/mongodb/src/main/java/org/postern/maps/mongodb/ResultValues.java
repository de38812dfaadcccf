// SPDX-License-Identifier: Apache-2.0
package org.postern.maps.mongodb;

import java.util.function.Predicate;

import org.bson.BsonArray;
import org.bson.BsonDocument;
import org.bson.BsonValue;

/**
 * SUMMARY   The answer values in one returned document.
 * DESCRIPTION
 *   Every field except _id, in document order: strings as they are, 32/64-bit integers in
 *   decimal, arrays element by element, embedded documents field by field (so that
 *   result_attribute = a.b finds the value of {"a": {"b": ...}}). Other types (double,
 *   boolean, date, null, ...) are skipped, as Postfix ignores them.
 */
final class ResultValues {

    private ResultValues() {
    }

    /** Passes each value of {@code document} to {@code sink} until it returns false; false then. */
    static boolean each(BsonDocument document, Predicate<String> sink) {
        for (var field : document.entrySet()) {
            if (!field.getKey().equals("_id") && !value(field.getValue(), sink)) {
                return false;
            }
        }
        return true;
    }

    private static boolean value(BsonValue value, Predicate<String> sink) {
        if (value.isString()) {
            return sink.test(value.asString().getValue());
        }
        if (value.isInt32() || value.isInt64()) {
            return sink.test(Long.toString(value.asNumber().longValue()));
        }
        if (value.isArray()) {
            BsonArray array = value.asArray();
            for (BsonValue element : array) {
                if (!value(element, sink)) {
                    return false;
                }
            }
            return true;
        }
        if (value.isDocument()) {
            return each(value.asDocument(), sink);
        }
        return true;
    }
}
