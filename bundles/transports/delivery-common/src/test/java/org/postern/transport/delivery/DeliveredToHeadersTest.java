// SPDX-License-Identifier: Apache-2.0
package org.postern.transport.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;

import org.junit.jupiter.api.Test;
import org.postern.transport.delivery.DeliveredToHeaders.Reading;

class DeliveredToHeadersTest {

    private static final String MESSAGE = "Delivered-To: A@Example.COM\r\nDelivered-To: <b@example.com>\r\n"
            + "Delivered-To:\r\n c@example.com\r\nSubject: x\r\n\r\nDelivered-To: body@example.com\r\n";

    @Test
    void unfoldedShouldJoinContinuationsAndRemoveAngleBrackets() throws IOException {
        DeliveredToHeaders headers = DeliveredToHeaders.read(MboxFileTest.content(MESSAGE));

        assertThat(headers.contains("a@example.com")).isTrue();
        assertThat(headers.contains("B@example.com")).isTrue();
        assertThat(headers.contains("c@example.com")).isTrue();
        assertThat(headers.contains("body@example.com")).isFalse();
    }

    @Test
    void physicalLinesShouldCompareEachLineAsWritten() throws IOException {
        DeliveredToHeaders headers = DeliveredToHeaders.read(MboxFileTest.content(MESSAGE), Reading.PHYSICAL_LINES);

        assertThat(headers.contains("a@example.com")).isTrue();
        assertThat(headers.contains("b@example.com")).isFalse();
        assertThat(headers.contains("c@example.com")).isFalse();
        assertThat(headers.contains("body@example.com")).isFalse();
    }
}
