// SPDX-License-Identifier: Apache-2.0
package org.postern.core.command;

import java.io.PrintWriter;
import java.util.List;

import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.postern.core.dict.DictInventory;
import org.postern.core.master.MasterServices;
import org.postern.core.qmgr.QueueManagerComponent;
import org.postern.core.runtime.PosternConfiguration;

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
        List<String> errors = configuration.reload();
        if (errors.isEmpty()) {
            tables.reopenAll();
            master.restart();
            qmgr.reload();
            out.println("postfix/postfix-script: refreshing the Postern mail system");
            return 0;
        }
        errors.forEach(e -> err.println("postfix: fatal: " + e));
        err.println("postfix: reload refused; the running configuration is unchanged");
        return 1;
    }
}
