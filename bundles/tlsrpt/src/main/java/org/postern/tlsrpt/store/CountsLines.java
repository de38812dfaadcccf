// SPDX-License-Identifier: Apache-2.0
package org.postern.tlsrpt.store;

import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.postern.tlsrpt.counts.DayCounts;
import org.postern.tlsrpt.counts.FailureKey;
import org.postern.tlsrpt.counts.PolicyCounts;
import org.postern.tlsrpt.counts.PolicyKey;
import org.postern.tlsrpt.counts.WireNames;

/**
 * SUMMARY   One policy domain's counts of one day as one JSON line, and back: the file store's
 *           journal format.
 * DESCRIPTION
 *   {"domain":"example.com","policies":[{"type":"sts","strings":[...],"mx":[...],"ok":3,
 *   "failures":[{"result":"certificate-expired","sending-ip":"...",...,"n":2}]}]}
 *   Field spellings follow RFC 8460 where it has them; empty fields are left out.
 */
final class CountsLines {

    private static final ObjectMapper JSON = new ObjectMapper();

    private CountsLines() {
    }

    static String line(String domain, DayCounts counts) {
        ObjectNode root = JSON.createObjectNode().put("domain", domain);
        ArrayNode policies = root.putArray("policies");
        counts.policies().forEach((key, policy) -> {
            ObjectNode p = policies.addObject().put("type", key.type().wireName());
            key.strings().forEach(p.withArray("strings")::add);
            key.mxHosts().forEach(p.withArray("mx")::add);
            p.put("ok", policy.successes());
            ArrayNode failures = p.putArray("failures");
            policy.details().forEach((row, n) -> failureRow(failures.addObject(), row).put("n", n));
        });
        return root.toString();
    }

    private static ObjectNode failureRow(ObjectNode o, FailureKey row) {
        o.put("result", row.resultType().wireName());
        putIfSet(o, "sending-mta-ip", row.sendingMtaIp());
        putIfSet(o, "receiving-mx-hostname", row.receivingMxHostname());
        putIfSet(o, "receiving-mx-helo", row.receivingMxHelo());
        putIfSet(o, "receiving-ip", row.receivingIp());
        putIfSet(o, "additional-information", row.additionalInformation());
        putIfSet(o, "failure-reason-code", row.failureReasonCode());
        return o;
    }

    private static void putIfSet(ObjectNode o, String field, String value) {
        if (!value.isEmpty()) {
            o.put(field, value);
        }
    }

    /** The domain a line is about. */
    static String domain(JsonNode line) {
        return line.path("domain").asText();
    }

    static JsonNode parse(String line) throws JsonProcessingException {
        return JSON.readTree(line);
    }

    /** Adds a parsed line's counts to {@code into}. */
    static void addTo(JsonNode line, DayCounts into) {
        for (JsonNode p : line.path("policies")) {
            PolicyCounts counts = into.policy(new PolicyKey(WireNames.policyType(p.path("type").asText()),
                    texts(p.path("strings")), texts(p.path("mx"))));
            counts.addSuccesses(p.path("ok").asLong());
            for (JsonNode f : p.path("failures")) {
                counts.addFailures(new FailureKey(WireNames.failureType(f.path("result").asText()),
                        f.path("sending-mta-ip").asText(), f.path("receiving-mx-hostname").asText(),
                        f.path("receiving-mx-helo").asText(), f.path("receiving-ip").asText(),
                        f.path("additional-information").asText(), f.path("failure-reason-code").asText()),
                        f.path("n").asLong());
            }
        }
    }

    private static List<String> texts(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }
}
