// SPDX-License-Identifier: Apache-2.0
package org.postern.api.tls;

import org.osgi.annotation.versioning.ConsumerType;

/** Receives the result of each outbound TLS session attempt. Must not block the caller for long. */
@ConsumerType
public interface TlsReportSink {

    void sessionCompleted(TlsSessionResult result);
}
