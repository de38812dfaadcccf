// SPDX-License-Identifier: Apache-2.0
package org.postern.testing.dns;

import java.util.List;
import java.util.function.UnaryOperator;

/**
 * A zone for {@link SignedDns}: its origin, its records in master-file form (owner names
 * relative or absolute), and how it is served.
 *
 * @param origin        e.g. "signed.test" (no trailing dot)
 * @param records       master-file lines below the SOA and NS records the harness writes
 * @param signed        signed with ldns-signzone, its KSK's DS record added to the trust anchors
 * @param afterSigning  applied to the signed zone's text before it is served: tests use it to
 *                      alter signed data so that its signatures no longer match (bogus)
 */
public record TestZone(String origin, List<String> records, boolean signed, UnaryOperator<String> afterSigning) {

    public TestZone {
        records = List.copyOf(records);
    }

    public static TestZone signed(String origin, String... records) {
        return new TestZone(origin, List.of(records), true, UnaryOperator.identity());
    }

    public static TestZone unsigned(String origin, String... records) {
        return new TestZone(origin, List.of(records), false, UnaryOperator.identity());
    }

    /** Signed, then {@code from} replaced by {@code to} in the signed text: the record's signature is now bogus. */
    public static TestZone bogus(String origin, String from, String to, String... records) {
        return new TestZone(origin, List.of(records), true, text -> {
            if (!text.contains(from)) {
                throw new IllegalArgumentException("the signed zone has no \"" + from + "\" to alter");
            }
            return text.replace(from, to);
        });
    }
}
