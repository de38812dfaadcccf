// SPDX-License-Identifier: Apache-2.0
package org.postern.core.cleanup;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.postern.api.dict.Dict;
import org.postern.api.dict.DictContext;
import org.postern.api.dict.DictException;
import org.postern.api.dict.DictFlag;
import org.postern.api.dict.DictRegistry;
import org.postern.api.dict.LookupResult;
import org.postern.core.dict.builtin.InlineDictFactory;
import org.postern.core.dict.builtin.StaticDictFactory;

/**
 * Registry double: "inline:" and "static:" through core's real factories, "regexp:NAME" and
 * "fail:NAME" from tables registered here, and it counts opens.
 */
final class TestTables implements DictRegistry, DictContext {

    private final Map<String, Dict> registered = new HashMap<>();
    int opens;

    /** A pattern table: case-insensitive Java regexes, first match wins, $1.. substituted. */
    TestTables regexp(String name, String... patternThenValue) {
        Map<Pattern, String> rules = new LinkedHashMap<>();
        for (int i = 0; i < patternThenValue.length; i += 2) {
            rules.put(Pattern.compile(patternThenValue[i], Pattern.CASE_INSENSITIVE), patternThenValue[i + 1]);
        }
        registered.put("regexp:" + name, new RegexpDict(name, rules));
        return this;
    }

    TestTables failing(String name) {
        registered.put("fail:" + name, new FailDict(name));
        return this;
    }

    @Override
    public Dict open(String spec, Set<DictFlag> flags) {
        opens++;
        Dict d = registered.get(spec);
        if (d != null) {
            return d;
        }
        int colon = spec.indexOf(':');
        String type = spec.substring(0, colon);
        String name = spec.substring(colon + 1);
        try {
            if (type.equals("inline")) {
                return new InlineDictFactory().open(name, flags, this);
            }
            if (type.equals("static")) {
                return new StaticDictFactory().open(name, flags, this);
            }
        } catch (DictException e) {
            throw new IllegalArgumentException(e);
        }
        return new FailDict(spec);
    }

    @Override
    public Path configDirectory() {
        return Path.of("/nonexistent");
    }

    @Override
    public DictRegistry registry() {
        return this;
    }

    @Override
    public void warn(String message) {
    }

    record RegexpDict(String name, Map<Pattern, String> rules) implements Dict {
        @Override
        public String type() {
            return "regexp";
        }

        @Override
        public Set<DictFlag> flags() {
            return Set.of(DictFlag.PATTERN, DictFlag.FOLD_CASE);
        }

        @Override
        public LookupResult lookup(String key) {
            for (Map.Entry<Pattern, String> e : rules.entrySet()) {
                Matcher m = e.getKey().matcher(key);
                if (m.find()) {
                    String v = e.getValue();
                    for (int g = m.groupCount(); g >= 1; g--) {
                        v = v.replace("$" + g, m.group(g) == null ? "" : m.group(g));
                    }
                    return LookupResult.found(v);
                }
            }
            return LookupResult.notFound();
        }
    }

    record FailDict(String name) implements Dict {
        @Override
        public String type() {
            return "fail";
        }

        @Override
        public Set<DictFlag> flags() {
            return Set.of();
        }

        @Override
        public LookupResult lookup(String key) {
            return LookupResult.temporaryFailure("server down");
        }
    }
}
