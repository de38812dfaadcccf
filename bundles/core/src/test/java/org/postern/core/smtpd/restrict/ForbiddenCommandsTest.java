// SPDX-License-Identifier: Apache-2.0
package org.postern.core.smtpd.restrict;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postern.core.config.ConfigException;
import org.postern.core.config.PostfixLists;
import org.postern.core.dict.DictRegistryImpl;
import org.postern.core.dict.builtin.InlineDictFactory;
import org.postern.maps.regexp.RegexpDictFactory;

/** postconf(5) smtpd_forbidden_commands: Postfix's string_list of command words. */
class ForbiddenCommandsTest {

    private static final String POSTFIX_DEFAULT = "CONNECT GET POST regexp:{{/^[^A-Z]/ Bogus}}";

    private static ForbiddenCommands list(String value) throws ConfigException {
        DictRegistryImpl tables = new DictRegistryImpl(Path.of("/nonexistent"));
        tables.register("regexp", new RegexpDictFactory(), "postern-map-regexp");
        tables.register("inline", new InlineDictFactory(), "postern-core");
        return ForbiddenCommands.parse(PostfixLists.split(value), tables);
    }

    @Test
    void defaultShouldBeTheParameterTablesAndPostfixs() throws ConfigException {
        assertThat(Fixture.config().get("smtpd_forbidden_commands")).isEqualTo(POSTFIX_DEFAULT);
    }

    @Test
    void defaultShouldForbidHttpVerbsAndWordsThatDoNotStartWithALetter() throws ConfigException {
        ForbiddenCommands d = list(POSTFIX_DEFAULT);
        assertThat(d.forbids("GET")).isTrue();
        assertThat(d.forbids("post")).isTrue();
        assertThat(d.forbids("Connect")).isTrue();
        assertThat(d.forbids("\u0016\u0003\u0001")).as("a TLS record").isTrue();
        assertThat(d.forbids("{\"jsonrpc\":")).isTrue();
        assertThat(d.forbids(".")).isTrue();
        assertThat(d.forbids("1234")).isTrue();
        assertThat(d.forbids("\u00c4rger")).isTrue();
        // regexp tables are case-insensitive: a lower-case letter is a letter.
        assertThat(d.forbids("foo")).isFalse();
        assertThat(d.forbids("XYZZY")).isFalse();
    }

    @Test
    void firstMatchShouldDecideAndNegationTurnItIntoANonMatch() throws ConfigException {
        ForbiddenCommands l = list("!GET regexp:{{/^G/ x}} FOO");
        assertThat(l.forbids("GET")).isFalse();
        assertThat(l.forbids("GETX")).isTrue();
        assertThat(l.forbids("foo")).isTrue();
        assertThat(list("!GET GET").forbids("get")).isFalse();
    }

    @Test
    void tableShouldMatchWhateverItsValue(@TempDir Path dir) throws Exception {
        assertThat(list("inline:{{XYZZY=0}}").forbids("xyzzy")).isTrue();
        Path file = dir.resolve("forbidden");
        Files.writeString(file, "# words\nPLUGH, XYZZY\n");
        assertThat(list(file.toString()).forbids("plugh")).isTrue();
        assertThat(list(file.toString()).forbids("get")).isFalse();
    }

    @Test
    void failingTableShouldNotForbid() throws ConfigException {
        assertThat(list("mysql:/etc/postern/forbidden.cf GET").forbids("GET"))
                .as("Postfix ignores lookup errors here; the list stops at the failure").isFalse();
        assertThat(list("GET mysql:/etc/postern/forbidden.cf").forbids("GET")).isTrue();
    }

    @Test
    void emptyListShouldForbidNothing() throws ConfigException {
        assertThat(list("").forbids("GET")).isFalse();
        assertThat(ForbiddenCommands.none().forbids("\u0016")).isFalse();
    }

    @Test
    void badPatternShouldBeAConfigurationError() {
        assertThatThrownBy(() -> list("GET !")).isInstanceOf(ConfigException.class);
        assertThatThrownBy(() -> list("/nonexistent/forbidden")).isInstanceOf(ConfigException.class);
    }

    @Test
    void restrictionChecksShouldAnswerForTheConfiguredList() throws ConfigException {
        RestrictionChecks c = Fixture.checks("smtpd_forbidden_commands = FOO, inline:{{BAR=1}}");
        assertThat(c.forbiddenCommand("foo")).isTrue();
        assertThat(c.forbiddenCommand("BAR")).isTrue();
        assertThat(c.forbiddenCommand("GET")).isFalse();
        assertThat(Fixture.checks().forbiddenCommand("GET")).isTrue();
    }
}
