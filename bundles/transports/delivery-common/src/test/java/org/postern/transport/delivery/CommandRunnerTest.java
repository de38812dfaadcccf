// SPDX-License-Identifier: Apache-2.0
package org.postern.transport.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postern.transport.delivery.CommandRunner.LingeringOutput;
import org.postern.transport.delivery.CommandRunner.Outcome;

class CommandRunnerTest {

    private static final Map<String, String> ENV = Map.of("PATH", "/usr/bin:/bin");
    private static final MessageWriter NO_INPUT = out -> { };
    /** Exits 3 while a child keeps the output open; the pause lets the output reader start first. */
    private static final String LINGERING_CHILD = "sleep 4 & sleep 0.3; exit 3";

    @TempDir
    Path tmp;

    private static List<String> sh(String script) {
        return List.of("/bin/sh", "-c", script);
    }

    @Test
    void runShouldFeedStdinAndKeepOutputAndStatus() throws Exception {
        CommandRunner runner = new CommandRunner(4096, LingeringOutput.WITHIN_TIME_LIMIT);

        Outcome outcome = runner.run(sh("cat; echo \"in $(pwd) as $PATH\" >&2; exit 67"), tmp, ENV,
                out -> out.write("hello\n".getBytes(StandardCharsets.US_ASCII)), Duration.ofSeconds(10));

        assertThat(outcome).isEqualTo(new Outcome(false, 67, "hello\nin " + tmp.toRealPath() + " as /usr/bin:/bin\n"));
    }

    @Test
    void runShouldKeepOnlyTheFirstBytesOfOutput() throws Exception {
        CommandRunner runner = new CommandRunner(100, LingeringOutput.GRACE_PERIOD);

        Outcome outcome = runner.run(sh("head -c 50000 /dev/zero | tr '\\0' a"), tmp, ENV, NO_INPUT,
                Duration.ofSeconds(10));

        assertThat(outcome.status()).isZero();
        assertThat(outcome.output()).isEqualTo("a".repeat(100));
    }

    @Test
    void runShouldLetTheStatusDecideWhenTheCommandDoesNotReadItsInput() throws Exception {
        CommandRunner runner = new CommandRunner(4096, LingeringOutput.WITHIN_TIME_LIMIT);

        Outcome outcome = runner.run(sh("exit 0"), tmp, ENV, out -> out.write(new byte[4 << 20]),
                Duration.ofSeconds(10));

        assertThat(outcome).isEqualTo(new Outcome(false, 0, ""));
    }

    @Test
    void runShouldKillTheCommandAtTheTimeLimit() throws Exception {
        CommandRunner runner = new CommandRunner(4096, LingeringOutput.GRACE_PERIOD);
        long start = System.nanoTime();

        Outcome outcome = runner.run(sh("echo started; exec sleep 30"), tmp, ENV, NO_INPUT, Duration.ofMillis(500));

        assertThat(outcome.timedOut()).isTrue();
        assertThat(outcome.output()).isEqualTo("started\n");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
    }

    @Test
    void lingeringOutputShouldCountAsTimeoutWithinTheTimeLimit() throws Exception {
        CommandRunner runner = new CommandRunner(4096, LingeringOutput.WITHIN_TIME_LIMIT);

        Outcome outcome = runner.run(sh(LINGERING_CHILD), tmp, ENV, NO_INPUT, Duration.ofSeconds(1));

        assertThat(outcome.timedOut()).isTrue();
        assertThat(outcome.status()).isEqualTo(3);
    }

    @Test
    void lingeringOutputShouldGetAGracePeriodThenTheStatusDecides() throws Exception {
        CommandRunner runner = new CommandRunner(4096, LingeringOutput.GRACE_PERIOD);
        Path pid = tmp.resolve("child.pid");
        // The child holds the output open for 5 minutes: the run must end long before it does.
        String lingering = "sleep 300 & echo $! > " + pid + "; sleep 0.3; exit 3";

        Outcome outcome = runner.run(sh(lingering), tmp, ENV, NO_INPUT, Duration.ofSeconds(600));

        assertThat(outcome).isEqualTo(new Outcome(false, 3, ""));
        ProcessHandle child = ProcessHandle.of(Long.parseLong(Files.readString(pid).strip())).orElseThrow();
        assertThat(child.isAlive()).as("the run ended while the child still held the output").isTrue();
        child.destroyForcibly();
    }

    @Test
    void runShouldThrowWhenTheCommandCannotBeStarted() {
        CommandRunner runner = new CommandRunner(4096, LingeringOutput.WITHIN_TIME_LIMIT);

        assertThatThrownBy(() -> runner.run(List.of(tmp.resolve("missing").toString()), tmp, ENV, NO_INPUT,
                Duration.ofSeconds(1))).isInstanceOf(IOException.class);
    }
}
