// SPDX-License-Identifier: Apache-2.0
package org.postern.itest;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.io.File;
import java.io.FileOutputStream;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;

/**
 * A table plugin comes and goes at runtime: postmap on a demo: table fails temporarily
 * ("unsupported dictionary type: demo"), answers once the bundle is installed, and fails
 * again after it is uninstalled, all in one Karaf without restart.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class DictHotSwapIT extends PosternKarafSupport {

    @Configuration
    public Option[] config() {
        return posternDistribution();
    }

    @Test
    public void demoTableShouldFollowItsBundleWithoutRestart() throws Exception {
        Result before = run("postern:postmap -q okay demo:table1");
        assertEquals(before.toString(), 1, before.status());
        assertTrue(before.toString(), before.err().contains("unsupported dictionary type: demo"));

        String location = new File(System.getProperty("postern.demoBundle")).toURI().toString();
        Result install = run("bundle:install -s " + location);
        Matcher id = Pattern.compile("Bundle ID: (\\d+)").matcher(install.out());
        assertTrue(install.toString(), id.find());

        Result tables = run("postern:tables");
        assertTrue(tables.toString(), tables.out().contains("postern-itest-demo-dict"));

        Result found = waitForStatus("postern:postmap -q okay demo:table1", 0);
        assertEquals("okay@table1", found.out().strip());
        Result notFound = run("postern:postmap -q nope demo:table1");
        assertEquals(notFound.toString(), 1, notFound.status());
        assertEquals("", notFound.err().strip());

        run("bundle:uninstall " + id.group(1));

        Result after = run("postern:postmap -q okay demo:table1");
        assertEquals(after.toString(), 1, after.status());
        assertTrue(after.toString(), after.err().contains("unsupported dictionary type: demo"));
        assertFalse(run("postern:tables").out().contains("postern-itest-demo-dict"));
    }

    @Test
    public void cidrFeatureShouldUninstallAndInstallWithoutRestart() throws Exception {
        File table = File.createTempFile("clients", ".cidr");
        java.nio.file.Files.writeString(table.toPath(), "192.0.2.0/24 OK\n");
        String query = "postern:postmap -q 192.0.2.1 cidr:" + table;
        assertEquals("OK", run(query).out().strip());

        Result uninstall = run("feature:uninstall postern-map-cidr");
        assertEquals(uninstall.toString(), 0, uninstall.status());
        Result gone = run(query);
        assertEquals(gone.toString(), 1, gone.status());
        assertTrue(gone.toString(), gone.err().contains("unsupported dictionary type: cidr"));

        Result install = run("feature:install postern-map-cidr");
        assertEquals(install.toString(), 0, install.status());
        assertEquals("OK", waitForStatus(query, 0).out().strip());
    }

    @Test
    public void tablesShouldNameAPluginBuiltAgainstAnIncompatibleApi() throws Exception {
        File jar = File.createTempFile("postern-map-future", ".jar");
        Manifest manifest = new Manifest();
        Attributes main = manifest.getMainAttributes();
        main.put(Attributes.Name.MANIFEST_VERSION, "1.0");
        main.putValue("Bundle-ManifestVersion", "2");
        main.putValue("Bundle-SymbolicName", "postern-map-future");
        main.putValue("Bundle-Version", "1.0.0");
        // What bnd writes for a plugin compiled against api 2.x.
        main.putValue("Import-Package", "org.postern.api.dict;version=\"[2.0,3)\"");
        try (JarOutputStream out = new JarOutputStream(new FileOutputStream(jar), manifest)) {
            out.flush();
        }

        Result install = run("bundle:install " + jar.toURI());
        Matcher id = Pattern.compile("Bundle ID: (\\d+)").matcher(install.out());
        assertTrue(install.toString(), id.find());
        try {
            Result tables = run("postern:tables");
            assertEquals(tables.toString(), 1, tables.status());
            assertTrue(tables.out(), tables.out().contains("not resolved: postern-map-future 1.0.0 [" + id.group(1) + "]"));
            assertTrue(tables.out(), Pattern.compile("org\\.postern\\.api\\.dict 1\\.\\d+\\.\\d+ from postern-api")
                    .matcher(tables.out()).find());
            assertTrue(tables.out(), tables.out().contains("cidr "));
        } finally {
            run("bundle:uninstall " + id.group(1));
        }
        assertEquals(0, run("postern:tables").status());
    }

    /** DS activates the component asynchronously after bundle start. */
    private Result waitForStatus(String command, int status) throws Exception {
        long deadline = System.currentTimeMillis() + 10_000;
        Result r = run(command);
        while (r.status() != status && System.currentTimeMillis() < deadline) {
            Thread.sleep(100);
            r = run(command);
        }
        return r;
    }
}
