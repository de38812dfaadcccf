// SPDX-License-Identifier: Apache-2.0
package org.postern.core.tools;

import java.util.Optional;

import org.postern.api.dict.DictRegistry;
import org.postern.core.config.PostfixConfig;
import org.postern.core.runtime.PosternConfiguration;

/** What every tool reads: the running main.cf and the tables its lists name. */
record ToolContext(PosternConfiguration configuration, DictRegistry tables) {

    /** The running main.cf, empty while no configuration could be loaded. */
    Optional<PostfixConfig> main() {
        return configuration.current().map(loaded -> loaded.config().main());
    }
}
