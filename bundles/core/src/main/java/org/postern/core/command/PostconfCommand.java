// SPDX-License-Identifier: Apache-2.0
package org.postern.core.command;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.postern.core.config.Postconf;
import org.postern.core.dict.DictInventory;
import org.postern.core.runtime.PosternConfiguration;

/** postern:postconf - Postfix's postconf against etc/postern (or -c DIR). */
@Command(scope = "postern", name = "postconf", description = "Show or edit main.cf and master.cf settings, as Postfix's postconf")
@Service
public class PostconfCommand extends PosternAction {

    @Option(name = "-c", description = "Read main.cf and master.cf from this configuration directory")
    String configDir;

    @Option(name = "-d", description = "Print default values instead of the actual settings")
    boolean defaults;

    @Option(name = "-n", description = "Print only settings made in main.cf (non-default)")
    boolean nonDefault;

    @Option(name = "-h", description = "Print values only, without 'name = '")
    boolean valuesOnly;

    @Option(name = "-x", description = "Expand $name references in values")
    boolean expand;

    @Option(name = "-f", description = "Fold long lines; pretty-print { } content")
    boolean fold;

    @Option(name = "-e", description = "Edit main.cf: each argument is name=value")
    boolean edit;

    @Option(name = "-X", description = "Edit main.cf: remove each named parameter")
    boolean remove;

    @Option(name = "-M", description = "Show master.cf services [service[/type]]; with -e, -X, -#: edit them")
    boolean master;

    @Option(name = "-F", description = "Show master.cf fields [service[/type[/field]]]; with -e: edit them")
    boolean masterFields;

    @Option(name = "-P", description = "Show master.cf -o parameters [service[/type[/name]]]; with -e, -X: edit them")
    boolean masterParameters;

    @Option(name = "-H", description = "Print names only, without ' = value'")
    boolean namesOnly;

    @Option(name = "-#", description = "Edit main.cf (or master.cf with -M): comment out each named entry")
    boolean commentOut;

    @Option(name = "-m", description = "List the table types available now")
    boolean tableTypes;

    @Option(name = "-l", description = "List the mailbox locking methods")
    boolean locks;

    @Option(name = "-a", description = "List the SMTP server's SASL types")
    boolean saslServer;

    @Option(name = "-A", description = "List the SMTP client's SASL types")
    boolean saslClient;

    @Option(name = "-o", description = "Override a parameter for this command (name=value)", multiValued = true)
    @Completion(ParameterNameCompleter.class)
    List<String> overrides = new ArrayList<>();

    @Argument(name = "names", description = "Parameter names, name=value edits, or master.cf services", multiValued = true)
    @Completion(PostconfOperandCompleter.class)
    List<String> operands = new ArrayList<>();

    @Reference
    PosternConfiguration configuration;

    @Reference
    DictInventory inventory;

    @Override
    protected int run(PrintWriter out, PrintWriter err) {
        List<String> args = new ArrayList<>();
        addFlag(args, defaults, "-d");
        addFlag(args, nonDefault, "-n");
        addFlag(args, valuesOnly, "-h");
        addFlag(args, expand, "-x");
        addFlag(args, fold, "-f");
        addFlag(args, edit, "-e");
        addFlag(args, remove, "-X");
        addFlag(args, master, "-M");
        addFlag(args, masterFields, "-F");
        addFlag(args, masterParameters, "-P");
        addFlag(args, namesOnly, "-H");
        addFlag(args, commentOut, "-#");
        addFlag(args, tableTypes, "-m");
        addFlag(args, locks, "-l");
        addFlag(args, saslServer, "-a");
        addFlag(args, saslClient, "-A");
        if (configDir != null) {
            args.add("-c");
            args.add(resolveAgainstCallerDirectory(configDir).toString());
        }
        for (String o : overrides) {
            args.add("-o");
            args.add(o);
        }
        args.addAll(operands);
        Set<String> types = new TreeSet<>();
        inventory.types().forEach(t -> types.add(t.type()));
        return Postconf.run(configuration.environment().configDirectory(), configuration.environment(), types,
                configuration.parameters(), args, out, err);
    }

    private static void addFlag(List<String> args, boolean set, String flag) {
        if (set) {
            args.add(flag);
        }
    }
}
