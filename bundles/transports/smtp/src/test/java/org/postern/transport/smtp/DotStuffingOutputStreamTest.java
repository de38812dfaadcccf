// SPDX-License-Identifier: Apache-2.0
package org.postern.transport.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class DotStuffingOutputStreamTest {

    private static String stuff(String content, int chunk) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        DotStuffingOutputStream data = new DotStuffingOutputStream(out);
        byte[] bytes = content.getBytes(StandardCharsets.US_ASCII);
        for (int i = 0; i < bytes.length; i += chunk) {
            if (chunk == 1) {
                data.write(bytes[i]);
            } else {
                data.write(bytes, i, Math.min(chunk, bytes.length - i));
            }
        }
        data.finish();
        return out.toString(StandardCharsets.US_ASCII);
    }

    // RFC 5321 section 4.5.2 (transparency) and 4.1.1.4 (end of data); input split at every size
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "a\\r\\nb\\r\\n|a\\r\\nb\\r\\n.\\r\\n",
        ".a\\r\\n.\\r\\n..\\r\\n|..a\\r\\n..\\r\\n...\\r\\n.\\r\\n",
        "no final newline|no final newline\\r\\n.\\r\\n",
        "bare\\nlf\\n.x|bare\\r\\nlf\\r\\n..x\\r\\n.\\r\\n",
        "ends in cr\\r|ends in cr\\r\\n.\\r\\n",
        "a.b\\r\\n|a.b\\r\\n.\\r\\n",
    })
    void contentShouldBeDotStuffedAndTerminated(String in, String expected) throws IOException {
        String input = in.replace("\\r", "\r").replace("\\n", "\n");
        String want = expected.replace("\\r", "\r").replace("\\n", "\n");
        for (int chunk = 1; chunk <= input.length() + 1; chunk++) {
            assertThat(stuff(input, chunk)).as("chunk " + chunk).isEqualTo(want);
        }
    }
}
