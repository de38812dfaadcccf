// SPDX-License-Identifier: Apache-2.0
package org.postern.api.dict;

import java.nio.file.Path;

import org.osgi.annotation.versioning.ProviderType;

/** What core gives a factory when it opens a table. */
@ProviderType
public interface DictContext {

    /** The configuration directory (etc/postern); relative table config files resolve against it. */
    Path configDirectory();

    /** For tables that wrap other tables (proxy:, unionmap:, pipemap:, cache:). */
    DictRegistry registry();

    /**
     * Reports a problem in the table's source that did not stop it from opening, e.g.
     * {@code /etc/postern/clients.cidr, line 3: bad net/mask pattern: "192.0.2/24"}. Core logs
     * it, and postmap prints it as "postmap: warning: ..." like Postfix's postmap.
     */
    void warn(String message);
}
