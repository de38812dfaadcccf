// SPDX-License-Identifier: Apache-2.0
package org.postern.tlsrpt.store;

import java.time.Instant;

import org.postern.tlsrpt.counts.ReportKey;

/**
 * How one delivery of a report to one rua went.
 *
 * @param report    the report
 * @param reportId  its report-id
 * @param rua       the address: mailto:... or https://...
 * @param time      when the attempt ended
 * @param delivered true when handed over (queued for mailto:, a 2xx answer for https:)
 * @param detail    the queue ID, the HTTP status, or why it failed
 */
public record DeliveryRecord(ReportKey report, String reportId, String rua, Instant time, boolean delivered,
                             String detail) {
}
