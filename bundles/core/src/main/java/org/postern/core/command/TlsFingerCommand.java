// SPDX-License-Identifier: Apache-2.0
package org.postern.core.command;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.postern.api.tls.TlsFinger;
import org.postern.core.runtime.PosternConfiguration;
import org.postern.core.tools.TlsFingerTool;

/** postern:tls-finger - the smtp client's TLS decisions for a destination, then a handshake (posttls-finger). */
@Command(scope = "postern", name = "tls-finger",
        description = "Show how the smtp client would secure mail to a destination, and connect (posttls-finger)")
@Service
public class TlsFingerCommand extends PosternAction {

    @Option(name = "-w", description = "Connect in wrapper mode (smtps), as smtp_tls_wrappermode = yes")
    boolean wrapperMode;

    @Option(name = "-l", description = "TLS security level instead of smtp_tls_security_level")
    String level;

    @Option(name = "-o", description = "name=value: a parameter for this run only (repeatable)", multiValued = true)
    List<String> settings;

    @Option(name = "-x", description = "the master.cf transport whose -o overrides apply (default smtp)")
    String service;

    @Argument(name = "destination", description = "example.com, [mx.example.com]:587 ...", required = true)
    String destination;

    @Reference(optional = true)
    TlsFinger finger;

    @Reference
    PosternConfiguration configuration;

    @Override
    protected int run(PrintWriter out, PrintWriter err) {
        List<String> args = new ArrayList<>();
        if (wrapperMode) {
            args.add("-w");
        }
        if (level != null) {
            args.addAll(List.of("-l", level));
        }
        if (settings != null) {
            settings.forEach(s -> args.addAll(List.of("-o", s)));
        }
        if (service != null) {
            args.addAll(List.of("-x", service));
        }
        args.add(destination);
        return TlsFingerTool.run(Optional.ofNullable(finger), configuration, args, out, err);
    }
}
