// SPDX-License-Identifier: Apache-2.0
package org.postern.transport.delivery;

/** What {@link MessageCopier} adds around the message (Postfix mail_copy flags). */
public enum CopyFlag {
    /** The mbox separator "From sender  Thu Jan  1 00:00:00 2026". */
    FROM_LINE,
    /** "Return-Path: &lt;sender&gt;". */
    RETURN_PATH,
    /** "X-Original-To: address", when the original recipient is known. */
    ORIGINAL_RECIPIENT,
    /** "Delivered-To: recipient" (lower case), for the loop check of later deliveries. */
    DELIVERED_TO,
    /** "." before lines that start with "." (pipe(8) flag "."). */
    DOT_STUFF,
    /** "&gt;From " for body and header lines that start with "From ". */
    QUOTE_FROM,
    /** An empty line after the message, which mbox readers need before the next "From ". */
    BLANK_LINE;
}
