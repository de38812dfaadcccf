// SPDX-License-Identifier: Apache-2.0
package org.postern.maps.cidr;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;

import org.postern.api.dict.Dict;
import org.postern.api.dict.DictFlag;
import org.postern.api.dict.LookupResult;
import org.postern.api.support.IpAddresses;
import org.postern.api.support.NetBlock;
import org.postern.api.support.LogText;
import org.postern.api.support.TableLines;

/**
 * SUMMARY   An open cidr: table: an ordered list of netblock rules, first match wins.
 * DESCRIPTION
 *   Rules are "network/prefix result", "network result" (all bits), "!network/prefix result"
 *   (matches addresses outside the block), and "if [!]network/prefix" ... "endif" blocks that
 *   nest. Brackets around the network are allowed. A rule only matches a key of its own
 *   family: "::ffff:192.0.2.1" is an IPv6 key and matches IPv6 rules such as ::ffff:0:0/96,
 *   never 192.0.2.0/24 (Postfix 3.7 does the same). Keys that are not an address are not found.
 * SECURITY  Keys are client addresses from the network; they are parsed strictly, never resolved.
 * BUGS      Bad rules are skipped with a warning, as Postfix does, so a typo widens or narrows
 *           a policy silently apart from that one log line.
 */
final class CidrDict implements Dict {
    /** An address block and whether the rule matches inside (true) or outside (false) it. */
    record Net(NetBlock block, boolean inside) {
        boolean matches(byte[] address) {
            return address.length == block.network().length && block.contains(address) == inside;
        }
    }

    sealed interface Node permits Rule, Block {
    }

    record Rule(Net net, String value) implements Node {
    }

    record Block(Net net, List<Node> body) implements Node {
    }

    private final String name;
    private final Set<DictFlag> flags;
    private final List<Node> rules;

    private CidrDict(String name, Set<DictFlag> flags, List<Node> rules) {
        this.name = name;
        EnumSet<DictFlag> f = EnumSet.noneOf(DictFlag.class);
        f.addAll(flags);
        f.remove(DictFlag.FIXED);
        f.add(DictFlag.PATTERN);
        f.add(DictFlag.READ_ONLY);
        this.flags = Set.copyOf(f);
        this.rules = rules;
    }

    /**
     * Builds the table from logical lines. Bad lines are reported to {@code warnings} in Postfix's
     * words ("cidr map FILE, line N: ...: skipping this rule") and skipped; the rest still loads.
     */
    static CidrDict parse(String name, String source, List<TableLines.Line> lines, Set<DictFlag> flags,
            Consumer<String> warnings) {
        record Open(Net net, List<Node> body, int line) {
        }
        Deque<Open> open = new ArrayDeque<>();
        List<Node> top = new ArrayList<>();
        for (TableLines.Line line : lines) {
            List<Node> into = open.isEmpty() ? top : open.peek().body();
            String text = line.text();
            int ws = firstWhitespace(text);
            String keyword = text.substring(0, ws);
            String rest = text.substring(ws).strip();
            try {
                if (keyword.equalsIgnoreCase("if")) {
                    open.push(new Open(parseNet(rest), new ArrayList<>(), line.number()));
                } else if (keyword.equalsIgnoreCase("endif")) {
                    if (!rest.isEmpty()) {
                        throw new BadRule("garbage after ENDIF");
                    }
                    if (open.isEmpty()) {
                        throw new BadRule("ENDIF without IF");
                    }
                    Open block = open.pop();
                    (open.isEmpty() ? top : open.peek().body()).add(new Block(block.net(), List.copyOf(block.body())));
                } else {
                    into.add(parseRule(text));
                }
            } catch (BadRule e) {
                warnings.accept("cidr map " + source + ", line " + line.number() + ": " + e.getMessage() + ": skipping this rule");
            }
        }
        // An IF without ENDIF runs to the end of the table (innermost reported first, as Postfix does).
        while (!open.isEmpty()) {
            Open block = open.pop();
            warnings.accept("cidr map " + source + ", line " + block.line() + ": IF has no matching ENDIF");
            (open.isEmpty() ? top : open.peek().body()).add(new Block(block.net(), List.copyOf(block.body())));
        }
        return new CidrDict(name, flags, List.copyOf(top));
    }

    private static Rule parseRule(String text) throws BadRule {
        int i = 0;
        boolean inside = true;
        while (i < text.length() && text.charAt(i) == '!') {
            inside = !inside;
            i++;
            while (i < text.length() && Character.isWhitespace(text.charAt(i))) {
                i++;
            }
        }
        String afterBang = text.substring(i);
        int ws = firstWhitespace(afterBang);
        String pattern = afterBang.substring(0, ws);
        String value = afterBang.substring(ws).strip();
        if (pattern.isEmpty()) {
            throw new BadRule("no address pattern");
        }
        if (value.isEmpty()) {
            throw new BadRule("no lookup result");
        }
        return new Rule(parseNetwork(pattern, inside), value);
    }

    /** cidr_match_parse(): "[!...]network[/prefix]", brackets optional. */
    static Net parseNet(String text) throws BadRule {
        int i = 0;
        boolean inside = true;
        while (i < text.length() && text.charAt(i) == '!') {
            inside = !inside;
            i++;
            while (i < text.length() && Character.isWhitespace(text.charAt(i))) {
                i++;
            }
        }
        String pattern = text.substring(i);
        if (pattern.isEmpty()) {
            throw new BadRule("no address pattern");
        }
        return parseNetwork(pattern, inside);
    }

    private static Net parseNetwork(String pattern, boolean inside) throws BadRule {
        String network;
        String mask = null;
        if (pattern.startsWith("[")) {
            int close = pattern.indexOf(']');
            if (close < 0) {
                throw new BadRule("missing ']' character after \"" + LogText.printable(pattern) + "\"");
            }
            network = pattern.substring(1, close);
            String after = pattern.substring(close + 1);
            if (after.startsWith("/")) {
                mask = after.substring(1);
            } else if (!after.isEmpty()) {
                throw new BadRule("garbage after \"" + LogText.printable(pattern.substring(0, close + 1)) + "\"");
            } else if (network.indexOf('/') >= 0) {         // "[addr/len]"
                mask = network.substring(network.indexOf('/') + 1);
                network = network.substring(0, network.indexOf('/'));
            }
        } else {
            int slash = pattern.indexOf('/');
            network = slash < 0 ? pattern : pattern.substring(0, slash);
            mask = slash < 0 ? null : pattern.substring(slash + 1);
        }
        String shown = LogText.printable(pattern);
        byte[] address = IpAddresses.parse(network);
        if (mask == null) {
            if (address == null) {
                throw new BadRule("bad address pattern: \"" + shown + "\"");
            }
            return new Net(new NetBlock(address, address.length * 8), inside);
        }
        if (mask.isEmpty() || !mask.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw new BadRule("bad mask value in \"" + shown + "\"");
        }
        if (address == null) {
            throw new BadRule("bad network value in \"" + shown + "\"");
        }
        String digits = mask.replaceFirst("^0+(?=.)", "");
        int bits = address.length * 8;
        if (digits.length() > 3 || Integer.parseInt(digits) > bits) {
            throw new BadRule("bad mask length in \"" + shown + "\"");
        }
        int prefix = Integer.parseInt(digits);
        byte[] masked = NetBlock.masked(address, prefix);
        if (!Arrays.equals(masked, address)) {
            throw new BadRule("non-null host address bits in \"" + shown + "\", perhaps you should use \""
                    + IpAddresses.format(masked) + "/" + prefix + "\" instead");
        }
        return new Net(new NetBlock(address, prefix), inside);
    }

    private static int firstWhitespace(String text) {
        int i = 0;
        while (i < text.length() && !Character.isWhitespace(text.charAt(i))) {
            i++;
        }
        return i;
    }

    @Override
    public String type() {
        return "cidr";
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public Set<DictFlag> flags() {
        return flags;
    }

    @Override
    public LookupResult lookup(String key) {
        byte[] address = IpAddresses.parse(key);
        if (address == null) {
            return LookupResult.notFound();
        }
        String value = search(rules, address);
        return value == null ? LookupResult.notFound() : LookupResult.found(value);
    }

    private static String search(List<Node> nodes, byte[] address) {
        for (Node node : nodes) {
            if (node instanceof Rule rule) {
                if (rule.net().matches(address)) {
                    return rule.value();
                }
            } else if (node instanceof Block block && block.net().matches(address)) {
                String value = search(block.body(), address);
                if (value != null) {
                    return value;
                }
            }
        }
        return null;
    }

    /** A rule that cannot be used; the message is Postfix's wording. */
    static final class BadRule extends Exception {
        private static final long serialVersionUID = 1L;

        BadRule(String message) {
            super(message);
        }
    }
}
