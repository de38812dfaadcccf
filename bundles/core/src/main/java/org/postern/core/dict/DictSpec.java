// SPDX-License-Identifier: Apache-2.0
package org.postern.core.dict;

/**
 * A table as main.cf names it: {@code type:name}. The type is everything before the first
 * colon, so {@code proxy:ldap:/etc/x.cf} is type {@code proxy} with name {@code ldap:/etc/x.cf}
 * and {@code inline:{a=b}} is type {@code inline}.
 */
public record DictSpec(String type, String name) {

    /** @throws IllegalArgumentException when there is no {@code type:} prefix */
    public static DictSpec parse(String spec) {
        String s = spec.strip();
        int colon = s.indexOf(':');
        if (colon <= 0) {
            throw new IllegalArgumentException("table \"" + spec + "\": need \"type:name\"");
        }
        String type = s.substring(0, colon);
        for (int i = 0; i < type.length(); i++) {
            char c = type.charAt(i);
            if (!(Character.isLetterOrDigit(c) || c == '_' || c == '-' || c == '.')) {
                throw new IllegalArgumentException("table \"" + spec + "\": bad table type \"" + type + "\"");
            }
        }
        return new DictSpec(type.toLowerCase(java.util.Locale.ROOT), s.substring(colon + 1));
    }

    @Override
    public String toString() {
        return type + ":" + name;
    }
}
