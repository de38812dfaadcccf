// SPDX-License-Identifier: Apache-2.0
package org.postern.core.qmgr;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.osgi.service.component.annotations.Component;
import org.postern.api.delivery.DeliveryAgent;
import org.postern.api.delivery.DeliveryRequest;
import org.postern.api.delivery.DeliveryResult;
import org.postern.api.delivery.Recipient;
import org.postern.api.delivery.RecipientResult;
import org.postern.api.delivery.RecipientResult.Outcome;
import org.postern.api.delivery.TransportAgent;

/**
 * SUMMARY   error(8): fails every recipient with the nexthop's text ("error:5.1.1 User unknown").
 * DESCRIPTION
 *   The nexthop may start with an RFC 3463 status; without one it is 5.0.0. Run as a service
 *   named "retry" (master.cf "retry unix ... error"), or given a 4.x.x status, it defers
 *   instead, as Postfix's error agent does for retry:.
 * SEE ALSO  Postfix error(8).
 */
@Component(service = DeliveryAgent.class)
@TransportAgent("error")
public final class ErrorAgent implements DeliveryAgent {

    private static final Pattern STATUS = Pattern.compile("^([245]\\.\\d{1,3}\\.\\d{1,3})\\s*(.*)$", Pattern.DOTALL);

    @Override
    public DeliveryResult deliver(DeliveryRequest request) {
        boolean retry = "retry".equals(request.service());
        String text = request.nexthop().strip();
        String status = retry ? "4.0.0" : "5.0.0";
        Matcher m = STATUS.matcher(text);
        if (m.matches()) {
            status = m.group(1);
            text = m.group(2);
            if (retry && status.startsWith("5")) {
                status = "4" + status.substring(1);
            }
        }
        if (text.isEmpty()) {
            text = retry ? "delivery temporarily suspended" : "mail for this address is not accepted";
        }
        Outcome outcome = status.startsWith("4") ? Outcome.DEFERRED : Outcome.BOUNCED;
        List<RecipientResult> results = new ArrayList<>();
        for (Recipient r : request.recipients()) {
            results.add(new RecipientResult(r, outcome, status, text, "none"));
        }
        return new DeliveryResult(results);
    }
}
