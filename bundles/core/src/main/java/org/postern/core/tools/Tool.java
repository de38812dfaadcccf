// SPDX-License-Identifier: Apache-2.0
package org.postern.core.tools;

import java.io.IOException;

/** A Postfix-named tool run for a local caller; returns its exit status. */
@FunctionalInterface
public interface Tool {

    /** Returned by a tool that the caller must run in its own process, with its own permissions. */
    int RUN_LOCALLY = -1;

    int run(ToolCall call) throws IOException;
}
