// SPDX-License-Identifier: Apache-2.0
package org.postern.api.support;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.postern.api.support.TlsLogLevel.Feature;

/** Postfix's TLS log levels (postconf(5) smtp_tls_loglevel, tls_misc.c's keyword table). */
class TlsLogLevelTest {

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        // value                | summary | verbose | cache | peercert
        "0                      | false   | false   | false | false",
        "none                   | false   | false   | false | false",
        "''                     | false   | false   | false | false",
        "1                      | true    | false   | false | false",
        "Routine                | true    | false   | false | false",
        "2                      | true    | true    | true  | true",
        "debug                  | true    | true    | true  | true",
        "4                      | true    | true    | true  | true",
        "'1, peercert'          | true    | false   | false | true",
        "'summary cache'        | true    | false   | true  | false",
        "certmatch              | false   | false   | false | true",
    })
    void levelShouldLogTheseLines(String value, boolean summary, boolean verbose, boolean cache, boolean peer) {
        TlsLogLevel level = TlsLogLevel.parse(value);

        assertThat(level.summary()).isEqualTo(summary);
        assertThat(level.verbose()).isEqualTo(verbose);
        assertThat(level.cache()).isEqualTo(cache);
        assertThat(level.peerCertificate()).isEqualTo(peer);
    }

    @Test
    void packetDumpsShouldBeAskedForFromLevel3Only() {
        assertThat(TlsLogLevel.parse("2").logs(Feature.PACKETS)).isFalse();
        assertThat(TlsLogLevel.parse("3").logs(Feature.PACKETS)).isTrue();
    }

    @Test
    void unknownWordShouldBeIgnored() {
        assertThat(TlsLogLevel.parse("loud, 1")).isEqualTo(TlsLogLevel.parse("1"));
        assertThat(TlsLogLevel.parse("loud")).isEqualTo(TlsLogLevel.NONE);
    }
}
