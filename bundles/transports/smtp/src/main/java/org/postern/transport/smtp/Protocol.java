// SPDX-License-Identifier: Apache-2.0
package org.postern.transport.smtp;

import java.util.Locale;

/** SMTP (RFC 5321) or LMTP (RFC 2033): the parameter prefix, the greeting command, the default port. */
enum Protocol {
    SMTP("EHLO", 25),
    LMTP("LHLO", 24);

    private final String hello;
    private final int defaultPort;

    Protocol(String hello, int defaultPort) {
        this.hello = hello;
        this.defaultPort = defaultPort;
    }

    /** "smtp" or "lmtp": the agent name and the prefix of its parameters. */
    String agentName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** {@code smtp_} + name: Postfix's per-protocol parameter names. */
    String parameter(String name) {
        return agentName() + "_" + name;
    }

    /** EHLO or LHLO. */
    String hello() {
        return hello;
    }

    int defaultPort() {
        return defaultPort;
    }

    /** LMTP returns one reply per accepted recipient after the message content. */
    boolean repliesPerRecipient() {
        return this == LMTP;
    }

    /** Postfix's LMTP client does no MX lookups; the SMTP client does for a bare domain. */
    boolean usesMx() {
        return this == SMTP;
    }
}
