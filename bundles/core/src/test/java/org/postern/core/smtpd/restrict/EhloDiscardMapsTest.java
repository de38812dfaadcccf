// SPDX-License-Identifier: Apache-2.0
package org.postern.core.smtpd.restrict;

import static org.assertj.core.api.Assertions.assertThat;
import static org.postern.core.smtpd.restrict.Fixture.checks;

import org.junit.jupiter.api.Test;

/** smtpd_discard_ehlo_keyword_address_maps: looked up by client address, first table that has it. */
class EhloDiscardMapsTest {

    @Test
    void firstTableWithTheClientAddressWins() throws Exception {
        TableRegistry tables = new TableRegistry()
                .fixed("hash:/etc/postern/ehlo-a", "192.0.2.9", "pipelining dsn")
                .fixed("hash:/etc/postern/ehlo-b", "192.0.2.9", "chunking", "192.0.2.10", "starttls");
        RestrictionChecks c = checks(tables, null,
                "smtpd_discard_ehlo_keyword_address_maps = hash:/etc/postern/ehlo-a, hash:/etc/postern/ehlo-b");
        assertThat(c.hasEhloDiscardMaps()).isTrue();
        assertThat(c.ehloDiscardFor("192.0.2.9")).contains("pipelining dsn");
        assertThat(c.ehloDiscardFor("192.0.2.10")).contains("starttls");
        assertThat(c.ehloDiscardFor("198.51.100.1")).isEmpty();
    }

    @Test
    void withoutMapsNothingIsLookedUp() throws Exception {
        assertThat(checks().hasEhloDiscardMaps()).isFalse();
    }
}
