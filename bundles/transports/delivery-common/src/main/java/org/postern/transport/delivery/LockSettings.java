// SPDX-License-Identifier: Apache-2.0
package org.postern.transport.delivery;

import java.time.Duration;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

import org.postern.api.delivery.ServiceSettings;
import org.postern.api.parameter.Parameter;

/**
 * How mailbox files are locked: mailbox_delivery_lock (local) or virtual_mailbox_lock
 * (virtual), with deliver_lock_attempts, deliver_lock_delay and stale_lock_time
 * ({@link MailboxParameters}).
 * "flock" is accepted and means the same kernel lock as "fcntl" (Java has only one kind,
 * which is fcntl on Linux); unknown words are ignored.
 */
public record LockSettings(Set<Method> methods, int attempts, Duration delay, Duration staleAfter) {

    /** Lock methods (postconf -l). */
    public enum Method { FCNTL, DOTLOCK }

    public LockSettings {
        methods = methods.isEmpty() ? EnumSet.noneOf(Method.class) : EnumSet.copyOf(methods);
        attempts = Math.max(1, attempts);
    }

    /** Reads the lock parameters; {@code methodParameter} declares the list of methods. */
    public static LockSettings from(ServiceSettings settings, Parameter methodParameter) {
        Set<Method> methods = EnumSet.noneOf(Method.class);
        for (String word : settings.list(methodParameter)) {
            switch (word.toLowerCase(Locale.ROOT)) {
                case "fcntl", "flock" -> methods.add(Method.FCNTL);
                case "dotlock" -> methods.add(Method.DOTLOCK);
                default -> { }
            }
        }
        return new LockSettings(methods, settings.integer(MailboxParameters.DELIVER_LOCK_ATTEMPTS),
                settings.time(MailboxParameters.DELIVER_LOCK_DELAY), settings.time(MailboxParameters.STALE_LOCK_TIME));
    }
}
