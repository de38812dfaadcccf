// SPDX-License-Identifier: Apache-2.0
package org.postern.api.dns;

import org.osgi.annotation.versioning.ConsumerType;

/** Resolves one name and record type. Never throws: failures are {@link DnsResult.TemporaryFailure}. */
@ConsumerType
public interface DnsResolver {

    /** The service property naming the implementation, e.g. {@code dnsjava} or {@code fake}. */
    String RESOLVER_PROPERTY = "postern.dns.resolver";

    DnsResult lookup(String name, DnsRecordType type);
}
