// SPDX-License-Identifier: Apache-2.0
package org.postern.core.qmgr;

import java.util.List;

/** One delivery attempt: one message, the recipients (by index) that share one route. */
record DeliveryJob(ActiveMessage message, Route route, List<Integer> recipients) {
}
