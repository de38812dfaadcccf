// SPDX-License-Identifier: Apache-2.0
package org.postern.core.command;

import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.postern.core.dict.PostmapBuild;

/** postern:postalias - build, change and query aliases(5) tables as Postfix's postalias does. */
@Command(scope = "postern", name = "postalias",
        description = "Build alias tables ([type:]file ...), change them (-i, -d key) or query them (-q key, -Q, -s)")
@Service
public class PostaliasCommand extends TableToolCommand {

    @Override
    PostmapBuild.Format format() {
        return PostmapBuild.Format.POSTALIAS;
    }
}
