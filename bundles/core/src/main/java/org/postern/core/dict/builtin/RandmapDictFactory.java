// SPDX-License-Identifier: Apache-2.0
package org.postern.core.dict.builtin;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.function.Supplier;
import java.util.random.RandomGenerator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.osgi.service.component.annotations.Component;
import org.postern.api.dict.Dict;
import org.postern.api.dict.DictContext;
import org.postern.api.dict.DictException;
import org.postern.api.dict.DictFactory;
import org.postern.api.dict.DictFlag;
import org.postern.api.dict.DictType;
import org.postern.api.dict.LookupResult;
import org.postern.api.support.LogText;
import org.postern.core.config.PostfixLists;

/**
 * SUMMARY   randmap - a random pick from a list, whatever the key ("randmap:{relay1, relay2}").
 * DESCRIPTION
 *   Results are separated by commas or blanks; a result in braces may contain both and loses
 *   its braces ("randmap:{ {smtp:[a]:25}, {smtp:[b]:25} }"). Postern extension: a braced
 *   result followed by "*N" has weight N ("randmap:{{relay1}*99, {relay2}*1}"); others weigh 1.
 *   Reports PATTERN, as Postfix's dict_random does, so access(5) callers make one lookup.
 * SECURITY  The key is not looked at. The random source is not for cryptography.
 * BUGS      Postfix 3.7 returns a braced result with its braces and knows no weights.
 * SEE ALSO  Postfix postconf(5) and DATABASE_README, "randmap".
 */
@Component(service = DictFactory.class)
@DictType("randmap")
public final class RandmapDictFactory implements DictFactory {
    private static final Pattern WEIGHTED = Pattern.compile("(\\{.*})\\*([0-9]+)", Pattern.DOTALL);

    private final Supplier<RandomGenerator> randomSource;

    public RandmapDictFactory() {
        this(Random::new);
    }

    /** For tests: a seeded source makes the picks reproducible. */
    RandmapDictFactory(Supplier<RandomGenerator> randomSource) {
        this.randomSource = randomSource;
    }

    @Override
    public Dict open(String name, Set<DictFlag> flags, DictContext context) throws DictException {
        String need = "value...";
        String body = BuiltinTables.braceBody("randmap", name, need);
        List<String> values = new ArrayList<>();
        List<Long> cumulative = new ArrayList<>();
        long total = 0;
        try {
            for (String token : PostfixLists.split(body)) {
                long weight = 1;
                Matcher m = WEIGHTED.matcher(token);
                if (m.matches() && PostfixLists.isGroup(m.group(1))) {
                    String digits = m.group(2);
                    weight = digits.length() > 9 ? 0 : Long.parseLong(digits);
                    if (weight < 1) {
                        throw new DictException("randmap:" + LogText.printable(name) + ": weight \"" + digits
                                + "\" must be a number from 1 to 999999999", false);
                    }
                    token = m.group(1);
                }
                String value = token.startsWith("{") ? PostfixLists.stripBraces(token) : token;
                if (value.isEmpty()) {
                    throw new DictException("randmap:" + LogText.printable(name) + ": empty result is not allowed", false);
                }
                total += weight;
                values.add(value);
                cumulative.add(total);
            }
        } catch (IllegalArgumentException e) {
            throw new DictException("bad syntax: \"randmap:" + LogText.printable(name) + "\": " + e.getMessage(), false);
        }
        if (values.isEmpty()) {
            throw new DictException("bad syntax: \"randmap:" + LogText.printable(name) + "\"; need \"randmap:{" + need + "}\"", false);
        }
        return new RandmapDict(name, BuiltinTables.flags(flags, DictFlag.PATTERN), List.copyOf(values),
                cumulative.stream().mapToLong(Long::longValue).toArray(), randomSource.get());
    }

    /** The table: a weighted random pick; safe for concurrent lookups when the generator is. */
    record RandmapDict(String name, Set<DictFlag> flags, List<String> values, long[] cumulative,
            RandomGenerator random) implements Dict {
        @Override
        public String type() {
            return "randmap";
        }

        @Override
        public LookupResult lookup(String key) {
            long pick;
            synchronized (random) {
                pick = random.nextLong(cumulative[cumulative.length - 1]);
            }
            for (int i = 0; i < cumulative.length; i++) {
                if (pick < cumulative[i]) {
                    return LookupResult.found(values.get(i));
                }
            }
            return LookupResult.found(values.get(values.size() - 1));
        }
    }
}
