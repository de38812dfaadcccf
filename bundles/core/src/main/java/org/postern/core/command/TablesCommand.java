// SPDX-License-Identifier: Apache-2.0
package org.postern.core.command;

import java.io.PrintWriter;
import java.util.List;

import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.osgi.framework.BundleContext;
import org.postern.core.dict.DictInventory;
import org.postern.core.plugin.PluginCompatibility;

/** postern:tables - the table types available now, their bundles, and plugins that cannot resolve. */
@Command(scope = "postern", name = "tables", description = "List lookup-table types, the bundle providing each, and incompatible plugins")
@Service
public class TablesCommand extends PosternAction {

    @Reference
    DictInventory inventory;

    @Reference
    BundleContext bundleContext;

    @Override
    protected int run(PrintWriter out, PrintWriter err) {
        List<DictInventory.TypeInfo> types = inventory.types();
        out.printf("%-12s %s%n", "TYPE", "PROVIDED BY");
        for (DictInventory.TypeInfo t : types) {
            String more = t.providers() > 1 ? " (+" + (t.providers() - 1) + " standby)" : "";
            out.printf("%-12s %s%s%n", t.type(), t.bundle(), more);
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
}
