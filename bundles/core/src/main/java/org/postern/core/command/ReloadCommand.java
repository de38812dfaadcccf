// SPDX-License-Identifier: Apache-2.0
package org.postern.core.command;

import java.io.PrintWriter;

import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.postern.core.dict.DictInventory;
import org.postern.core.master.MasterServices;
import org.postern.core.qmgr.QueueManagerComponent;
import org.postern.core.runtime.PosternConfiguration;
import org.postern.core.tools.Reload;

/** postern:reload - re-read main.cf and master.cf; a broken file keeps the running configuration. */
@Command(scope = "postern", name = "reload", description = "Re-read main.cf and master.cf (postfix reload)")
@Service
public class ReloadCommand extends PosternAction {

    @Reference
    PosternConfiguration configuration;

    @Reference
    MasterServices master;

    @Reference
    QueueManagerComponent qmgr;

    @Reference
    DictInventory tables;

    @Override
    protected int run(PrintWriter out, PrintWriter err) {
        return new Reload(configuration, tables, master, qmgr).run(out, err);
    }
}
