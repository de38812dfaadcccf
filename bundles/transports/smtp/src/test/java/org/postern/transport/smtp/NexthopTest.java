// SPDX-License-Identifier: Apache-2.0
package org.postern.transport.smtp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class NexthopTest {

    // Postfix smtp(8)/lmtp(8) DESCRIPTION: destination syntax
    @ParameterizedTest
    @CsvSource({
        "SMTP, example.com, MX_DOMAIN, example.com, -1",
        "SMTP, Example.COM:2525, MX_DOMAIN, example.com, 2525",
        "SMTP, [mx.example.com], HOST, mx.example.com, -1",
        "SMTP, [192.0.2.1]:587, HOST, 192.0.2.1, 587",
        "SMTP, [ipv6:2001:db8::1]:25, HOST, 2001:db8::1, 25",
        "SMTP, [2001:db8::1], HOST, 2001:db8::1, -1",
        "SMTP, example.com:submission, MX_DOMAIN, example.com, 587",
        "LMTP, inet:store.example, HOST, store.example, -1",
        "LMTP, inet:store.example:24, HOST, store.example, 24",
        "LMTP, inet:[127.0.0.1]:2003, HOST, 127.0.0.1, 2003",
        "LMTP, store.example:2003, HOST, store.example, 2003",
    })
    void parseShouldFollowPostfixDestinationSyntax(Protocol protocol, String text, Nexthop.Kind kind, String host, int port) {
        Nexthop n = Nexthop.parse(text, protocol);
        assertThat(n.kind()).isEqualTo(kind);
        assertThat(n.host()).isEqualTo(host);
        assertThat(n.port()).isEqualTo(port);
    }

    @org.junit.jupiter.api.Test
    void unixShouldBeAPathForLmtp() {
        assertThat(Nexthop.parse("unix:/run/dovecot/lmtp", Protocol.LMTP))
                .isEqualTo(new Nexthop(Nexthop.Kind.UNIX, "", -1, Path.of("/run/dovecot/lmtp")));
    }

    @ParameterizedTest
    @ValueSource(strings = {"[127.0.0.1", "example.com:", "example.com:x", "example.com:70000", "[]", "unix:/x", ""})
    void parseShouldRejectBadSyntaxForSmtp(String text) {
        assertThatThrownBy(() -> Nexthop.parse(text, Protocol.SMTP)).isInstanceOf(IllegalArgumentException.class);
    }
}
