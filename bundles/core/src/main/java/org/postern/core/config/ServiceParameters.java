// SPDX-License-Identifier: Apache-2.0
package org.postern.core.config;

import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * SUMMARY   The per-transport parameters a master.cf delivery service brings with it
 *           ("relay_destination_rate_delay"), with their defaults, as postconf lists them.
 * DESCRIPTION
 *   Each master.cf service whose command is a delivery agent (error, lmtp, local, pipe, smtp,
 *   virtual) has the scheduler parameters {@code <service>_destination_concurrency_limit} and
 *   its fifteen siblings, each defaulting to the matching global parameter; a pipe service
 *   also has {@code <service>_time_limit} (default $command_time_limit).
 */
final class ServiceParameters {

    private static final Set<String> AGENTS = Set.of("error", "lmtp", "local", "pipe", "smtp", "virtual");
    private static final String TIME_LIMIT = "_time_limit";

    /** Suffix and default, for every delivery service. */
    private static final Map<String, String> SCHEDULER = Map.ofEntries(
            Map.entry("_delivery_slot_cost", "$default_delivery_slot_cost"),
            Map.entry("_delivery_slot_discount", "$default_delivery_slot_discount"),
            Map.entry("_delivery_slot_loan", "$default_delivery_slot_loan"),
            Map.entry("_destination_concurrency_failed_cohort_limit",
                    "$default_destination_concurrency_failed_cohort_limit"),
            Map.entry("_destination_concurrency_limit", "$default_destination_concurrency_limit"),
            Map.entry("_destination_concurrency_negative_feedback",
                    "$default_destination_concurrency_negative_feedback"),
            Map.entry("_destination_concurrency_positive_feedback",
                    "$default_destination_concurrency_positive_feedback"),
            Map.entry("_destination_rate_delay", "$default_destination_rate_delay"),
            Map.entry("_destination_recipient_limit", "$default_destination_recipient_limit"),
            Map.entry("_extra_recipient_limit", "$default_extra_recipient_limit"),
            Map.entry("_initial_destination_concurrency", "$initial_destination_concurrency"),
            Map.entry("_minimum_delivery_slots", "$default_minimum_delivery_slots"),
            Map.entry("_recipient_limit", "$default_recipient_limit"),
            Map.entry("_recipient_refill_delay", "$default_recipient_refill_delay"),
            Map.entry("_recipient_refill_limit", "$default_recipient_refill_limit"),
            Map.entry("_transport_rate_delay", "$default_transport_rate_delay"));

    private ServiceParameters() {
    }

    /** Name to default, sorted by name; empty without a master.cf. */
    static Map<String, String> of(MasterCf master) {
        Map<String, String> out = new TreeMap<>();
        if (master == null) {
            return out;
        }
        for (MasterService s : master.services()) {
            if (!AGENTS.contains(s.command())) {
                continue;
            }
            SCHEDULER.forEach((suffix, def) -> out.put(s.service() + suffix, def));
            if (s.command().equals("pipe")) {
                out.put(s.service() + TIME_LIMIT, "$command_time_limit");
            }
        }
        return out;
    }

    /** Every per-transport suffix, "_time_limit" included. */
    static Set<String> suffixes() {
        Set<String> all = new java.util.TreeSet<>(SCHEDULER.keySet());
        all.add(TIME_LIMIT);
        return all;
    }
}
