// SPDX-License-Identifier: Apache-2.0
package org.postern.transport.pipe;

import java.util.EnumSet;
import java.util.Set;

import org.postern.transport.pipe.PipeAttributes.InvalidAttributesException;

/** The letters of pipe(8)'s {@code flags=} attribute, plus M (one invocation for all recipients). */
enum PipeFlag {
    /** B: append a blank line at the end of the message. */
    BLANK_LINE('B'),
    /** D: prepend Delivered-To: recipient; also loop detection on it. */
    DELIVERED_TO('D'),
    /** F: prepend a "From sender time_stamp" envelope line. */
    FROM_LINE('F'),
    /** O: prepend X-Original-To: original recipient. */
    ORIGINAL_TO('O'),
    /** R: prepend Return-Path: sender. */
    RETURN_PATH('R'),
    /** X: the command does final delivery ("delivered", not "relayed", in success DSNs). */
    FINAL_DELIVERY('X'),
    /** h: fold domains of $recipient/$original_recipient, and $domain/$nexthop, to lower case. */
    FOLD_HOST('h'),
    /** q: RFC 822 quoting of localparts in $sender, $recipient, $original_recipient. */
    QUOTE('q'),
    /** u: fold localparts (and $user, $extension, $mailbox) to lower case. */
    FOLD_USER('u'),
    /** .: prepend "." to lines starting with ".". */
    DOT_STUFF('.'),
    /** &gt;: prepend "&gt;" to lines starting with "From ". */
    QUOTE_FROM('>'),
    /** M: all recipients of a request in one command invocation (default: one per recipient). */
    MULTI_RECIPIENT('M');

    private final char letter;

    PipeFlag(char letter) {
        this.letter = letter;
    }

    static Set<PipeFlag> parse(String letters) throws InvalidAttributesException {
        Set<PipeFlag> out = EnumSet.noneOf(PipeFlag.class);
        next:
        for (char c : letters.toCharArray()) {
            for (PipeFlag f : values()) {
                if (f.letter == c) {
                    out.add(f);
                    continue next;
                }
            }
            throw new InvalidAttributesException("unknown flag: " + c + " (in flags=" + letters + ")");
        }
        return out;
    }
}
