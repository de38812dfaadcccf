// SPDX-License-Identifier: Apache-2.0
package org.postern.transport.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postern.transport.delivery.CommandRunner.LingeringOutput;
import org.postern.transport.delivery.Setpriv.Groups;

class SetprivTest {

    @TempDir
    Path tmp;

    @Test
    void prefixShouldSetBothIdsAndTheGroupsAndEndTheOptions() {
        Path setpriv = Path.of("/usr/bin/setpriv");

        assertThat(Setpriv.prefix(setpriv, 1001, 1002, Groups.INIT))
                .containsExactly("/usr/bin/setpriv", "--reuid=1001", "--regid=1002", "--init-groups", "--");
        assertThat(Setpriv.prefix(setpriv, 1001, 1002, Groups.CLEAR))
                .containsExactly("/usr/bin/setpriv", "--reuid=1001", "--regid=1002", "--clear-groups", "--");
    }

    @Test
    void findShouldOnlyAnswerAnExecutableSetpriv() {
        Setpriv.find().ifPresent(p -> assertThat(Files.isExecutable(p)).isTrue());
    }

    @Test
    void commandShouldRunAsTheOtherUserWhenRootHasSetpriv() throws Exception {
        assumeTrue(MailboxOwner.processIsRoot() && Setpriv.find().isPresent(), "needs root and setpriv(1)");
        Files.setPosixFilePermissions(tmp, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
        List<String> command = new ArrayList<>(Setpriv.prefix(Setpriv.find().get(), 65534, 65534, Groups.CLEAR));
        command.addAll(List.of("/bin/sh", "-c", "echo $(id -u) $(id -g) $(id -G)"));

        CommandRunner.Outcome outcome = new CommandRunner(100, LingeringOutput.WITHIN_TIME_LIMIT)
                .run(command, tmp, Map.of("PATH", "/usr/bin:/bin"), out -> { }, Duration.ofSeconds(10));

        assertThat(outcome.output().strip()).isEqualTo("65534 65534 65534");
    }
}
