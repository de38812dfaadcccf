// SPDX-License-Identifier: Apache-2.0
package org.postern.transport.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SmtpReplyTest {

    // RFC 3463: the enhanced code counts only when its class matches the reply code
    @ParameterizedTest
    @CsvSource({
        "550 5.1.1 no such user, 5.1.1",
        "550 no enhanced code, 5.0.0",
        "450 5.1.1 wrong class, 4.0.0",
        "250 2.0.0, 2.0.0",
        "421 4.4.2 bye, 4.4.2",
        "552 5.3.4x not a code, 5.0.0",
    })
    void dsnStatusShouldComeFromTheReply(String line, String dsn) {
        assertThat(new SmtpReply(Integer.parseInt(line.substring(0, 3)), List.of(line)).dsnStatus()).isEqualTo(dsn);
    }

    @org.junit.jupiter.api.Test
    void ehloReplyShouldListExtensions() {
        SmtpReply ehlo = new SmtpReply(250, List.of("250-mx.example", "250-PIPELINING", "250-SIZE 1000", "250-dsn",
                "250-STARTTLS", "250 8BITMIME"));
        ServerFeatures f = ServerFeatures.parse(ehlo);
        assertThat(f).isEqualTo(new ServerFeatures(true, true, true, 1000, true, true, false, true, null, false));
    }

    @org.junit.jupiter.api.Test
    void ehloReplyShouldMergeAuthAndObsoleteAuthEqualsLists() {
        SmtpReply ehlo = new SmtpReply(250, List.of("250-mx.example", "250-AUTH login PLAIN", "250-AUTH=LOGIN",
                "250 AUTH=CRAM-MD5"));
        assertThat(ServerFeatures.parse(ehlo).authMechanisms()).containsExactly("LOGIN", "PLAIN", "CRAM-MD5");
        assertThat(ServerFeatures.parse(new SmtpReply(250, List.of("250 mx.example"))).authMechanisms()).isNull();
    }
}
