// SPDX-License-Identifier: Apache-2.0
package org.postern.core.command;

import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.postern.core.dict.PostmapBuild;

/** postern:postmap - build, change and query tables as Postfix's postmap does. */
@Command(scope = "postern", name = "postmap",
        description = "Build tables ([type:]file ...), change them (-i, -d key) or query them (-q key, -Q, -s)")
@Service
public class PostmapCommand extends TableToolCommand {

    @Override
    PostmapBuild.Format format() {
        return PostmapBuild.Format.POSTMAP;
    }
}
