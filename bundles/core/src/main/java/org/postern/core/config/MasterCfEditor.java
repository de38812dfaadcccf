// SPDX-License-Identifier: Apache-2.0
package org.postern.core.config;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * SUMMARY   postconf -Me, -Fe, -Pe, -MX, -PX and -M#: edit master.cf as Postfix's postconf does.
 * DESCRIPTION
 *   The file is read as blocks: the lines before the first entry, then one block per entry
 *   running from its first line to the line before the next entry, so the comment and blank
 *   lines inside and after an entry belong to it. Every request is checked before anything is
 *   changed. An entry that a request touches is written again in postconf -Mf's layout,
 *   after its block's comment and blank lines; an untouched entry keeps its text. -MX drops
 *   an entry's own lines and keeps its comments; -M# puts "#" before them. -Me for a
 *   service/type that does not exist appends the entry. -Fe and -Pe for one that does not
 *   exist only warn ("unmatched service_name/type"); -MX, -PX and -M# say nothing.
 * SECURITY  Requests come from the local administrator; values go into master.cf as given
 *           (-Pe refuses white space, which would split the setting).
 */
final class MasterCfEditor {

    /** What the command does to the entries it names. */
    enum Action {
        /** -Me: "service/type = whole entry". */
        SET_ENTRY,
        /** -Fe: "service/type/field = value". */
        SET_FIELD,
        /** -Pe: "service/type/parameter=value". */
        SET_PARAMETER,
        /** -MX: "service/type". */
        REMOVE_ENTRY,
        /** -PX: "service/type/parameter". */
        REMOVE_PARAMETER,
        /** -M#: "service/type". */
        COMMENT_ENTRY
    }

    /** A request postconf refuses before editing; the message is Postfix's. */
    static final class Refused extends Exception {
        private static final long serialVersionUID = 1L;

        Refused(String message) {
            super(message, null, false, false);
        }
    }

    /** One checked request: which entry, and what to do with it. */
    private record Request(String text, String service, String type, String name, String value,
                           MasterService entry) {
        String key() {
            return service + "/" + type;
        }
    }

    /** An entry and the physical lines it spans. */
    private static final class Block {
        final List<String> lines = new ArrayList<>();
        final List<Boolean> entryLine = new ArrayList<>();
        MasterService service;
        boolean rewritten;
        boolean removed;
        boolean commented;

        void add(String line, boolean ofEntry) {
            lines.add(line);
            entryLine.add(ofEntry);
        }
    }

    private MasterCfEditor() {
    }

    /**
     * The lines of master.cf after the requests.
     *
     * @param warnings receives "unmatched service_name/type" warnings (without "postconf: warning: ")
     * @throws Refused       a request is malformed; nothing is to be written
     * @throws ConfigException the current master.cf does not parse
     */
    static List<String> apply(List<String> lines, Action action, List<String> requests, Consumer<String> warnings)
            throws Refused, ConfigException {
        List<Request> checked = new ArrayList<>();
        for (String r : requests) {
            checked.add(check(action, r));
        }
        List<String> prefix = new ArrayList<>();
        List<Block> blocks = blocks(lines, prefix);
        Map<String, Block> byKey = new LinkedHashMap<>();
        for (Block b : blocks) {
            byKey.putIfAbsent(b.service.key(), b);
        }
        List<MasterService> appended = new ArrayList<>();
        for (Request r : checked) {
            Block b = byKey.get(r.key());
            if (b == null || b.removed) {
                if (action == Action.SET_ENTRY) {
                    appended.add(r.entry());
                } else if (action == Action.SET_FIELD || action == Action.SET_PARAMETER) {
                    warnings.accept("unmatched service_name/type: \"" + r.text() + "\"");
                }
                continue;
            }
            switch (action) {
                case SET_ENTRY -> rewrite(b, r.entry());
                case SET_FIELD -> rewrite(b, withField(b.service, r.name(), r.value(), r.text()));
                case SET_PARAMETER -> rewrite(b, withParameter(b.service, r.name(), r.value()));
                case REMOVE_PARAMETER -> rewrite(b, withParameter(b.service, r.name(), null));
                case REMOVE_ENTRY -> b.removed = true;
                case COMMENT_ENTRY -> b.commented = true;
                default -> throw new IllegalStateException(action.toString());
            }
        }
        List<String> out = new ArrayList<>(prefix);
        for (Block b : blocks) {
            write(b, out);
        }
        for (MasterService s : appended) {
            out.addAll(PostconfFormat.masterEntry(s, true).lines().toList());
        }
        return out;
    }

    private static void rewrite(Block b, MasterService s) {
        b.service = s;
        b.rewritten = true;
    }

    private static void write(Block b, List<String> out) {
        for (int i = 0; i < b.lines.size(); i++) {
            boolean ofEntry = b.entryLine.get(i);
            if (!ofEntry || !(b.rewritten || b.removed)) {
                out.add(b.commented && ofEntry ? "#" + b.lines.get(i) : b.lines.get(i));
            }
        }
        if (b.rewritten && !b.removed) {
            String text = PostconfFormat.masterEntry(b.service, true);
            out.addAll(b.commented ? text.lines().map(l -> "#" + l).toList() : text.lines().toList());
        }
    }

    /** Splits the file into the lines before the first entry and one block per entry. */
    private static List<Block> blocks(List<String> lines, List<String> prefix) throws ConfigException {
        List<Block> blocks = new ArrayList<>();
        Block current = null;
        StringBuilder logical = null;
        int start = 0;
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            String trimmed = line.strip();
            boolean comment = trimmed.isEmpty() || trimmed.startsWith("#");
            boolean continuation = !comment && (Character.isWhitespace(line.charAt(0)) || line.charAt(0) == '}');
            if (comment || continuation) {
                if (current == null) {
                    prefix.add(line);
                } else {
                    current.add(line, continuation);
                    if (continuation) {
                        logical.append(' ').append(trimmed);
                    }
                }
                continue;
            }
            if (current != null) {
                current.service = MasterCf.entry(null, start, logical.toString());
            }
            current = new Block();
            blocks.add(current);
            current.add(line, true);
            logical = new StringBuilder(line);
            start = i + 1;
        }
        if (current != null) {
            current.service = MasterCf.entry(null, start, logical.toString());
        }
        return blocks;
    }

    private static Request check(Action action, String text) throws Refused {
        String name = text;
        String value = null;
        if (action == Action.SET_ENTRY || action == Action.SET_FIELD || action == Action.SET_PARAMETER) {
            String[] nv;
            try {
                nv = MainCf.splitNameValue(text);
            } catch (IllegalArgumentException e) {
                throw new Refused(e.getMessage());
            }
            name = nv[0];
            value = nv[1];
        }
        String[] parts = name.split("/", -1);
        boolean entryRequest = action == Action.SET_ENTRY || action == Action.REMOVE_ENTRY
                || action == Action.COMMENT_ENTRY;
        if (entryRequest && (parts.length != 2 || parts[0].isEmpty() || parts[1].isEmpty())) {
            throw new Refused("-Me, -MX or -M# requires service_name/type");
        }
        if ((action == Action.SET_PARAMETER || action == Action.REMOVE_PARAMETER)
                && (parts.length != 3 || parts[0].isEmpty() || parts[1].isEmpty() || parts[2].isEmpty())) {
            throw new Refused("-Pe or -PX requires service_name/type/parameter");
        }
        if (action == Action.SET_FIELD
                && (parts.length != 3 || parts[0].isEmpty() || parts[1].isEmpty() || parts[2].isEmpty())) {
            throw new Refused("-Fe requires service_name/type/field_name");
        }
        if (action == Action.SET_FIELD && !MasterService.FIELD_NAMES.contains(parts[2])) {
            throw new Refused("invalid service attribute name: \"" + parts[2] + "\"");
        }
        if (action == Action.SET_PARAMETER && value.chars().anyMatch(Character::isWhitespace)) {
            throw new Refused("-Pe does not accept whitespace in parameter value");
        }
        MasterService entry = null;
        if (action == Action.SET_ENTRY) {
            try {
                entry = MasterCf.entry(null, 0, value);
            } catch (ConfigException e) {
                throw new Refused(e.getMessage() + ": \"" + text + "\"");
            }
        }
        return new Request(text, parts[0], parts[1], parts.length == 3 ? parts[2] : null, value, entry);
    }

    /** The entry with one field replaced ("command" replaces the command and its arguments). */
    private static MasterService withField(MasterService s, String field, String value, String request)
            throws Refused {
        List<String> fields = new ArrayList<>(s.fields().subList(0, 7));
        String command = s.commandLine();
        int index = MasterService.FIELD_NAMES.indexOf(field);
        if (index == 7) {
            command = value;
        } else {
            fields.set(index, value);
        }
        try {
            return MasterCf.entry(null, 0, String.join(" ", fields) + " " + command);
        } catch (ConfigException e) {
            String reason = e.getMessage();
            throw new Refused(reason.equals("bad field count") ? reason + ": \"" + request + "\""
                    : reason + " in \"" + value + "\"");
        }
    }

    /** The entry with "-o name=value" set in place or appended, or removed when {@code value} is null. */
    private static MasterService withParameter(MasterService s, String name, String value) {
        List<String> args = new ArrayList<>();
        boolean done = false;
        List<String> old = s.arguments();
        for (int i = 0; i < old.size(); i++) {
            String a = old.get(i);
            if (a.equals("-o") && i + 1 < old.size()) {
                String pair = old.get(++i);
                String bare = PostfixLists.stripBraces(pair);
                int eq = bare.indexOf('=');
                if (bare.substring(0, eq < 0 ? bare.length() : eq).strip().equals(name)) {
                    if (value != null && !done) {
                        args.add("-o");
                        args.add(name + "=" + value);
                    }
                    done = true;
                    continue;
                }
                args.add("-o");
                args.add(pair);
                continue;
            }
            args.add(a);
        }
        if (value != null && !done) {
            args.add("-o");
            args.add(name + "=" + value);
        }
        List<String> fields = new ArrayList<>(s.fields().subList(0, 7));
        fields.add(s.command());
        fields.addAll(args);
        try {
            return MasterCf.entry(null, 0, String.join(" ", fields));
        } catch (ConfigException e) {
            throw new IllegalStateException("re-parsing an edited entry: " + e.getMessage(), e);
        }
    }
}
