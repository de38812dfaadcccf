// SPDX-License-Identifier: Apache-2.0
/**
 * TLS session results for RFC 8460 (TLSRPT) reporting.
 * The smtp client calls every registered {@link org.postern.api.tls.TlsReportSink} (0..n);
 * the TLSRPT bundle registers one, and {@link org.postern.api.tls.TlsReporting} for its commands.
 */
@Export
@Version("0.4.0")
package org.postern.api.tls;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
