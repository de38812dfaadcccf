// SPDX-License-Identifier: Apache-2.0
package org.postern.core.command;

import java.util.List;
import java.util.Set;

import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.api.console.CommandLine;
import org.apache.karaf.shell.api.console.Completer;
import org.apache.karaf.shell.api.console.Session;
import org.postern.core.runtime.PosternConfiguration;

/**
 * TAB completion of postern:postconf's operands: master.cf services after -M, -F or -P,
 * parameter names otherwise.
 */
@Service
public class PostconfOperandCompleter implements Completer {

    private static final Set<String> MASTER_OPTIONS = Set.of("-M", "-F", "-P");

    @Reference(optional = true)
    PosternConfiguration configuration;

    public PostconfOperandCompleter() {
    }

    PostconfOperandCompleter(PosternConfiguration configuration) {
        this.configuration = configuration;
    }

    @Override
    public int complete(Session session, CommandLine commandLine, List<String> candidates) {
        boolean master = List.of(commandLine.getArguments()).stream().anyMatch(MASTER_OPTIONS::contains);
        Completer names = master ? new MasterServiceCompleter(configuration) : new ParameterNameCompleter(configuration);
        return names.complete(session, commandLine, candidates);
    }
}
