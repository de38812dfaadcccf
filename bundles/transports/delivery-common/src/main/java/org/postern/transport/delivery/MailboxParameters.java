// SPDX-License-Identifier: Apache-2.0
package org.postern.transport.delivery;

import java.util.List;

import org.osgi.service.component.annotations.Component;
import org.postern.api.parameter.Parameter;
import org.postern.api.parameter.ParameterSet;

/**
 * SUMMARY   The main.cf parameters the local and virtual agents share, declared once here.
 * CONFIGURATION PARAMETERS
 *   deliver_lock_attempts (20), deliver_lock_delay (1s; Postern also accepts "ms"),
 *   stale_lock_time (500s), enable_original_recipient (yes).
 */
@Component(service = ParameterSet.class)
public final class MailboxParameters implements ParameterSet {

    public static final Parameter DELIVER_LOCK_ATTEMPTS = Parameter.integer("deliver_lock_attempts", "20", 0);
    public static final Parameter DELIVER_LOCK_DELAY = Parameter.time("deliver_lock_delay", "1s", 's', 0)
            .withSubSecond();
    public static final Parameter STALE_LOCK_TIME = Parameter.time("stale_lock_time", "500s", 's', 1);
    public static final Parameter ENABLE_ORIGINAL_RECIPIENT = Parameter.bool("enable_original_recipient", "yes");

    private static final List<Parameter> ALL = List.of(DELIVER_LOCK_ATTEMPTS, DELIVER_LOCK_DELAY, STALE_LOCK_TIME,
            ENABLE_ORIGINAL_RECIPIENT);

    @Override
    public List<Parameter> parameters() {
        return ALL;
    }
}
