// SPDX-License-Identifier: Apache-2.0
package org.postern.core.smtpd.restrict;

/**
 * access(5) actions that change what happens to the message rather than answer the client.
 * They are collected during the transaction and applied by cleanup and the queue.
 */
public sealed interface MessageAction {

    /** HOLD: put the message on the hold queue. */
    record Hold(String reason) implements MessageAction {
    }

    /** DISCARD: claim success and drop the message. */
    record Discard(String reason) implements MessageAction {
    }

    /** FILTER transport:destination: deliver through this content filter. */
    record Filter(String nexthop) implements MessageAction {
    }

    /** REDIRECT user@domain: send to this address instead of all recipients. */
    record Redirect(String address) implements MessageAction {
    }

    /** PREPEND headername: headervalue. */
    record Prepend(String headerLine) implements MessageAction {
    }

    /** BCC user@domain: add a blind-copy recipient. */
    record Bcc(String address) implements MessageAction {
    }
}
