// SPDX-License-Identifier: Apache-2.0
package org.postern.transport.delivery;

import java.time.Duration;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

import org.postern.api.delivery.ServiceSettings;

/**
 * How mailbox files are locked: mailbox_delivery_lock (local) or virtual_mailbox_lock
 * (virtual), with deliver_lock_attempts, deliver_lock_delay and stale_lock_time.
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

    /** Reads the lock parameters; {@code methodParameter} names the list of methods. */
    public static LockSettings from(ServiceSettings settings, String methodParameter) {
        Set<Method> methods = EnumSet.noneOf(Method.class);
        String value = settings.get(methodParameter);
        for (String word : value == null ? java.util.List.of("fcntl", "dotlock") : settings.list(methodParameter)) {
            switch (word.toLowerCase(Locale.ROOT)) {
                case "fcntl", "flock" -> methods.add(Method.FCNTL);
                case "dotlock" -> methods.add(Method.DOTLOCK);
                default -> { }
            }
        }
        return new LockSettings(methods, settings.integer("deliver_lock_attempts", 20),
                settings.time("deliver_lock_delay", Duration.ofSeconds(1)),
                settings.time("stale_lock_time", Duration.ofSeconds(500)));
    }
}
