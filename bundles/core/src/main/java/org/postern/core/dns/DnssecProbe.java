// SPDX-License-Identifier: Apache-2.0
package org.postern.core.dns;

import java.io.IOException;
import java.util.Locale;

import org.postern.api.dns.DnssecStatus;
import org.postern.api.support.LogText;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xbill.DNS.Name;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;

/**
 * SUMMARY   dnssec_probe: one query at start that tells whether DNSSEC-validated answers are
 *           available, so that an administrator learns it before DANE silently degrades.
 * DESCRIPTION
 *   The value is Postfix's "type:name" (default "ns:.", the root's NS records, signed); empty
 *   turns the probe off. A SECURE answer logs that validated answers are available; anything
 *   else logs Postfix's two warnings, "DNSSEC validation may be unavailable" and the reason.
 *   The probe runs on its own daemon thread: a resolver that does not answer never delays
 *   the start.
 * CONFIGURATION PARAMETERS  dnssec_probe (default: ns:.), dns_servers, dnssec_validation.
 */
final class DnssecProbe {

    static final String DEFAULT = "ns:.";

    private static final Logger LOG = LoggerFactory.getLogger(DnssecProbe.class);

    /** The probe's outcome: whether validated answers are available, and the text logged. */
    record Outcome(boolean validated, String reason) {
    }

    private DnssecProbe() {
    }

    static void inBackground(DnsjavaResolver resolver, String probe) {
        if (probe.isBlank()) {
            return;
        }
        Thread thread = new Thread(() -> log(run(resolver, probe)), "postern-dnssec-probe");
        thread.setDaemon(true);
        thread.start();
    }

    /** Sends the probe and says what it found; never throws. */
    static Outcome run(DnsjavaResolver resolver, String probe) {
        String spec = probe.strip();
        int colon = spec.indexOf(':');
        int type = colon > 0 ? Type.value(spec.substring(0, colon).toUpperCase(Locale.ROOT)) : -1;
        if (type < 0) {
            return new Outcome(false, "malformed dnssec_probe value: " + LogText.printable(spec));
        }
        String target = spec.substring(colon + 1);
        try {
            Name name = Name.fromString(target.endsWith(".") ? target : target + ".");
            DnssecStatus status = resolver.probe(name, type);
            return status == DnssecStatus.SECURE
                    ? new Outcome(true, "dnssec_probe '" + spec + "' received a DNSSEC-validated response")
                    : new Outcome(false, "dnssec_probe '" + spec + "' received a response that is not DNSSEC validated"
                            + (status == DnssecStatus.BOGUS ? " (bogus)" : ""));
        } catch (TextParseException e) {
            return new Outcome(false, "malformed dnssec_probe value: " + LogText.printable(spec));
        } catch (IOException | NameServers.Unusable e) {
            return new Outcome(false, "dnssec_probe '" + spec + "' received no response: " + e.getMessage());
        }
    }

    private static void log(Outcome outcome) {
        if (outcome.validated()) {
            LOG.info("DNSSEC validation is available: {}", outcome.reason());
        } else {
            LOG.warn("warning: DNSSEC validation may be unavailable");
            LOG.warn("warning: reason: {}", outcome.reason());
        }
    }
}
