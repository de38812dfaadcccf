// SPDX-License-Identifier: Apache-2.0
package org.postern.transport.smtp.sts;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class StsRecordTest {

    // RFC 8461 section 3.1: sts-version 1*(*WSP ";" *WSP sts-field) [";"], exactly one id of 1-32 alphanumerics
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "v=STSv1; id=20160831085700Z;|20160831085700Z",
        "v=STSv1;id=abc|abc",
        "v=STSv1 ;  id=abc ; ext=val;|abc",
        "v=STSv1; ext-1.x=!~; id=A1b2|A1b2",
    })
    void validRecordsShouldYieldTheirId(String text, String id) {
        assertThat(StsRecord.parse(text)).contains(new StsRecord(id));
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "v=STSv1",                                  // no id
        "v=STSv1;",                                 // no id
        "v=STSv1; id=",                             // empty id
        "v=STSv1; id=123456789012345678901234567890123", // 33 characters
        "v=STSv1; id=abc-def",                      // not alphanumeric
        "v=STSv1; id=a; id=b",                      // two ids
        "v=STSv1; id=a;; x=y",                      // empty field
        "v=STSv1; id=a; x=",                        // extension without value
        "v=STSv1; id=a; x=a=b",                     // '=' in an extension value
        "v=STSv1; id=a ",                           // trailing blank without ';'
        "v=STSv2; id=a",                            // other version
        "v=STSv1x; id=a",
        " v=STSv1; id=a",
    })
    void invalidRecordsShouldYieldNothing(String text) {
        assertThat(StsRecord.parse(text)).isEmpty();
    }

    @Test
    void selectShouldDiscardOtherRecordsAndRefuseSeveralStsRecords() {
        assertThat(StsRecord.select(List.of("v=spf1 -all", "v=STSv1; id=one;"))).contains(new StsRecord("one"));
        // several v=STSv1 records: the domain has no usable record, even if one of them is valid
        assertThat(StsRecord.select(List.of("v=STSv1; id=one;", "v=STSv1; id=two;"))).isEmpty();
        assertThat(StsRecord.select(List.of("v=STSv1; id=one;", "v=STSv1; bad"))).isEmpty();
        assertThat(StsRecord.select(List.of("v=STSv1 id=one;"))).isEqualTo(Optional.empty());
    }
}
