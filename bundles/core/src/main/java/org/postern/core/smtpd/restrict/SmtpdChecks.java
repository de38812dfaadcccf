// SPDX-License-Identifier: Apache-2.0
package org.postern.core.smtpd.restrict;

/**
 * The restrictions, as the SMTP server asks them. May block (table and DNS lookups): the
 * server calls it off the event loop. Never throws: a failing lookup is a DEFER (4xx).
 */
@FunctionalInterface
public interface SmtpdChecks {

    CheckResult check(SmtpStage stage, SmtpFacts facts);
}
