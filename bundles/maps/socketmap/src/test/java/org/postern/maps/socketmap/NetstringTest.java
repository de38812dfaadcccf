// SPDX-License-Identifier: Apache-2.0
package org.postern.maps.socketmap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class NetstringTest {

    private static byte[] read(String wire, int max) throws IOException {
        return Netstring.read(new ByteArrayInputStream(wire.getBytes(StandardCharsets.ISO_8859_1)), max);
    }

    // netstrings.txt: "hello world!" is encoded as "12:hello world!,"; the empty string as "0:,".
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "hello world!|12:hello world!,",
        "''|0:,",
        "a, b: c|7:a, b: c,",
    })
    void encodeAndReadShouldFollowTheSpecification(String payload, String wire) throws IOException {
        assertThat(new String(Netstring.encode(payload.getBytes(StandardCharsets.UTF_8)), StandardCharsets.UTF_8)).isEqualTo(wire);
        assertThat(new String(read(wire, 100), StandardCharsets.UTF_8)).isEqualTo(payload);
    }

    @Test
    void readShouldCarryNulAndMultibyteCharactersByByteCount() throws IOException {
        byte[] payload = "\u0000é,".getBytes(StandardCharsets.UTF_8);
        assertThat(Netstring.read(new ByteArrayInputStream(Netstring.encode(payload)), 10)).isEqualTo(payload);
    }

    @ParameterizedTest
    @ValueSource(strings = {"x:abc,", ":abc,", "03:abc,", "3:abc;", "3 :abc,", "-1:,", "101:", "99999999999999999999:"})
    void readShouldRejectMalformedOrOversizedNetstrings(String wire) {
        assertThatThrownBy(() -> read(wire, 100)).isInstanceOf(Netstring.ProtocolException.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "5:ab", "5"})
    void readShouldReportEndOfStream(String wire) {
        assertThatThrownBy(() -> read(wire, 100)).isInstanceOf(EOFException.class);
    }
}
