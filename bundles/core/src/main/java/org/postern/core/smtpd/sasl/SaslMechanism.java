// SPDX-License-Identifier: Apache-2.0
package org.postern.core.smtpd.sasl;

import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * One mechanism as a Dovecot auth server announces it: {@code MECH TAB PLAIN TAB plaintext}.
 * Unknown flags are ignored, as the protocol asks.
 */
public record SaslMechanism(String name, Set<Flag> flags) {

    /** The MECH line's property words. */
    public enum Flag {
        ANONYMOUS("anonymous"), PLAINTEXT("plaintext"), DICTIONARY("dictionary"), ACTIVE("active"),
        FORWARD_SECRECY("forward-secrecy"), MUTUAL_AUTH("mutual-auth"), PRIVATE("private");

        private final String word;

        Flag(String word) {
            this.word = word;
        }
    }

    public SaslMechanism {
        name = name.toUpperCase(Locale.ROOT);
        flags = flags.isEmpty() ? EnumSet.noneOf(Flag.class) : EnumSet.copyOf(flags);
    }

    /** From the MECH line's fields after "MECH": the name, then flags. */
    static SaslMechanism parse(List<String> fields) {
        EnumSet<Flag> flags = EnumSet.noneOf(Flag.class);
        for (String f : fields.subList(1, fields.size())) {
            for (Flag flag : Flag.values()) {
                if (flag.word.equals(f)) {
                    flags.add(flag);
                }
            }
        }
        return new SaslMechanism(fields.get(0), flags);
    }

    public boolean has(Flag f) {
        return flags.contains(f);
    }
}
