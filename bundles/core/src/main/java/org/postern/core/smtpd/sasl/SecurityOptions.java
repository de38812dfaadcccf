// SPDX-License-Identifier: Apache-2.0
package org.postern.core.smtpd.sasl;

import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * SUMMARY   smtpd_sasl_security_options / smtpd_sasl_tls_security_options: which mechanisms may
 *           be offered.
 * DESCRIPTION
 *   Postfix's words for the Dovecot backend: noanonymous, noplaintext, noactive, nodictionary
 *   remove mechanisms with that property; forward_secrecy and mutual_auth keep only mechanisms
 *   that have it. Private mechanisms are never offered.
 * SECURITY  Input is the administrator's configuration; an unknown word is a configuration error.
 */
public record SecurityOptions(Set<Option> options) {

    /** One option word; the Dovecot MECH flag it looks at is {@link SaslMechanism.Flag}. */
    public enum Option {
        NOANONYMOUS("noanonymous"), NOPLAINTEXT("noplaintext"), NOACTIVE("noactive"),
        NODICTIONARY("nodictionary"), FORWARD_SECRECY("forward_secrecy"), MUTUAL_AUTH("mutual_auth");

        private final String word;

        Option(String word) {
            this.word = word;
        }
    }

    public SecurityOptions {
        options = options.isEmpty() ? EnumSet.noneOf(Option.class) : EnumSet.copyOf(options);
    }

    /** Parses the words of the parameter {@code name}; throws IllegalArgumentException naming it. */
    public static SecurityOptions parse(String name, List<String> words) {
        EnumSet<Option> set = EnumSet.noneOf(Option.class);
        for (String w : words) {
            String lower = w.toLowerCase(Locale.ROOT);
            Option match = null;
            for (Option o : Option.values()) {
                if (o.word.equals(lower)) {
                    match = o;
                }
            }
            if (match == null) {
                throw new IllegalArgumentException(name + ": unknown SASL security option: " + w);
            }
            set.add(match);
        }
        return new SecurityOptions(set);
    }

    public boolean has(Option o) {
        return options.contains(o);
    }

    /** May this mechanism be offered? */
    public boolean permits(SaslMechanism m) {
        if (m.has(SaslMechanism.Flag.PRIVATE)) {
            return false;
        }
        return !(has(Option.NOANONYMOUS) && m.has(SaslMechanism.Flag.ANONYMOUS)
                || has(Option.NOPLAINTEXT) && m.has(SaslMechanism.Flag.PLAINTEXT)
                || has(Option.NOACTIVE) && m.has(SaslMechanism.Flag.ACTIVE)
                || has(Option.NODICTIONARY) && m.has(SaslMechanism.Flag.DICTIONARY)
                || has(Option.FORWARD_SECRECY) && !m.has(SaslMechanism.Flag.FORWARD_SECRECY)
                || has(Option.MUTUAL_AUTH) && !m.has(SaslMechanism.Flag.MUTUAL_AUTH));
    }
}
