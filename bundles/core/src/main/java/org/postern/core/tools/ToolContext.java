// SPDX-License-Identifier: Apache-2.0
package org.postern.core.tools;

import java.util.Optional;
import java.util.function.Supplier;

import org.postern.api.dict.DictRegistry;
import org.postern.api.milter.MilterService;
import org.postern.core.config.PostfixConfig;
import org.postern.core.runtime.PosternConfiguration;

/**
 * What every tool reads: the running main.cf, the tables its lists name, and the milter client
 * present now (null when none is installed; non_smtpd_milters of sendmail ask it).
 */
record ToolContext(PosternConfiguration configuration, DictRegistry tables, Supplier<MilterService> milters) {

    /** The running main.cf, empty while no configuration could be loaded. */
    Optional<PostfixConfig> main() {
        return configuration.current().map(loaded -> loaded.config().main());
    }
}
