// SPDX-License-Identifier: Apache-2.0
package org.postern.core.message;

import java.util.Objects;

/**
 * The client as logs should name it (Postfix's log_* attributes): the values an XFORWARD from a
 * trusted content filter gave, else the connecting client's own. Empty means not known.
 *
 * @param clientName     log_client_name
 * @param clientAddress  log_client_address
 * @param clientPort     log_client_port (as given: XFORWARD's PORT is text)
 * @param messageOrigin  log_message_origin, "name[address]" or "local"
 * @param heloName       log_helo_name
 * @param protocolName   log_protocol_name (SMTP or ESMTP)
 * @param ident          log_ident, XFORWARD's IDENT
 * @param rewriteContext rewrite_context, XFORWARD's SOURCE (LOCAL or REMOTE)
 */
public record LogFacts(String clientName, String clientAddress, String clientPort, String messageOrigin,
                       String heloName, String protocolName, String ident, String rewriteContext) {

    public static final LogFacts NONE = new LogFacts("", "", "", "", "", "", "", "");

    public LogFacts {
        Objects.requireNonNull(clientName, "clientName");
        Objects.requireNonNull(clientAddress, "clientAddress");
        Objects.requireNonNull(clientPort, "clientPort");
        Objects.requireNonNull(messageOrigin, "messageOrigin");
        Objects.requireNonNull(heloName, "heloName");
        Objects.requireNonNull(protocolName, "protocolName");
        Objects.requireNonNull(ident, "ident");
        Objects.requireNonNull(rewriteContext, "rewriteContext");
    }
}
