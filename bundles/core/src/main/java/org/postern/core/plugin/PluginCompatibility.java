// SPDX-License-Identifier: Apache-2.0
package org.postern.core.plugin;

import java.util.ArrayList;
import java.util.List;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.namespace.PackageNamespace;
import org.osgi.framework.wiring.BundleCapability;
import org.osgi.framework.wiring.BundleRequirement;
import org.osgi.framework.wiring.BundleRevision;

/**
 * SUMMARY   Finds plugin bundles that cannot resolve against the installed Postern api.
 * DESCRIPTION
 *   The api packages carry semantic versions, so a plugin built against an incompatible api
 *   (e.g. org.postern.api.dict 2.x while 1.0 is installed) stays INSTALLED instead of failing
 *   at lookup time. This says which bundle and which requirement, for postern:tables.
 *   It asks the framework itself whether a requirement matches an exported package, so the
 *   answer is the resolver's, not a header parser's guess.
 */
public final class PluginCompatibility {

    /** One unresolved plugin and what it wants that nobody exports. */
    public record Problem(long bundleId, String bundle, String requirement, String available) {
    }

    private static final String API_PREFIX = "org.postern.api";

    private PluginCompatibility() {
    }

    public static List<Problem> problems(BundleContext context) {
        List<BundleCapability> exports = apiExports(context);
        List<Problem> problems = new ArrayList<>();
        for (Bundle bundle : context.getBundles()) {
            if (bundle.getState() != Bundle.INSTALLED) {
                continue;
            }
            BundleRevision revision = bundle.adapt(BundleRevision.class);
            if (revision == null) {
                continue;
            }
            for (BundleRequirement req : revision.getDeclaredRequirements(PackageNamespace.PACKAGE_NAMESPACE)) {
                String filter = req.getDirectives().getOrDefault("filter", "");
                boolean optional = PackageNamespace.RESOLUTION_OPTIONAL
                        .equals(req.getDirectives().get(PackageNamespace.REQUIREMENT_RESOLUTION_DIRECTIVE));
                if (optional || !filter.contains(API_PREFIX) || exports.stream().anyMatch(req::matches)) {
                    continue;
                }
                problems.add(new Problem(bundle.getBundleId(),
                        bundle.getSymbolicName() + " " + bundle.getVersion(), filter, describe(exports, filter)));
            }
        }
        return problems;
    }

    private static List<BundleCapability> apiExports(BundleContext context) {
        List<BundleCapability> exports = new ArrayList<>();
        for (Bundle bundle : context.getBundles()) {
            BundleRevision revision = bundle.adapt(BundleRevision.class);
            if (revision == null || (revision.getTypes() & BundleRevision.TYPE_FRAGMENT) != 0
                    || bundle.getState() == Bundle.INSTALLED || bundle.getState() == Bundle.UNINSTALLED) {
                continue;
            }
            for (BundleCapability cap : revision.getDeclaredCapabilities(PackageNamespace.PACKAGE_NAMESPACE)) {
                if (String.valueOf(cap.getAttributes().get(PackageNamespace.PACKAGE_NAMESPACE)).startsWith(API_PREFIX)) {
                    exports.add(cap);
                }
            }
        }
        return exports;
    }

    /** "org.postern.api.dict 1.0.0 from postern-api [51]" for the packages the filter names. */
    private static String describe(List<BundleCapability> exports, String filter) {
        List<String> matches = new ArrayList<>();
        for (BundleCapability cap : exports) {
            String pkg = String.valueOf(cap.getAttributes().get(PackageNamespace.PACKAGE_NAMESPACE));
            if (filter.contains("=" + pkg + ")")) {
                Bundle b = cap.getRevision().getBundle();
                matches.add(pkg + " " + cap.getAttributes().get(PackageNamespace.CAPABILITY_VERSION_ATTRIBUTE)
                        + " from " + b.getSymbolicName() + " [" + b.getBundleId() + "]");
            }
        }
        return matches.isEmpty() ? "not exported by any installed bundle" : String.join(", ", matches);
    }
}
