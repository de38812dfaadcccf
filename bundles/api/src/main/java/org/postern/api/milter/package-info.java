// SPDX-License-Identifier: Apache-2.0
/**
 * Content filters in the Sendmail milter style (Postfix's smtpd_milters, MILTER_README): what
 * smtpd hands a filter at each stage of a session, and the typed replies and message
 * modifications it gets back. Core consumes one {@link org.postern.api.milter.MilterService}
 * (the postern-milter bundle registers the protocol client); without one, core applies
 * milter_default_action itself.
 */
@Export
@Version("0.3.0")
package org.postern.api.milter;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
