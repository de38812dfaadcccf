// SPDX-License-Identifier: Apache-2.0
package org.postern.core.cleanup;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class StrayLineBreaksTest {

    /** Writes {@code in} through a filter cut at {@code cut}, the way chunks arrive from the network. */
    private static String filter(String in, int cut) throws IOException {
        byte[] b = in.getBytes(StandardCharsets.ISO_8859_1);
        StrayLineBreaks.Filter f = new StrayLineBreaks.Filter();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        f.write(b, 0, cut, out);
        f.write(b, cut, b.length - cut, out);
        f.finish(out);
        return out.toString(StandardCharsets.ISO_8859_1);
    }

    // Columns: input | expected output; CR, LF and space written as <CR>, <LF> and <SP>.
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "a<CR><LF>b<CR><LF>           | a<CR><LF>b<CR><LF>",
        "a<CR>b<CR><LF>               | a b<CR><LF>",
        "a<LF>b<CR><LF>               | a<CR><LF>b<CR><LF>",
        "<CR><CR><LF>                 | <SP><CR><LF>",
        "<LF>.<CR><LF>                | <CR><LF>.<CR><LF>",
        "x<CR>.<CR><LF>               | x .<CR><LF>",
        "a<CR>                        | a<CR><LF>",
        "<CR><CR><CR>b                | <SP><SP><SP>b",
    })
    void onlyCrlfShouldLeaveAsALineEndAtEveryCut(String in, String expected) throws IOException {
        String input = decode(in);
        String want = decode(expected);
        for (int cut = 0; cut <= input.length(); cut++) {
            assertThat(filter(input, cut)).as("cut at %d", cut).isEqualTo(want);
        }
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "a<CR>b      | a b",
        "<CR><LF>    | <SP><SP>",
        "plain       | plain",
    })
    void maskShouldReplaceEveryCrAndLfOfOneLine(String in, String expected) {
        byte[] b = decode(in).getBytes(StandardCharsets.ISO_8859_1);
        StrayLineBreaks.mask(b, b.length);
        assertThat(new String(b, StandardCharsets.ISO_8859_1)).isEqualTo(decode(expected));
    }

    private static String decode(String s) {
        return s.replace("<CR>", "\r").replace("<LF>", "\n").replace("<SP>", " ");
    }
}
