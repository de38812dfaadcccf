// SPDX-License-Identifier: Apache-2.0
package org.postern.core.smtpd.restrict;

import java.util.Optional;

import org.postern.core.rewrite.DeliveryRouter;
import org.postern.core.rewrite.LookupFailure;

/**
 * The restrictions, as the SMTP server asks them. May block (table and DNS lookups): the
 * server calls it off the event loop. Never throws: a failing lookup is a DEFER (4xx).
 */
@FunctionalInterface
public interface SmtpdChecks {

    CheckResult check(SmtpStage stage, SmtpFacts facts);

    /** Whether smtpd_discard_ehlo_keyword_address_maps is set (saves a lookup per connection). */
    default boolean hasEhloDiscardMaps() {
        return false;
    }

    /**
     * smtpd_discard_ehlo_keyword_address_maps: the keyword list for this client address, from the
     * first table that has it; empty when none has it (or a table fails: the global
     * smtpd_discard_ehlo_keywords then applies, with a warning).
     */
    default java.util.Optional<String> ehloDiscardFor(String clientAddress) {
        return java.util.Optional.empty();
    }

    /**
     * smtpd_forbidden_commands: whether {@code command}, a word that is no SMTP command, ends
     * the session ({@link ForbiddenCommands}). May block (a table lookup).
     */
    default boolean forbiddenCommand(String command) {
        return false;
    }

    /**
     * Whether ETRN may flush {@code domain}: it matches fast_flush_domains.
     *
     * @throws LookupFailure when a table in fast_flush_domains does not answer
     */
    default boolean fastFlushDomain(String domain) throws LookupFailure {
        return false;
    }

    /**
     * Where {@code address} goes (transport, nexthop) in mail from {@code sender}, as the milters'
     * {mail_mailer}, {mail_host}, {rcpt_mailer} and {rcpt_host} tell; empty when a table cannot
     * answer. May block.
     */
    default Optional<DeliveryRouter.Channel> route(String address, String sender) {
        return Optional.empty();
    }
}
