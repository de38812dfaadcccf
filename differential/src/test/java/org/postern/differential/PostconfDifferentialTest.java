// SPDX-License-Identifier: Apache-2.0
package org.postern.differential;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.postern.testing.RequiredService;

/**
 * Runs every query of {@link PostconfCorpus} with Postfix's postconf and with Postern's, each on
 * its own copy of the same files, and compares exit status, standard output, standard error
 * and the files left behind. A difference fails unless docs/postfix-differences.md lists the
 * query with Postern's side of the first difference.
 */
class PostconfDifferentialTest {

    private static final AtomicInteger QUERIES = new AtomicInteger();
    private static final Set<String> DIFFERING = new TreeSet<>();
    private static final Set<String> SEEN = new TreeSet<>();
    private static final Path REPORT = Path.of("target", "postconf-differences.txt");
    private static KnownDifferences known;

    @BeforeAll
    static void requirePostconf() throws IOException {
        RequiredService.assume(Files.isExecutable(PostconfRunner.POSTCONF),
                "Postfix's postconf (" + PostconfRunner.POSTCONF + ") for the differential postconf tests");
        known = KnownDifferences.load();
        Files.deleteIfExists(REPORT);
    }

    @AfterAll
    static void report() {
        System.out.printf("differential postconf: %d queries compared, %d differ "
                + "(all listed in docs/postfix-differences.md)%n", QUERIES.get(), DIFFERING.size());
    }

    @TestFactory
    Stream<DynamicNode> queries() {
        List<DynamicNode> nodes = new ArrayList<>();
        for (PostconfCase c : PostconfCorpus.all()) {
            nodes.add(DynamicTest.dynamicTest(c.key(), () -> compare(c)));
        }
        nodes.add(DynamicTest.dynamicTest("every listed postconf difference still occurs", () -> {
            List<String> stale = known.all().keySet().stream().filter(k -> k.startsWith("postconf: "))
                    .filter(k -> DIFFERING.stream().noneMatch(seen -> KnownDifferences.covers(k, seen)))
                    .sorted(Comparator.naturalOrder()).toList();
            assertThat(stale).as("listed in docs/postfix-differences.md but no query differs so: remove them").isEmpty();
        }));
        return nodes.stream();
    }

    private static void compare(PostconfCase c) throws Exception {
        String key = c.key();
        assertThat(SEEN.add(key)).as("queries are unique: %s", key).isTrue();
        PostconfRunner.Outcome theirs = PostconfRunner.postfix(c, Files.createTempDirectory("postfix-postconf"));
        PostconfRunner.Outcome ours = PostconfRunner.postern(c, Files.createTempDirectory("postern-postconf"));
        QUERIES.incrementAndGet();
        String difference = ours.firstDifference(theirs);
        String pinned = known.posternAnswer(key);
        if (difference.isEmpty()) {
            if (known.listedExactly(key)) {
                fail(key + " is listed in docs/postfix-differences.md but now answers as Postfix does: remove it");
            }
            return;
        }
        DIFFERING.add(key);
        String report = "differs from Postfix (" + key + "): " + difference + "\n--- Postfix\n" + theirs.describe()
                + "\n--- Postern\n" + ours.describe() + "\n\n";
        Files.writeString(REPORT, report, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        if (pinned == null) {
            fail(report);
        }
        assertThat(difference).as("Postern's pinned answer for %s", key).isEqualTo(pinned);
    }
}
