// SPDX-License-Identifier: Apache-2.0
package org.postern.core.dns;

import org.xbill.DNS.EDNSOption;
import org.xbill.DNS.ExtendedErrorCodeOption;
import org.xbill.DNS.Message;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.dnssec.ValidatingResolver;

/**
 * Whether a SERVFAIL says that DNSSEC validation failed: an RFC 8914 extended DNS error from
 * "DNSSEC Bogus" (6) to "NSEC Missing" (12), as unbound and dnsjava's validator send, or the
 * validation reason dnsjava's ValidatingResolver adds to the additional section.
 */
final class ValidationFailure {

    private ValidationFailure() {
    }

    static boolean reported(Message servfail) {
        OPTRecord opt = servfail.getOPT();
        if (opt != null) {
            for (EDNSOption option : opt.getOptions(EDNSOption.Code.EDNS_EXTENDED_ERROR)) {
                int code = ((ExtendedErrorCodeOption) option).getErrorCode();
                if (code >= ExtendedErrorCodeOption.DNSSEC_BOGUS && code <= ExtendedErrorCodeOption.NSEC_MISSING) {
                    return true;
                }
            }
        }
        for (Record r : servfail.getSection(Section.ADDITIONAL)) {
            if (r.getDClass() == ValidatingResolver.VALIDATION_REASON_QCLASS) {
                return true;
            }
        }
        return false;
    }
}
