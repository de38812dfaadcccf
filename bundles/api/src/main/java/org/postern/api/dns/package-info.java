// SPDX-License-Identifier: Apache-2.0
/**
 * DNS lookups with their DNSSEC status ({@link org.postern.api.dns.DnssecStatus}): secure, insecure,
 * bogus or indeterminate.
 * Core registers a dnsjava resolver ({@code postern.dns.resolver=dnsjava}); tests register fakes.
 */
@Export
@Version("0.2.0")
package org.postern.api.dns;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
