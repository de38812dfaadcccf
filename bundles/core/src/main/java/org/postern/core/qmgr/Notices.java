// SPDX-License-Identifier: Apache-2.0
package org.postern.core.qmgr;

import java.io.IOException;

import org.postern.core.queue.FileQueueStore;

/**
 * What the queue manager sends about a message: bounces, delay warnings and success
 * notices (RFC 3464), and the postmaster copies notify_classes asks for. Implementations
 * queue the notices durably before returning; throwing leaves the message to be finished later.
 */
interface Notices {

    /** Every recipient is final: failure and success notices as NOTIFY= and the recipients' outcomes ask. */
    void finalNotices(ActiveMessage message, FileQueueStore store) throws IOException;

    /** delay_warning_time has passed: one "still being retried" notice. */
    void delayNotice(ActiveMessage message, FileQueueStore store) throws IOException;
}
