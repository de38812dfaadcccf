// SPDX-License-Identifier: Apache-2.0
package org.postern.transport.delivery.privileged;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.postern.transport.delivery.MailboxLocks;
import org.postern.transport.delivery.MaildirFolder;

class PrivilegedDeliveryTest {

    private final DirectDelivery direct = new DirectDelivery(new MailboxLocks(), new MaildirFolder());
    private final HelperClient helper = new HelperClient(Path.of("/nonexistent/delivery-helper"));

    @Test
    void rootJvmShouldDeliverItselfForEveryone() {
        assertThat(PrivilegedDelivery.choose(1000, 0, direct, helper)).isSameAs(direct);
    }

    @Test
    void unprivilegedJvmShouldDeliverItselfForItsOwnUserOnly() {
        assertThat(PrivilegedDelivery.choose(998, 998, direct, helper)).isSameAs(direct);
        assertThat(PrivilegedDelivery.choose(1000, 998, direct, helper)).isSameAs(helper);
        assertThat(PrivilegedDelivery.choose(0, 998, direct, helper)).isSameAs(helper);
    }

    @Test
    void userWithoutUidShouldBeTheJvmsOwn() {
        assertThat(PrivilegedDelivery.choose(-1, 998, direct, helper)).isSameAs(direct);
    }

    @Test
    void unavailableTextShouldNameTheUserAndTheSocket() {
        assertThat(PrivilegedDelivery.unavailableText("local delivery to joe", Path.of("/srv/postern/h")))
                .isEqualTo("local delivery to joe needs the privileged delivery helper at /srv/postern/h, which is not running");
    }
}
