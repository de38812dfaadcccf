// SPDX-License-Identifier: Apache-2.0
package org.postern.core.smtpd.policy;

/**
 * What a check_policy_service query came to: the server's action, or no usable answer (every
 * try failed: no connection, a timeout, or a malformed reply), when the endpoint's
 * default_action applies. The action is not interpreted here: whether it is an access(5)
 * action is the restrictions' business.
 */
public sealed interface PolicyReply permits PolicyReply.Action, PolicyReply.NoAnswer {

    /** The value of the reply's "action" attribute: not empty, valid UTF-8. */
    record Action(String text) implements PolicyReply {
    }

    /** No try gave a well-formed reply; the reasons have been logged. */
    record NoAnswer() implements PolicyReply {
    }
}
