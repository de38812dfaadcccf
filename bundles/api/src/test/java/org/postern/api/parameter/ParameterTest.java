// SPDX-License-Identifier: Apache-2.0
package org.postern.api.parameter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;

class ParameterTest {

    @Test
    void validateShouldAcceptValuesWithinBounds() {
        Parameter.integer("n", "5", 0).validate("0");
        Parameter.time("t", "300s", 's', 1).validate("5m");
        Parameter.bool("b", "no").validate("YES");
        Parameter.size("s", "10", 0).validate("10240000000");
    }

    @Test
    void validateShouldRejectMalformedAndOutOfBoundsValuesInPostfixWords() {
        assertThatThrownBy(() -> Parameter.integer("n", "5", 1).validate("0")).hasMessage("invalid value: 0 (minimum 1)");
        assertThatThrownBy(() -> Parameter.integer("n", "5", 0).validate("5x")).hasMessage("bad numerical value: 5x");
        assertThatThrownBy(() -> Parameter.bool("b", "no").validate("maybe")).hasMessage("bad boolean value: maybe");
        assertThatThrownBy(() -> Parameter.time("t", "1s", 's', 1).validate("0")).hasMessage("invalid value: 0 (minimum 1s)");
        assertThatThrownBy(() -> Parameter.time("t", "1s", 's', 0).validate("10ms")).hasMessage("bad time value: 10ms");
        assertThatThrownBy(() -> Parameter.string("l", "").withAllowed("may", "none").validate("sometimes"))
                .hasMessage("bad value: sometimes (expected one of may, none)");
    }

    @Test
    void timeShouldUseTheDeclaredUnitAndSubSecondExtension() {
        assertThat(Parameter.time("t", "5d", 'd', 0).toDuration("2")).isEqualTo(Duration.ofDays(2));
        assertThat(Parameter.time("t", "1s", 's', 0).withSubSecond().toDuration("250ms")).isEqualTo(Duration.ofMillis(250));
    }

    @Test
    void derivedDefaultShouldBeComputedFromOtherSettings() {
        Parameter budget = Parameter.derived("budget", ParameterType.TIME, s -> s.apply("timeout") == null ? "90s" : "3s");
        assertThat(budget.defaultValue(Map.of("timeout", "1s")::get)).isEqualTo("3s");
        assertThat(budget.defaultValue(name -> null)).isEqualTo("90s");
        budget.validate("3s");
    }

    @Test
    void declarationShouldHaveExactlyOneKindOfDefault() {
        assertThatThrownBy(() -> new Parameter("x", ParameterType.STRING, null, null, 0, 0, 's', false, java.util.Set.of(),
                false))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void exceptionMessageShouldNameFileLineAndParameter() {
        ParameterException e = new ParameterException("smtp_helo_timeout",
                Optional.of(new ParameterSource("/etc/postern/main.cf", 12)), "bad time value: 5x");
        assertThat(e).hasMessage("/etc/postern/main.cf, line 12: smtp_helo_timeout: bad time value: 5x");
        assertThat(e.parameter()).isEqualTo("smtp_helo_timeout");
        assertThat(e.problem()).isEqualTo("bad time value: 5x");
        assertThat(new ParameterException("x", Optional.empty(), "bad")).hasMessage("x: bad");
    }

    @Test
    void expandReferencesShouldReplaceTheSimpleForms() {
        Map<String, String> values = Map.of("a", "1", "b", "2");
        assertThat(ParameterSyntax.expandReferences("$a ${b} $(a) $$a $none.", values::get)).isEqualTo("1 2 1 $a .");
    }

    @Test
    void tlsSyntaxShouldRejectWhatAListenerCouldNotUse() {
        Parameter protocols = Parameter.string("smtpd_tls_protocols", ">=TLSv1").withSyntax(ValueSyntax.TLS_PROTOCOLS);
        Parameter grade = Parameter.string("smtpd_tls_ciphers", "medium").withSyntax(ValueSyntax.TLS_CIPHER_GRADE);

        protocols.validate("!SSLv2, !SSLv3");
        protocols.validate(">=TLSv1.2");
        grade.validate("HIGH");
        assertThatThrownBy(() -> protocols.validate(">=TLSv1.4")).hasMessage("unknown TLS protocol \"TLSv1.4\"");
        assertThatThrownBy(() -> protocols.validate("SSLv3")).hasMessage("\"SSLv3\" enables no TLS protocol");
        assertThatThrownBy(() -> grade.validate("strong")).hasMessageContaining("cipher grade \"strong\"");
        assertThatThrownBy(() -> grade.validate("null")).hasMessageContaining("cipher grade \"null\"");
    }

    @Test
    void syntaxShouldBePartOfTheDeclaration() {
        Parameter plain = Parameter.string("p", ">=TLSv1");

        assertThat(plain.syntax()).isEqualTo(ValueSyntax.ANY);
        assertThat(plain.withSyntax(ValueSyntax.TLS_PROTOCOLS)).isNotEqualTo(plain);
        assertThat(plain.withSyntax(ValueSyntax.TLS_PROTOCOLS).withMax(3).syntax()).isEqualTo(ValueSyntax.TLS_PROTOCOLS);
    }
}
