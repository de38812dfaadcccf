// SPDX-License-Identifier: Apache-2.0
package org.postern.core.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postern.api.parameter.Parameter;
import org.postern.api.parameter.ParameterSet;

class DeclaredParametersTest {

    private static final Parameter DEMO_TIMEOUT = Parameter.time("demo_timeout", "10s", 's', 1);
    private static final ParameterSet DEMO = () -> List.of(DEMO_TIMEOUT, Parameter.string("demo_name", "$myhostname"));

    @TempDir
    Path dir;

    private final DeclaredParameters declared = new DeclaredParameters();
    private final List<String> conflicts = new ArrayList<>();

    private String postconf(String... args) throws Exception {
        if (!Files.exists(dir.resolve("main.cf"))) {
            Files.writeString(dir.resolve("main.cf"), "");
        }
        if (!Files.exists(dir.resolve("master.cf"))) {
            Files.writeString(dir.resolve("master.cf"), "");
        }
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        ConfigEnvironment env = new ConfigEnvironment(dir, dir, "mx.example.com");
        Postconf.run(dir, env, Postconf.CORE_TABLE_TYPES, declared.table(conflicts::add), List.of(args),
                new PrintWriter(out), new PrintWriter(err));
        return out.toString() + err;
    }

    @Test
    void pluginParametersShouldBeListedWhileThePluginIsActiveOnly() throws Exception {
        assertThat(postconf("-d", "demo_timeout")).isEqualTo("postconf: warning: demo_timeout: unknown parameter\n");
        declared.add(DEMO);
        assertThat(postconf("-d", "demo_timeout", "demo_name")).isEqualTo("demo_timeout = 10s\ndemo_name = $myhostname\n");
        assertThat(postconf("-d")).contains("demo_timeout = 10s\n");
        assertThat(postconf("-x", "demo_name")).isEqualTo("demo_name = mx.example.com\n");
        declared.remove(DEMO);
        assertThat(postconf("-d")).doesNotContain("demo_timeout");
        assertThat(postconf("-d", "demo_timeout")).isEqualTo("postconf: warning: demo_timeout: unknown parameter\n");
    }

    @Test
    void settingOfAnAbsentPluginsParameterShouldBeUnusedAsInPostfix() throws Exception {
        Files.writeString(dir.resolve("main.cf"), "demo_timeout = 5\n");
        assertThat(postconf("-n")).isEqualTo("postconf: warning: " + dir.resolve("main.cf")
                + ": unused parameter: demo_timeout=5\n");
        declared.add(DEMO);
        assertThat(postconf("-n")).isEqualTo("demo_timeout = 5\n");
    }

    @Test
    void identicalDeclarationsFromTwoBundlesShouldBeAcceptedOnce() {
        declared.add(DEMO);
        declared.add(() -> List.of(DEMO_TIMEOUT));
        ParameterTable table = declared.table(conflicts::add);
        assertThat(table.find("demo_timeout")).isPresent();
        assertThat(conflicts).isEmpty();
    }

    @Test
    void differentDeclarationOfATakenNameShouldBeReportedAndTheFirstKept() {
        declared.add(DEMO);
        declared.add(() -> List.of(Parameter.time("demo_timeout", "99s", 's', 1),
                Parameter.string("myhostname", "plugin.example")));
        ParameterTable table = declared.table(conflicts::add);
        assertThat(table.find("demo_timeout").orElseThrow().defaultValue()).isEqualTo("10s");
        assertThat(table.find("myhostname").orElseThrow().dynamicDefault()).isNotNull();
        assertThat(conflicts).containsExactly(
                "demo_timeout: declared again differently; keeping the first declaration",
                "myhostname: declared again differently; keeping the first declaration");
    }

    @Test
    void templateShouldReachTheAgentAsWrittenAndStayUnexpandedInPostconf() throws Exception {
        declared.add(() -> List.of(Parameter.string("demo_path", "$home/demo").withTemplate()));
        Files.writeString(dir.resolve("main.cf"), "demo_path = $home/${user}\n");
        assertThat(postconf("-n")).isEqualTo("demo_path = $home/${user}\n");
        assertThat(postconf("-x", "demo_path")).isEqualTo("demo_path = $home/${user}\n");
        assertThat(postconf("-dx", "demo_path")).isEqualTo("demo_path = $home/demo\n");
        PostfixConfig config = PostfixConfig.of(declared.table(conflicts::add),
                new ConfigEnvironment(dir, dir, "mx.example.com"), MainCf.read(dir.resolve("main.cf")));
        assertThat(config.settings().get("demo_path")).isEqualTo("$home/${user}");
    }
}
