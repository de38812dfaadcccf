// SPDX-License-Identifier: Apache-2.0
package org.postern.api.delivery;

import java.util.List;

/** One result per recipient of the request. */
public record DeliveryResult(List<RecipientResult> results) {
    public DeliveryResult {
        results = List.copyOf(results);
    }
}
