// SPDX-License-Identifier: Apache-2.0
package org.postern.api.delivery;

import java.io.IOException;
import java.util.List;

import org.osgi.annotation.versioning.ProviderType;
import org.postern.api.message.DsnRequest;

/**
 * Queues a new message through cleanup, as Postfix's local(8) does when an alias or .forward
 * sends mail on to other addresses. Provided by core as an OSGi service. The message is on
 * disk (fsync) when this returns.
 */
@ProviderType
public interface MessageSubmitter {

    /**
     * @param sender     envelope sender ("" for the null sender)
     * @param recipients the new recipients (ORCPT/NOTIFY carried over where the caller wants them)
     * @param content    the message, e.g. the original with a Delivered-To: header prepended
     * @param dsn        ENVID= and RET= carried over from the original ({@link DsnRequest#NONE} for none)
     * @return the new queue ID
     */
    String submit(String sender, List<Recipient> recipients, MessageContent content, DsnRequest dsn)
            throws IOException;
}
