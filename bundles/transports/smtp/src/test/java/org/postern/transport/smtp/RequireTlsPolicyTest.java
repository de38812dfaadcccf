// SPDX-License-Identifier: Apache-2.0
package org.postern.transport.smtp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.postern.testing.MapDictRegistry;
import org.postern.transport.smtp.RequireTlsPolicy.Action;

/** smtp_requiretls_policy's evaluation, with the cases of Postfix's own smtp_reqtls_policy test. */
class RequireTlsPolicyTest {

    private final MapDictRegistry tables = new MapDictRegistry();

    private Action eval(String policy, String name) throws ClientTables.Failure {
        return RequireTlsPolicy.evaluate(policy, name, () -> tables);
    }

    @Test
    void tableEntriesShouldMatchTheNameBeforeItsParentsAndTheFirstActionShouldWin() throws Exception {
        tables.put("test:p", ".example", "disable").put("test:p", ".foo.example", "enforce")
                .put("test:p", "bar.foo.example", "opportunistic+starttls");

        assertThat(eval("test:p, opportunistic", "foo.example")).isEqualTo(Action.DISABLE);
        assertThat(eval("test:p, opportunistic", "x.foo.example")).isEqualTo(Action.ENFORCE);
        assertThat(eval("test:p, opportunistic", "Bar.Foo.Example")).isEqualTo(Action.OPPORTUNISTIC_STARTTLS);
        assertThat(eval("test:p, opportunistic", "other")).isEqualTo(Action.OPPORTUNISTIC);
    }

    @Test
    void nothingMatchedShouldMeanEnforce() throws Exception {
        tables.put("test:p", "foo.example", "opportunistic");

        assertThat(eval("test:p", "bar.example")).isEqualTo(Action.ENFORCE);
        assertThat(eval("", "bar.example")).isEqualTo(Action.ENFORCE);
    }

    @Test
    void anUnknownActionShouldBeAnErrorWhereItIsReached() throws Exception {
        tables.put("test:p", ".foo.example", "enforce");

        assertThat(eval("test:p nonsense", "x.foo.example")).isEqualTo(Action.ENFORCE);
        assertThatThrownBy(() -> eval("test:p nonsense", "other")).isInstanceOf(ClientTables.Failure.class)
                .hasMessage("unknown REQUIRETLS policy action: nonsense");
        assertThatThrownBy(() -> eval("nonsense, test:p", "x.foo.example")).isInstanceOf(ClientTables.Failure.class);
    }

    @Test
    void aTableLookupErrorShouldBeAnError() {
        assertThatThrownBy(() -> eval("down:p enforce", "x.foo.example")).isInstanceOf(ClientTables.Failure.class);
    }

    @Test
    void aNestedOrCompositeTableAnswerShouldBeAnError() {
        tables.put("test:p", "foo.example", "hash:/no/where").put("test:p", "bar.example", "enforce, disable");

        assertThatThrownBy(() -> eval("test:p", "foo.example")).isInstanceOf(ClientTables.Failure.class)
                .hasMessageContaining("is not one REQUIRETLS policy action");
        assertThatThrownBy(() -> eval("test:p", "bar.example")).isInstanceOf(ClientTables.Failure.class);
    }

    @Test
    void addressesShouldNotBeSearchedByParentDomain() {
        assertThat(RequireTlsPolicy.keys("192.0.2.1", false)).containsExactly("192.0.2.1");
        assertThat(RequireTlsPolicy.keys("mx.example.com", false)).containsExactly("mx.example.com", ".example.com",
                ".com");
        assertThat(RequireTlsPolicy.keys("mx.example.com", true)).containsExactly("mx.example.com");
    }

    @Test
    void bracedTablesShouldStayWhole() {
        assertThat(RequireTlsPolicy.split("inline:{ {a = b}, {c = d} }, cidr:{ {0.0.0.0/0 x} } enforce"))
                .containsExactly("inline:{ {a = b}, {c = d} }", "cidr:{ {0.0.0.0/0 x} }", "enforce");
        assertThatThrownBy(() -> RequireTlsPolicy.split("inline:{ {a = b}")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theDefaultsShouldBePostfixs() {
        assertThat(ClientParameters.SMTP.requireTlsPolicy.name()).isEqualTo("smtp_requiretls_policy");
        assertThat(RequireTlsPolicy.split(ClientParameters.SMTP.requireTlsPolicy.defaultValue())).isEqualTo(List.of(
                "inline:{ {$mydomain = opportunistic}, {.$mydomain = opportunistic}, {localhost = opportunistic} }",
                "cidr:{ {0.0.0.0/0 opportunistic}, {::/0 opportunistic} }", "enforce"));
        assertThat(ClientParameters.LMTP.requireTlsPolicy.name()).isEqualTo("lmtp_requiretls_policy");
        assertThat(ClientParameters.LMTP.requireTlsPolicy.defaultValue()).isEqualTo("opportunistic");
    }
}
