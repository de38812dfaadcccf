// SPDX-License-Identifier: Apache-2.0
package org.postern.core.dict.builtin;

import org.postern.api.dict.DictException;
import org.postern.api.support.LogText;

/**
 * The name of a table that wraps another: optional "{options}" then ":" and the wrapped
 * "type:name", e.g. "{ttl=30s}:ldap:/etc/postern/users.cf" or "ldap:/etc/postern/users.cf".
 */
record WrappedSpec(String options, String inner) {

    static WrappedSpec parse(String type, String name, boolean optionsRequired) throws DictException {
        String bad = "bad syntax: \"" + type + ":" + LogText.printable(name) + "\"; need \"" + type
                + (optionsRequired ? ":{options}" : ":[{options}:]") + ":type:name\"";
        String options = "";
        String rest = name;
        if (name.startsWith("{")) {
            int close = closingBrace(name);
            if (close < 0 || close + 1 >= name.length() || name.charAt(close + 1) != ':') {
                throw new DictException(bad, false);
            }
            options = name.substring(1, close).strip();
            rest = name.substring(close + 2);
        } else if (optionsRequired) {
            throw new DictException(bad, false);
        }
        if (rest.indexOf(':') <= 0) {
            throw new DictException(bad, false);
        }
        return new WrappedSpec(options, rest);
    }

    private static int closingBrace(String text) {
        int depth = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '{') {
                depth++;
            } else if (c == '}' && --depth == 0) {
                return i;
            }
        }
        return -1;
    }
}
