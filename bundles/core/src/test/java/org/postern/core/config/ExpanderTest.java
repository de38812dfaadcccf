// SPDX-License-Identifier: Apache-2.0
package org.postern.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ExpanderTest {

    private static final Map<String, String> VALUES = Map.of(
            "a", "1", "e", "", "n", "10", "s", "hello", "sp", "x  y", "ref", "$s!", "deep", "${a?{$ref}}");

    private static String expand(String text) throws ConfigException {
        return new Expander(VALUES::get).expand(text);
    }

    // Each row was checked against the real "postconf -c DIR -xh" of Postfix 3.7 (values in
    // brackets to make whitespace visible), see postconf(5) SYNTAX.
    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
            [$a$a${a}x$(a)y]                    | [111x1y]
            [$a.b]                              | [1.b]
            [${ a }]                            | [1]
            [$undefined]                        | []
            [$1a]                               | []
            [$$ $$a $$$a]                       | [$ $a $1]
            [$ref]                              | [hello!]
            [$deep]                             | [hello!]
            [${a?yes} ${a:no} ${e?yes} ${e:no}] | [yes   no]
            [${a?x:y}]                          | [x:y]
            [${e?x:y}]                          | []
            [${a? x }]                          | [ x ]
            [${a?{ x }}]                        | [ x ]
            [${a? {x}}]                         | [x]
            [${a ?{x}}]                         | [x]
            [$(a?x)]                            | [x]
            [$(a:x)]                            | []
            [${a?$s}]                           | [hello]
            [${a?{$s}}]                         | [hello]
            [${a?${e:z}}]                       | [z]
            [${a?{{x}}}]                        | [{x}]
            [${a?{x{y}z}}]                      | [x{y}z]
            [${a?}]                             | []
            [${a?{}}]                           | []
            [${a?{x}:{y}}]                      | [x]
            [${e?{x}:{y}}]                      | [y]
            [${e?{x}:y}]                        | [y]
            [${e?{x}: y }]                      | [ y ]
            [${e?{x} :{ y }}]                   | [ y ]
            [${a?{x}:}]                         | [x]
            [${e?{x}:}]                         | []
            [${a?{x}:{y}}z]                     | [xz]
            [${{$s} == {hello}}]                | [true]
            [${{$s} != {hello}}]                | []
            [${{$s}=={hello}?{y}:{n}}]          | [y]
            [${{$s} == {hello} ? yes}]          | [ yes]
            [${{$s} == {hello} : yes}]          | []
            [${{$s} == {hellox} : yes}]         | [ yes]
            [${{$s} == {hello} ? y : n }]       | [ y : n ]
            [${{$s} != {hello} ? {y} : n }]     | [ n ]
            [${{$s} == {hello}?{y} : {n} }]     | [y]
            [${ {$s} == {hello}?{y}}]           | [y]
            [${{ a }=={a}?{y}:{n}}]             | [n]
            [${{$e}=={}?{y}:{n}}]               | [y]
            [${{$n} < {9}?{lt}:{ge}}]           | [ge]
            [${{01}=={1}?{y}:{n}}]              | [y]
            [${{ 10} < {9}?{y}:{n}}]            | [y]
            [${{a10} < {a9}?{lt}:{ge}}]         | [lt]
            [${{10} > {9}?{y}}]                 | [y]
            [${{10} >= {10}?{y}}]               | [y]
            [${{9} <= {10}?{y}}]                | [y]
            [${{3.10} < {3.9}?{lt}:{ge}}]       | [lt]
            [${{3.10} <level {3.9}?{lt}:{ge}}]  | [ge]
            [${{3.6} >=level {3.6.0}?{y}}]      | [y]
            [${{3.6} >level {3}?{y}}]           | [y]
            [${{2} <=level {1}?{y}:{n}}]        | [n]
            [${{3.6} ==level {3.6}?{y}:{n}}]    | [y]
            [$sp]                               | [x  y]
            """)
    void expandShouldMatchPostfix(String text, String expected) throws Exception {
        assertThat(expand(text)).isEqualTo(expected);
    }

    @Test
    void expandShouldUseDefaultWhenParameterUnset() throws Exception {
        assertThat(expand("${relayhost:{direct}}")).isEqualTo("direct");
    }

    @Test
    void expandShouldNotEvaluateBranchNotTaken() throws Exception {
        Map<String, String> v = Map.of("a", "1", "loop", "$loop");
        assertThat(new Expander(v::get).expand("${a:{$loop}}")).isEmpty();
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
            $                      | empty macro name: "$"
            x$                     | empty macro name: "x$"
            $ a                    | empty macro name: "$ a"
            ${}                    | empty macro name: "${}"
            ${a                    | truncated macro reference: "${a"
            ${a?{x}                | truncated macro reference: "${a?{x}"
            $(a}                   | truncated macro reference: "$(a}"
            ${a-x}                 | attribute name syntax error at: "...a>>>-x"
            ${a?{x}junk}           | ":" expected at: "...a?{x}>>>junk"
            ${a?{x}:{y}junk}       | unexpected input at: "...a?{x}:{y}>>>junk"
            ${a?{x}:{y}:{z}}       | unexpected input at: "...a?{x}:{y}>>>:{z}"
            ${a:{x}:{y}}           | unexpected input at: "...a:{x}>>>:{y}"
            ${{$s} = {hello}?{y}}  | expected at: "...{$s} >>>= {hello}?{y}"
            ${{$s} == hello?{y}}   | "{expression}" expected at: "...{$s} ==>>> hello?{y}"
            ${{1} == {1} {2}}      | "?" or ":" expected at: "...{1} == {1} >>>{2}"
            ${{x} <level {1}?{y}}  | malformed compatibility level syntax: "x"
            """)
    void expandShouldRejectBadSyntax(String text, String message) {
        assertThatThrownBy(() -> expand(text)).isInstanceOf(ConfigException.class).hasMessageContaining(message);
    }

    @Test
    void expandShouldReportLoopWithParameterChain() {
        Map<String, String> v = Map.of("a", "x$b", "b", "${c}", "c", "$(a)");
        assertThatThrownBy(() -> new Expander(v::get).expand("[$a]"))
                .isInstanceOf(ConfigException.class)
                .hasMessage("parameter loop: a -> b -> c -> a");
    }

    @Test
    void expandShouldReportSelfReference() {
        Map<String, String> v = Map.of("myorigin", "$myorigin");
        assertThatThrownBy(() -> new Expander(v::get).value("myorigin"))
                .hasMessage("parameter loop: myorigin -> myorigin");
    }

    @Test
    void expandShouldStopUnreasonableNestingWithoutStackOverflow() {
        Map<String, String> v = new HashMap<>();
        for (int i = 0; i < 5000; i++) {
            v.put("p" + i, "$p" + (i + 1));
        }
        assertThatThrownBy(() -> new Expander(v::get).value("p0"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("unreasonable macro call nesting");
    }

    @Test
    void expandShouldRecoverAfterError() throws Exception {
        Map<String, String> v = Map.of("bad", "$bad", "good", "ok");
        Expander x = new Expander(v::get);
        assertThatThrownBy(() -> x.value("bad")).isInstanceOf(ConfigException.class);
        assertThat(x.expand("$good")).isEqualTo("ok");
    }

    @Test
    void valueShouldReturnNullForUndefinedParameter() throws Exception {
        assertThat(new Expander(VALUES::get).value("nope")).isNull();
    }

    @Test
    void referencesShouldListNamesInEveryBranch() throws Exception {
        assertThat(Expander.references("$a ${b?{$c}:{$d}} ${{$e} == {x} ? {$f}} $$g $(h:$i)"))
                .containsExactly("a", "b", "c", "d", "e", "f", "h", "i");
    }
}
