// SPDX-License-Identifier: Apache-2.0
package org.postern.transport.smtp.sts;

import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * SUMMARY   The "_mta-sts" TXT record of a policy domain (RFC 8461 section 3.1): its policy id.
 * DESCRIPTION
 *   Of the TXT records found, those that do not begin with "v=STSv1;" are discarded; if not
 *   exactly one is left, or that one does not follow the grammar (exactly one "id=" of 1 to 32
 *   letters and digits, extensions "name=value", fields separated by ";" with optional
 *   blanks around it, an optional trailing ";"), the domain has no usable record.
 * SECURITY  DNS text is untrusted; only an id of at most 32 letters and digits comes out.
 *
 * @param id the policy id, compared with the cached policy's
 */
record StsRecord(String id) {

    private static final String PREFIX = "v=STSv1";
    private static final Pattern DELIMITER = Pattern.compile("[ \\t]*;[ \\t]*");
    private static final Pattern ID = Pattern.compile("id=([A-Za-z0-9]{1,32})");
    private static final Pattern EXTENSION = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,31}=[\\x21-\\x3a\\x3c\\x3e-\\x7e]+");

    /** The one valid record among the TXT strings of "_mta-sts.domain", if there is exactly one. */
    static Optional<StsRecord> select(List<String> txtRecords) {
        List<String> candidates = txtRecords.stream().filter(t -> t.startsWith(PREFIX + ";")).toList();
        return candidates.size() == 1 ? parse(candidates.get(0)) : Optional.empty();
    }

    /** One record, strictly by the RFC's grammar. */
    static Optional<StsRecord> parse(String text) {
        if (!text.startsWith(PREFIX)) {
            return Optional.empty();
        }
        String rest = text.substring(PREFIX.length());
        String[] parts = DELIMITER.split(rest, -1);
        // parts[0] is what precedes the first ';' (must be nothing); a trailing ';' leaves one empty part
        if (parts.length < 2 || !parts[0].isEmpty()) {
            return Optional.empty();
        }
        int last = parts[parts.length - 1].isEmpty() ? parts.length - 1 : parts.length;
        String id = null;
        for (int i = 1; i < last; i++) {
            var m = ID.matcher(parts[i]);
            if (m.matches()) {
                if (id != null) {
                    return Optional.empty();
                }
                id = m.group(1);
            } else if (parts[i].startsWith("id=") || !EXTENSION.matcher(parts[i]).matches()) {
                return Optional.empty();
            }
        }
        return id == null ? Optional.empty() : Optional.of(new StsRecord(id));
    }
}
