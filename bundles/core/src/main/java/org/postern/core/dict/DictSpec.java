// SPDX-License-Identifier: Apache-2.0
package org.postern.core.dict;

/**
 * A table as main.cf names it: {@code type:name}. The type is everything before the first
 * colon, so {@code proxy:ldap:/etc/x.cf} is type {@code proxy} with name {@code ldap:/etc/x.cf}
 * and {@code inline:{a=b}} is type {@code inline}.
 */
public record DictSpec(String type, String name) {

    /**
     * Also accepts options glued to the type, {@code cache{ttl=30s}:ldap:/x.cf} and
     * {@code filtermap{2}:mysql:/y.cf}: the same as {@code cache:{ttl=30s}:ldap:/x.cf}.
     *
     * @throws IllegalArgumentException when there is no {@code type:} prefix
     */
    public static DictSpec parse(String spec) {
        String s = spec.strip();
        int brace = s.indexOf('{');
        int colon = s.indexOf(':');
        if (brace > 0 && (colon < 0 || brace < colon)) {
            return new DictSpec(checkedType(spec, s.substring(0, brace)), s.substring(brace));
        }
        if (colon <= 0) {
            throw new IllegalArgumentException("table \"" + spec + "\": need \"type:name\"");
        }
        return new DictSpec(checkedType(spec, s.substring(0, colon)), s.substring(colon + 1));
    }

    private static String checkedType(String spec, String type) {
        for (int i = 0; i < type.length(); i++) {
            char c = type.charAt(i);
            if (!(Character.isLetterOrDigit(c) || c == '_' || c == '-' || c == '.')) {
                throw new IllegalArgumentException("table \"" + spec + "\": bad table type \"" + type + "\"");
            }
        }
        return type.toLowerCase(java.util.Locale.ROOT);
    }

    @Override
    public String toString() {
        return type + ":" + name;
    }
}
