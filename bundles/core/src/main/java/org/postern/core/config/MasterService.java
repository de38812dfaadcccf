// SPDX-License-Identifier: Apache-2.0
package org.postern.core.config;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * SUMMARY   One master.cf service entry (master(5)): the seven fields, the command, its arguments.
 * DESCRIPTION
 *   Fields are kept as written ("-" for the default) so that postconf -M/-F print them back;
 *   accessors give the effective values. {@code arguments} are the command's arguments with
 *   "-o" pairs normalized the way postconf -M prints them ("-o", "name=value", or
 *   "{name=value}" when the value contains whitespace); {@code overrides} holds the same
 *   "-o" settings as a map, in order, later ones winning.
 */
public record MasterService(String service, String type, String privateField, String unprivilegedField,
                            String chrootField, String wakeupField, String processLimitField, String command,
                            List<String> arguments, Map<String, String> overrides, Path file, int line) {

    /** master.cf field names, in order, as postconf -F prints them. */
    public static final List<String> FIELD_NAMES = List.of("service", "type", "private", "unprivileged", "chroot",
            "wakeup", "process_limit", "command");

    public MasterService {
        arguments = List.copyOf(arguments);
        overrides = Collections.unmodifiableMap(new LinkedHashMap<>(overrides));
    }

    /** "service/type", the key postconf -M/-F use. */
    public String key() {
        return service + "/" + type;
    }

    /** Private (default yes): the service is not reachable from outside the mail system. */
    public boolean isPrivate() {
        return !privateField.equals("n");
    }

    /** Unprivileged (default yes): runs with the mail_owner's rights. */
    public boolean isUnprivileged() {
        return !unprivilegedField.equals("n");
    }

    /** Chroot (default no since Postfix 3.0). */
    public boolean isChroot() {
        return chrootField.equals("y");
    }

    /** Wakeup interval in seconds, 0 for none. */
    public int wakeupSeconds() {
        String w = wakeupField.endsWith("?") ? wakeupField.substring(0, wakeupField.length() - 1) : wakeupField;
        return w.equals("-") ? 0 : Integer.parseInt(w);
    }

    /** Wakeup only while the service is in use (a "?" after the interval). */
    public boolean isWakeupConditional() {
        return wakeupField.endsWith("?");
    }

    /** The process limit, using default_process_limit for "-"; 0 means no limit. */
    public int processLimit(PostfixConfig config) {
        return processLimitField.equals("-") ? config.integer("default_process_limit")
                : Integer.parseInt(processLimitField);
    }

    /** The command and its arguments on one line, as postconf -F prints the command field. */
    public String commandLine() {
        List<String> all = new ArrayList<>();
        all.add(command);
        all.addAll(arguments);
        return String.join(" ", all);
    }

    /** Field values in {@link #FIELD_NAMES} order. */
    public List<String> fields() {
        return List.of(service, type, privateField, unprivilegedField, chrootField, wakeupField,
                processLimitField, commandLine());
    }

    /** The "-o" overrides as entries (with this service's file and line), for {@link PostfixConfig#withOverrides}. */
    public List<ConfigEntry> overrideEntries() {
        List<ConfigEntry> entries = new ArrayList<>();
        overrides.forEach((name, value) -> entries.add(new ConfigEntry(name, value, file, line)));
        return entries;
    }
}
