// SPDX-License-Identifier: Apache-2.0
package org.postern.core.queue;

import org.postern.core.message.Envelope;

/**
 * A message in the queue, as mailq lists it.
 *
 * @param queueId  the queue ID
 * @param queue    which queue it is in
 * @param size     content size in bytes
 * @param envelope the envelope as committed
 */
public record QueuedMessage(String queueId, QueueName queue, long size, Envelope envelope) {
}
