// SPDX-License-Identifier: Apache-2.0
package org.postern.core.dns;

import java.util.Locale;

/**
 * What the resolver is built from: main.cf's dns_servers, dnssec_validation and
 * dnssec_trust_anchor_file. An equal spec reuses the resolver already built.
 *
 * @param servers         dns_servers, empty for /etc/resolv.conf's
 * @param localValidation dnssec_validation = local: validate in this JVM from the trust anchors
 * @param trustAnchorFile dnssec_trust_anchor_file, empty for the root anchors shipped in the bundle
 */
record ResolverSpec(String servers, boolean localValidation, String trustAnchorFile) {

    /** /etc/resolv.conf's servers, their AD bit trusted. */
    static final ResolverSpec SYSTEM = new ResolverSpec("", false, "");

    ResolverSpec {
        servers = servers == null ? "" : servers.strip();
        trustAnchorFile = trustAnchorFile == null ? "" : trustAnchorFile.strip();
    }

    /** @param validation dnssec_validation's value: "resolver" (or empty) or "local" */
    static ResolverSpec of(String servers, String validation, String trustAnchorFile) {
        String mode = validation == null ? "" : validation.strip().toLowerCase(Locale.ROOT);
        return new ResolverSpec(servers, mode.equals("local"), trustAnchorFile);
    }
}
