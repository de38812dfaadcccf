// SPDX-License-Identifier: Apache-2.0
package org.postern.core.command;

import java.io.PrintWriter;
import java.util.List;

import org.apache.karaf.features.Feature;
import org.apache.karaf.features.FeaturesService;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.osgi.framework.BundleContext;
import org.postern.core.dict.DictInventory;
import org.postern.core.plugin.PluginCompatibility;

/**
 * postern:tables - the table types available now, their bundles, the table plugin features that
 * could be installed, cache statistics, and plugins that cannot resolve.
 */
@Command(scope = "postern", name = "tables", description = "List lookup-table types, the bundle providing each, and incompatible plugins")
@Service
public class TablesCommand extends PosternAction {

    @Reference
    DictInventory inventory;

    @Reference
    BundleContext bundleContext;

    @Reference(optional = true)
    FeaturesService features;

    @Override
    protected int run(PrintWriter out, PrintWriter err) {
        List<DictInventory.TypeInfo> types = inventory.types();
        out.printf("%-12s %s%n", "TYPE", "PROVIDED BY");
        for (DictInventory.TypeInfo t : types) {
            String more = t.providers() > 1 ? " (+" + (t.providers() - 1) + " standby)" : "";
            out.printf("%-12s %s%s%n", t.type(), t.bundle(), more);
        }
        List<String> available = availablePlugins();
        if (!available.isEmpty()) {
            out.printf("not installed (feature:install NAME): %s%n", String.join(" ", available));
        }
        for (DictInventory.TableStatistics t : inventory.statistics()) {
            out.printf("%s: %s%n", t.spec(), t.statistics());
        }
        List<PluginCompatibility.Problem> problems = PluginCompatibility.problems(bundleContext);
        for (PluginCompatibility.Problem p : problems) {
            out.printf("not resolved: %s [%d]: requires %s; installed: %s%n",
                    p.bundle(), p.bundleId(), p.requirement(), p.available());
        }
        return problems.isEmpty() ? 0 : 1;
    }

    /** Table plugin features known to Karaf but not installed. */
    private List<String> availablePlugins() {
        if (features == null) {
            return List.of();
        }
        List<String> names = new java.util.ArrayList<>();
        try {
            for (Feature f : features.listFeatures()) {
                if (f.getName().startsWith("postern-map-") && !f.getName().equals("postern-map-sql-common")
                        && !features.isInstalled(f)) {
                    names.add(f.getName());
                }
            }
        } catch (Exception e) {
            return List.of();
        }
        java.util.Collections.sort(names);
        return names;
    }
}
