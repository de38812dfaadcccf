// SPDX-License-Identifier: Apache-2.0
package org.postern.core.command;

import java.util.List;
import java.util.SortedSet;
import java.util.TreeSet;

import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.api.console.CommandLine;
import org.apache.karaf.shell.api.console.Completer;
import org.apache.karaf.shell.api.console.Session;
import org.apache.karaf.shell.support.completers.StringsCompleter;
import org.postern.core.config.MasterService;
import org.postern.core.runtime.PosternConfiguration;

/**
 * TAB completion of master.cf services, as "service" and "service/type", from the running
 * configuration (postern:postconf -M, -F, -P).
 */
@Service
public class MasterServiceCompleter implements Completer {

    @Reference(optional = true)
    PosternConfiguration configuration;

    public MasterServiceCompleter() {
    }

    MasterServiceCompleter(PosternConfiguration configuration) {
        this.configuration = configuration;
    }

    @Override
    public int complete(Session session, CommandLine commandLine, List<String> candidates) {
        return new StringsCompleter(serviceNames()).complete(session, commandLine, candidates);
    }

    private SortedSet<String> serviceNames() {
        SortedSet<String> names = new TreeSet<>();
        if (configuration != null) {
            configuration.current().flatMap(loaded -> loaded.config().master()).ifPresent(master -> {
                for (MasterService s : master.services()) {
                    names.add(s.service());
                    names.add(s.key());
                }
            });
        }
        return names;
    }
}
