// SPDX-License-Identifier: Apache-2.0
package org.postern.tlsrpt.report;

/**
 * What a report says about its sender (RFC 8460 section 4.1) and its identity.
 *
 * @param organizationName  tlsrpt_organization_name
 * @param contactInfo       tlsrpt_contact_info
 * @param submitter         tlsrpt_submitter_domain: the TLS-Report-Submitter and the file name's first part
 * @param reportId          unique per report ({@link ReportIds})
 */
public record ReportHeader(String organizationName, String contactInfo, String submitter, String reportId) {
}
