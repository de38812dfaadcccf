// SPDX-License-Identifier: Apache-2.0
/**
 * DNS lookups with DNSSEC status: first draft, refined by the receive, delivery and TLS issues.
 * Core registers a dnsjava resolver ({@code postern.dns.resolver=dnsjava}); tests register fakes.
 */
@Export
@Version("0.1.0")
package org.postern.api.dns;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
