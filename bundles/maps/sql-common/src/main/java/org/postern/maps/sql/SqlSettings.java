// SPDX-License-Identifier: Apache-2.0
package org.postern.maps.sql;

import java.util.HashSet;
import java.util.Set;

import org.postern.api.dict.DictContext;
import org.postern.api.dict.DictException;
import org.postern.api.support.DomainFilter;
import org.postern.api.support.QueryTemplate;
import org.postern.api.support.TableConfig;

/**
 * SUMMARY   The parameters mysql_table(5), pgsql_table(5) and sqlite_table(5) have in common.
 * DESCRIPTION
 *   query           the SQL template (see {@link SqlQuery}); without it, the legacy form
 *                   "SELECT select_field FROM table WHERE where_field = '%s' additional_conditions"
 *   result_format   default %s
 *   domain          default none (every key is looked up)
 *   expansion_limit default 0 (no limit)
 *   retry_interval  default 60 s: a failed host is skipped that long
 *   idle_interval   default 60 s: an idle connection is closed after that long
 *   timeout         (Postern) default 10 s: connect timeout and the limit for each read
 * SECURITY  The .cf file holds the database password; messages name parameters, not values.
 */
public record SqlSettings(SqlQuery query, QueryTemplate resultFormat, DomainFilter domain, int expansionLimit,
        int retryInterval, int idleInterval, int timeout) {

    /** Parameters every SQL type understands (the legacy query ones included). */
    public static final Set<String> PARAMETERS = Set.of("query", "result_format", "domain", "expansion_limit",
            "timeout", "table", "select_field", "where_field", "additional_conditions");

    /** Parameters of the server types (mysql, pgsql), not sqlite. */
    public static final Set<String> SERVER_PARAMETERS = Set.of("hosts", "user", "password", "dbname",
            "retry_interval", "idle_interval");

    /** Reads the common parameters; {@code query} is the template the caller settled on (see {@link #queryTemplate}). */
    public static SqlSettings read(TableConfig config, String query, DictContext context) throws DictException {
        SqlQuery sql;
        try {
            sql = SqlQuery.parse(query);
        } catch (IllegalArgumentException e) {
            throw config.error(config.has("query") ? "query" : "where_field", e.getMessage());
        }
        QueryTemplate resultFormat;
        try {
            resultFormat = QueryTemplate.resultFormat(config.string("result_format", "%s"));
        } catch (IllegalArgumentException e) {
            throw config.error("result_format", e.getMessage());
        }
        return new SqlSettings(sql, resultFormat, DomainFilter.from(config, context),
                config.integer("expansion_limit", 0, 0),
                config.integer("retry_interval", 60, 0),
                config.integer("idle_interval", 60, 0),
                config.integer("timeout", 10, 1));
    }

    /**
     * The query template: "query" when set, else the legacy select_field/table/where_field/
     * additional_conditions form, which needs the first three.
     */
    public static String queryTemplate(TableConfig config) throws DictException {
        if (config.has("query")) {
            return config.required("query");
        }
        if (!config.has("table") && !config.has("select_field") && !config.has("where_field")) {
            return config.required("query");
        }
        String select = config.required("select_field");
        String table = config.required("table");
        String where = config.required("where_field");
        String more = config.string("additional_conditions", "");
        return "SELECT " + select + " FROM " + table + " WHERE " + where + " = '%s'" + (more.isEmpty() ? "" : " " + more);
    }

    /** Warns about every parameter that is neither common nor in {@code typeSpecific}. */
    public static void warnUnknown(TableConfig config, Set<String> typeSpecific, DictContext context) {
        if (context == null) {
            return;
        }
        Set<String> known = new HashSet<>(PARAMETERS);
        known.addAll(typeSpecific);
        config.warnUnknown(known, context, name -> config.error(name, "unknown parameter, ignored").getMessage());
    }
}
