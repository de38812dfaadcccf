// SPDX-License-Identifier: Apache-2.0
package org.postern.core.queue;

/** Postfix's queues, by the names mailq and postsuper use. */
public enum QueueName {
    INCOMING, ACTIVE, DEFERRED, HOLD, CORRUPT;

    /** The directory name under queue_directory. */
    public String directory() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
