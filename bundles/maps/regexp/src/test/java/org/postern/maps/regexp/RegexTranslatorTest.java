// SPDX-License-Identifier: Apache-2.0
package org.postern.maps.regexp;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RegexTranslatorTest {

    @ParameterizedTest
    @CsvSource(delimiter = ';', quoteCharacter = '"', value = {
        "[[:alnum:]+/]{60,}   ; [\\p{Alnum}+/]{60,}",
        "[]a]                 ; [\\]a]",
        "[^]a]                ; [^\\]a]",
        "[a\\]                ; [a\\\\]",
        "[a[b]                ; [a\\[b]",
        "[a-z-]               ; [a-z\\-]",
        "\\<w\\>              ; \\b(?=\\w)w\\b(?<=\\w)",
        "a\\.b\\n             ; a\\.bn",
        "*a                   ; \\*a",
        "a{                   ; a\\{",
        "(a|b)+               ; (a|b)+",
    })
    void posixShouldRewriteExtendedSyntax(String posix, String java) {
        assertThat(RegexTranslator.posix(posix.strip(), true, false)).isEqualTo(java.strip());
    }

    @ParameterizedTest
    @CsvSource(delimiter = ';', quoteCharacter = '"', value = {
        "\\(a\\)\\1        ; (a)\\1",
        "(a)+?|         ; \\(a\\)\\+\\?\\|",
        "a\\{2,3\\}        ; a{2,3}",
        "^*a$           ; ^\\*a$",
        "a^b$c          ; a\\^b\\$c",
        "a\\+\\?         ; a+?",
    })
    void posixShouldRewriteBasicSyntax(String bre, String java) {
        assertThat(RegexTranslator.posix(bre.strip(), false, false)).isEqualTo(java.strip());
    }

    @ParameterizedTest
    @CsvSource(delimiter = ';', quoteCharacter = '"', value = {
        "a*b+?c??d{2}e{1,}?f*+ ; a*?b+c?d{2}?e{1,}f*+",
        "\\p{Alpha}{2}         ; \\p{Alpha}{2}?",
        "(?:x)+                ; (?:x)+?",
    })
    void pcreShouldSwapGreedinessWhenUngreedy(String pcre, String java) {
        assertThat(RegexTranslator.pcre(pcre.strip(), true, false, false)).isEqualTo(java.strip());
    }

    @ParameterizedTest
    @CsvSource(delimiter = ';', quoteCharacter = '"', value = {
        "a$                  ; a\\z",
        "[$]$                ; [$]\\z",
    })
    void pcreShouldAnchorDollarAtEndWhenDollarEndOnly(String pcre, String java) {
        assertThat(RegexTranslator.pcre(pcre.strip(), false, true, false)).isEqualTo(java.strip());
    }
}
