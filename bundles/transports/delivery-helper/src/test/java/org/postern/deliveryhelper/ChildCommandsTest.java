// SPDX-License-Identifier: Apache-2.0
package org.postern.deliveryhelper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.postern.transport.delivery.Setpriv.Groups;
import org.postern.transport.delivery.privileged.UserIdentity;

class ChildCommandsTest {

    private final ChildCommands children = new ChildCommands(Path.of("/usr/bin/setpriv"), Path.of("/opt/java/bin/java"),
            "/opt/postern/lib/delivery-helper/*");
    private final UserIdentity joe = new UserIdentity("joe", 1001, 1002, Groups.INIT);

    @Test
    void commandShouldSwitchFirstAndSetTheEnvironmentAfterwards() {
        assertThat(children.command(joe, List.of("/bin/sh", "-c", "exec procmail"), Map.of("HOME", "/home/joe",
                "LD_PRELOAD", "/tmp/x.so")))
                .containsExactly("/usr/bin/setpriv", "--reuid=1001", "--regid=1002", "--init-groups", "--",
                        "/usr/bin/env", "-i", "HOME=/home/joe", "LD_PRELOAD=/tmp/x.so", "/bin/sh", "-c", "exec procmail");
    }

    @Test
    void commandShouldRefuseWhatEnvWouldMisread() {
        assertThatThrownBy(() -> children.command(joe, List.of("/bin/true"), Map.of("-i", "x")))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> children.command(joe, List.of("/bin/true"), Map.of("A=B", "x")))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> children.command(joe, List.of("X=1"), Map.of()))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> children.command(joe, List.of("--help"), Map.of()))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void fileDeliveryShouldRunTheHelpersJavaAsTheUser() {
        assertThat(children.read(joe, Path.of("/home/joe/.forward")))
                .containsExactly("/usr/bin/setpriv", "--reuid=1001", "--regid=1002", "--init-groups", "--",
                        "/bin/cat", "--", "/home/joe/.forward");
        assertThat(children.maildir(new org.postern.transport.delivery.privileged.HelperProtocol.DeliverMaildir(joe,
                Path.of("/home/joe/Maildir"), "mx", 0)))
                .startsWith("/usr/bin/setpriv", "--reuid=1001", "--regid=1002", "--init-groups", "--",
                        "/opt/java/bin/java")
                .endsWith("-cp", "/opt/postern/lib/delivery-helper/*", FileDeliveryMain.class.getName(), "maildir",
                        "/home/joe/Maildir", "mx", "0");
    }
}
