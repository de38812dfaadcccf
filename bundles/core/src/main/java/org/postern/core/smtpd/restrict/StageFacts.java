// SPDX-License-Identifier: Apache-2.0
package org.postern.core.smtpd.restrict;

/**
 * The {@link SmtpFacts} of one check as the restrictions read them (Postfix's SMTPD_STATE
 * fields): names defaulted to "unknown", the client address canonical, the ETRN argument
 * apart from the recipient, and no recipient at DATA and end-of-data once there are several.
 *
 * @param clientAddress the canonical client address; null without a client
 * @param namaddr       "name[address]"
 * @param where         the command as info: lines name it ("RCPT", "END-OF-MESSAGE", ...)
 * @param heloName      null before HELO/EHLO
 * @param sender        null before MAIL, "" for the null sender
 * @param recipient     the RCPT address; at DATA and end-of-data the only recipient; else null
 * @param etrnName      the ETRN argument; null outside ETRN
 */
record StageFacts(SmtpStage stage, SmtpFacts facts, String clientAddress, String clientName, String reverseName,
                  String namaddr, String where, String heloName, String sender, String recipient, String etrnName) {

    static StageFacts of(SmtpStage stage, SmtpFacts facts) {
        String clientAddress = RestrictionChecks.canonicalClient(facts.clientAddress());
        String clientName = orUnknown(facts.clientName());
        String recipient = switch (stage) {
            case ETRN -> null;
            case DATA, END_OF_DATA -> facts.recipientCount() > 1 ? null : facts.recipient();
            default -> facts.recipient();
        };
        String where = switch (stage) {
            case CONNECT -> "CONNECT";
            case HELO -> "EHLO";
            case MAIL -> "MAIL";
            case RCPT -> "RCPT";
            case DATA -> "DATA";
            case END_OF_DATA -> Replies.EOD_NAME;
            case ETRN -> "ETRN";
        };
        return new StageFacts(stage, facts, clientAddress, clientName, orUnknown(facts.reverseClientName()),
                clientName + "[" + (clientAddress == null ? "" : clientAddress) + "]", where, facts.heloName(),
                facts.sender(), recipient, stage == SmtpStage.ETRN ? facts.recipient() : null);
    }

    private static String orUnknown(String name) {
        return name == null || name.isEmpty() ? "unknown" : name;
    }

    static boolean nonEmpty(String s) {
        return s != null && !s.isEmpty();
    }
}
