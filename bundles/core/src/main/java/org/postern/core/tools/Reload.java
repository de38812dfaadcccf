// SPDX-License-Identifier: Apache-2.0
package org.postern.core.tools;

import java.io.PrintWriter;
import java.util.List;

import org.postern.core.dict.DictInventory;
import org.postern.core.master.MasterServices;
import org.postern.core.qmgr.QueueManagerComponent;
import org.postern.core.runtime.PosternConfiguration;

/** "postfix reload": re-read main.cf and master.cf; a broken file keeps the running configuration. */
public final class Reload {

    private final PosternConfiguration configuration;
    private final DictInventory tables;
    private final MasterServices master;
    private final QueueManagerComponent qmgr;

    public Reload(PosternConfiguration configuration, DictInventory tables, MasterServices master,
                  QueueManagerComponent qmgr) {
        this.configuration = configuration;
        this.tables = tables;
        this.master = master;
        this.qmgr = qmgr;
    }

    public int run(PrintWriter out, PrintWriter err) {
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
