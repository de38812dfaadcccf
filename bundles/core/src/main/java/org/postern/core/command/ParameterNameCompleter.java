// SPDX-License-Identifier: Apache-2.0
package org.postern.core.command;

import java.util.List;
import java.util.SortedSet;

import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.api.console.CommandLine;
import org.apache.karaf.shell.api.console.Completer;
import org.apache.karaf.shell.api.console.Session;
import org.apache.karaf.shell.support.completers.StringsCompleter;
import org.postern.core.config.ParameterNames;
import org.postern.core.runtime.PosternConfiguration;

/** TAB completion of main.cf parameter names (postern:postconf), from the running configuration. */
@Service
public class ParameterNameCompleter implements Completer {

    @Reference(optional = true)
    PosternConfiguration configuration;

    public ParameterNameCompleter() {
    }

    ParameterNameCompleter(PosternConfiguration configuration) {
        this.configuration = configuration;
    }

    @Override
    public int complete(Session session, CommandLine commandLine, List<String> candidates) {
        return new StringsCompleter(parameterNames()).complete(session, commandLine, candidates);
    }

    /** The one place that asks which parameter names exist. */
    SortedSet<String> parameterNames() {
        return ParameterNames.known(configuration == null ? java.util.Optional.empty()
                : configuration.current().map(PosternConfiguration.Loaded::config));
    }
}
