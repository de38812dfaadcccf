// SPDX-License-Identifier: Apache-2.0
package org.postern.core.command;

import java.io.PrintWriter;
import java.util.List;

import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.postern.core.runtime.PosternConfiguration;

/** postern:check - validate main.cf and master.cf as they are on disk, without applying them. */
@Command(scope = "postern", name = "check", description = "Validate main.cf and master.cf (postfix check)")
@Service
public class CheckCommand extends PosternAction {

    @Reference
    PosternConfiguration configuration;

    @Override
    protected int run(PrintWriter out, PrintWriter err) {
        List<String> problems = configuration.check();
        problems.forEach(p -> err.println("postfix: " + p));
        return problems.stream().anyMatch(p -> p.startsWith("fatal:")) ? 1 : 0;
    }
}
