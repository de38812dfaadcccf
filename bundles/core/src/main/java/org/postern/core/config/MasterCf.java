// SPDX-License-Identifier: Apache-2.0
package org.postern.core.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * SUMMARY   master.cf parser (master(5)): one {@link MasterService} per logical line.
 * DESCRIPTION
 *   Comments and empty lines are ignored; a line starting with whitespace (or, as in main.cf,
 *   with "}") continues the entry. Fields are separated by whitespace; "{ ... }" groups are one
 *   token. At least eight fields: service, type (inet, unix, unix-dgram, fifo, pass),
 *   private, unpriv, chroot (y, n or -), wakeup ("-" or digits with an optional "?"), maxproc
 *   ("-" or digits), command; then arguments. "-o name=value", "-o { name = value }" and
 *   "-o{name=value}" set per-service parameters.
 * SECURITY  Reads one local file written by the administrator. Nothing here starts processes.
 * BUGS      Stricter than Postfix: a bad field, a duplicate service/type or an "-o" without
 *           "name=value" is an error with file and line, where postconf only warns or
 *           accepts. Continuation text is joined as Postfix does, without checking that an
 *           entry's arguments make sense for its command.
 */
public final class MasterCf {

    private static final Set<String> TYPES = Set.of("inet", "unix", "unix-dgram", "fifo", "pass");

    private final Path file;
    private final List<MasterService> services;

    private MasterCf(Path file, List<MasterService> services) {
        this.file = file;
        this.services = List.copyOf(services);
    }

    public static MasterCf read(Path file) throws IOException, ConfigException {
        return parse(file, Files.readString(file, StandardCharsets.UTF_8).lines().toList());
    }

    public static MasterCf parse(Path file, List<String> lines) throws ConfigException {
        List<MasterService> services = new ArrayList<>();
        Set<String> keys = new HashSet<>();
        StringBuilder logical = null;
        int start = 0;
        for (int i = 0; i <= lines.size(); i++) {
            String line = i < lines.size() ? lines.get(i) : "";
            if (line.endsWith("\r")) {
                line = line.substring(0, line.length() - 1);
            }
            String trimmed = line.strip();
            if (i < lines.size() && (trimmed.isEmpty() || trimmed.startsWith("#"))) {
                continue;
            }
            if (i < lines.size() && (Character.isWhitespace(line.charAt(0)) || line.charAt(0) == '}')) {
                if (logical == null) {
                    throw ConfigException.at(file, i + 1,
                            "logical line must not start with whitespace: \"" + line + "\"");
                }
                logical.append(' ').append(line.strip());
                continue;
            }
            if (logical != null) {
                MasterService s = entry(file, start, logical.toString());
                if (!keys.add(s.key())) {
                    throw ConfigException.at(file, start, "duplicate service definition: " + s.key());
                }
                services.add(s);
            }
            logical = new StringBuilder(line);
            start = i + 1;
        }
        return new MasterCf(file, services);
    }

    /** Parses one logical line (an entry with its continuation lines joined). */
    static MasterService entry(Path file, int line, String text) throws ConfigException {
        List<String> tokens;
        try {
            tokens = PostfixLists.split(text, " \t");
        } catch (IllegalArgumentException e) {
            throw ConfigException.at(file, line, e.getMessage());
        }
        if (tokens.size() < 8) {
            throw ConfigException.at(file, line, "bad field count");
        }
        String type = tokens.get(1);
        if (!TYPES.contains(type)) {
            throw ConfigException.at(file, line, "invalid type field \"" + type + "\"");
        }
        for (int f = 2; f <= 4; f++) {
            String v = tokens.get(f);
            if (!v.equals("y") && !v.equals("n") && !v.equals("-")) {
                throw ConfigException.at(file, line, "invalid " + MasterService.FIELD_NAMES.get(f) + " field \""
                        + v + "\"");
            }
        }
        if (!tokens.get(5).matches("-|[0-9]{1,9}\\??")) {
            throw ConfigException.at(file, line, "invalid wakeup field \"" + tokens.get(5) + "\"");
        }
        if (!tokens.get(6).matches("-|[0-9]{1,9}")) {
            throw ConfigException.at(file, line, "invalid process_limit field \"" + tokens.get(6) + "\"");
        }
        List<String> args = new ArrayList<>();
        Map<String, String> overrides = new LinkedHashMap<>();
        for (int k = 8; k < tokens.size(); k++) {
            String t = tokens.get(k);
            String setting;
            if (t.equals("-o")) {
                if (k + 1 >= tokens.size()) {
                    throw ConfigException.at(file, line, "-o: missing name=value");
                }
                setting = tokens.get(++k);
            } else if (t.startsWith("-o") && t.length() > 2) {
                setting = t.substring(2);
            } else {
                args.add(t);
                continue;
            }
            String[] nv;
            try {
                nv = MainCf.splitNameValue(PostfixLists.stripBraces(setting));
            } catch (IllegalArgumentException e) {
                throw ConfigException.at(file, line, "-o " + setting + ": " + e.getMessage());
            }
            overrides.remove(nv[0]);
            overrides.put(nv[0], nv[1]);
            args.add("-o");
            String pair = nv[0] + "=" + nv[1];
            args.add(nv[1].chars().anyMatch(Character::isWhitespace) ? "{" + pair + "}" : pair);
        }
        return new MasterService(tokens.get(0), type, tokens.get(2), tokens.get(3), tokens.get(4), tokens.get(5),
                tokens.get(6), tokens.get(7), args, overrides, file, line);
    }

    public Path file() {
        return file;
    }

    /** Entries in file order. */
    public List<MasterService> services() {
        return services;
    }

    /** The entry for service and type (e.g. "smtp", "inet"). */
    public Optional<MasterService> find(String service, String type) {
        return services.stream().filter(s -> s.service().equals(service) && s.type().equals(type)).findFirst();
    }
}
