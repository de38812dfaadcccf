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
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.postern.testing.RequiredService;

/**
 * Plays every dialogue of {@link GeneratedDialogues} and {@link HandWrittenDialogues} against a
 * private Postfix and against Postern started from the same main.cf, and compares every reply:
 * code, enhanced status code and text (queue IDs masked). A difference fails the test unless
 * docs/postfix-differences.md lists the case with Postern's answer, which is then pinned.
 */
class SmtpDifferentialTest {

    private static final AtomicInteger DIALOGUES = new AtomicInteger();
    private static final AtomicInteger REPLIES = new AtomicInteger();
    private static final Set<String> DIFFERING = new TreeSet<>();
    private static final Set<String> SEEN = new TreeSet<>();
    /** Every difference with both transcripts, for reading after a run. */
    private static final Path REPORT = Path.of("target", "smtp-differences.txt");
    private static KnownDifferences known;
    private static String runningVariant;
    private static PrivatePostfix postfix;
    private static PosternSmtpd postern;

    @BeforeAll
    static void requirePostfix() throws IOException {
        RequiredService.assume(PrivatePostfix.available(),
                "Postfix (" + PrivatePostfix.POSTFIX + ", run as root) for the differential SMTP tests");
        known = KnownDifferences.load();
        Files.deleteIfExists(REPORT);
    }

    @AfterAll
    static void stopAndReport() {
        stopServers();
        DifferentialMilters.stop();
        System.out.printf("differential SMTP: %d dialogues, %d replies compared, %d dialogues differ "
                + "(all listed in docs/postfix-differences.md)%n", DIALOGUES.get(), REPLIES.get(), DIFFERING.size());
    }

    @TestFactory
    Stream<DynamicNode> dialogues() {
        List<Dialogue> all = new ArrayList<>(GeneratedDialogues.all());
        all.addAll(HandWrittenDialogues.all());
        all.sort(Comparator.comparingInt(d -> Variants.names().indexOf(d.variant())));
        List<DynamicNode> nodes = new ArrayList<>();
        for (String variant : Variants.names()) {
            List<DynamicTest> tests = all.stream().filter(d -> d.variant().equals(variant))
                    .map(d -> DynamicTest.dynamicTest(d.name(), () -> compare(d))).toList();
            nodes.add(DynamicContainer.dynamicContainer(variant, tests));
        }
        nodes.add(DynamicTest.dynamicTest("every listed SMTP difference still occurs", () -> {
            List<String> stale = known.all().keySet().stream().filter(k -> !k.startsWith("postconf"))
                    .filter(k -> DIFFERING.stream().noneMatch(seen -> KnownDifferences.covers(k, seen))).toList();
            assertThat(stale).as("listed in docs/postfix-differences.md but no dialogue differs so: remove them").isEmpty();
        }));
        return nodes.stream();
    }

    private static void compare(Dialogue d) throws Exception {
        String key = d.variant() + ": " + d.name();
        assertThat(SEEN.add(key)).as("dialogue names are unique per variant: %s", key).isTrue();
        startServers(d.variant());
        List<String> expected = DialoguePlayer.play(d, postfix.address());
        List<String> actual = DialoguePlayer.play(d, postern.address());
        DIALOGUES.incrementAndGet();
        REPLIES.addAndGet(expected.size());
        int first = firstDifference(expected, actual);
        String pinned = known.posternAnswer(key);
        if (first < 0) {
            if (known.listedExactly(key)) {
                fail(key + " is listed in docs/postfix-differences.md but now answers as Postfix does: remove it");
            }
            return;
        }
        DIFFERING.add(key);
        String ours = first < actual.size() ? answer(actual.get(first)) : "(nothing)";
        String report = "differs from Postfix (" + key + ") at reply " + (first + 1) + "\n  Postfix: "
                + (first < expected.size() ? expected.get(first) : "(nothing)") + "\n  Postern: "
                + (first < actual.size() ? actual.get(first) : "(nothing)")
                + "\n--- Postfix transcript\n" + String.join("\n", expected)
                + "\n--- Postern transcript\n" + String.join("\n", actual) + "\n";
        Files.writeString(REPORT, report + "\n", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        if (pinned == null) {
            fail("differs from Postfix (" + key + ") at reply " + (first + 1) + "\n  Postfix: "
                    + (first < expected.size() ? expected.get(first) : "(nothing)") + "\n  Postern: "
                    + (first < actual.size() ? actual.get(first) : "(nothing)")
                    + "\n--- Postfix transcript\n" + String.join("\n", expected)
                    + "\n--- Postern transcript\n" + String.join("\n", actual));
        }
        assertThat(ours).as("Postern's pinned answer for %s", key).isEqualTo(pinned);
    }

    private static String answer(String transcriptLine) {
        int arrow = transcriptLine.indexOf(" -> ");
        return arrow < 0 ? transcriptLine : transcriptLine.substring(arrow + 4);
    }

    private static int firstDifference(List<String> a, List<String> b) {
        for (int i = 0; i < Math.max(a.size(), b.size()); i++) {
            if (i >= a.size() || i >= b.size() || !a.get(i).equals(b.get(i))) {
                return i;
            }
        }
        return -1;
    }

    private static void startServers(String variant) throws Exception {
        if (variant.equals(runningVariant)) {
            return;
        }
        stopServers();
        if (DifferentialMilters.isMilterVariant(variant)) {
            DifferentialMilters.start();
        }
        List<String> mainCf = Variants.mainCf(variant);
        postfix = PrivatePostfix.start(Files.createTempDirectory("postfix-" + variant), mainCf);
        postern = PosternSmtpd.start(Files.createTempDirectory("postern-" + variant), mainCf);
        runningVariant = variant;
    }

    private static void stopServers() {
        if (postfix != null) {
            postfix.close();
            postfix = null;
        }
        if (postern != null) {
            postern.close();
            postern = null;
        }
        runningVariant = null;
    }
}
