// SPDX-License-Identifier: Apache-2.0
package org.postern.core.config;

import java.util.ArrayList;
import java.util.List;

import org.postern.api.parameter.Parameter;
import org.postern.api.parameter.ParameterSet;
import org.postern.transport.delivery.MailboxParameters;
import org.postern.transport.delivery.privileged.HelperParameters;
import org.postern.transport.local.LocalParameters;
import org.postern.transport.smtp.SmtpParameters;
import org.postern.transport.virtual.VirtualParameters;

/** The parameter table of a distribution with the standard delivery agents installed. */
final class StandardPlugins {

    private StandardPlugins() {
    }

    static ParameterTable table() {
        List<Parameter> all = new ArrayList<>();
        for (ParameterSet set : List.of(new SmtpParameters(), new LocalParameters(), new VirtualParameters(),
                new MailboxParameters(), new HelperParameters())) {
            all.addAll(set.parameters());
        }
        return ParameterTable.standard().with(all, conflict -> {
            throw new IllegalStateException(conflict);
        });
    }
}
