// SPDX-License-Identifier: Apache-2.0
package org.postern.transport.pipe;

import java.util.EnumSet;
import java.util.Set;

import org.postern.transport.delivery.CopyFlag;
import org.postern.transport.pipe.PipeAttributes.InvalidAttributesException;

/** The letters of pipe(8)'s {@code flags=} attribute, plus M (one invocation for all recipients). */
enum PipeFlag {
    /** B: append a blank line at the end of the message. */
    BLANK_LINE('B', CopyFlag.BLANK_LINE),
    /** D: prepend Delivered-To: recipient; also loop detection on it. */
    DELIVERED_TO('D', CopyFlag.DELIVERED_TO),
    /** F: prepend a "From sender time_stamp" envelope line. */
    FROM_LINE('F', CopyFlag.FROM_LINE),
    /** O: prepend X-Original-To: original recipient. */
    ORIGINAL_TO('O', CopyFlag.ORIGINAL_RECIPIENT),
    /** R: prepend Return-Path: sender. */
    RETURN_PATH('R', CopyFlag.RETURN_PATH),
    /** X: the command does final delivery ("delivered", not "relayed", in success DSNs). */
    FINAL_DELIVERY('X', null),
    /** h: fold domains of $recipient/$original_recipient, and $domain/$nexthop, to lower case. */
    FOLD_HOST('h', null),
    /** q: RFC 822 quoting of localparts in $sender, $recipient, $original_recipient. */
    QUOTE('q', null),
    /** u: fold localparts (and $user, $extension, $mailbox) to lower case. */
    FOLD_USER('u', null),
    /** .: prepend "." to lines starting with ".". */
    DOT_STUFF('.', CopyFlag.DOT_STUFF),
    /** &gt;: prepend "&gt;" to lines starting with "From ". */
    QUOTE_FROM('>', CopyFlag.QUOTE_FROM),
    /** M: all recipients of a request in one command invocation (default: one per recipient). */
    MULTI_RECIPIENT('M', null);

    private final char letter;
    private final CopyFlag copy;   // what the letter adds to the copy on stdin; null: nothing

    PipeFlag(char letter, CopyFlag copy) {
        this.letter = letter;
        this.copy = copy;
    }

    /** What {@code flags} ask of the message copy; D and O name one recipient, so only for one. */
    static Set<CopyFlag> copyFlags(Set<PipeFlag> flags, boolean oneRecipient) {
        Set<CopyFlag> out = EnumSet.noneOf(CopyFlag.class);
        for (PipeFlag f : flags) {
            if (f.copy != null && (oneRecipient || (f != DELIVERED_TO && f != ORIGINAL_TO))) {
                out.add(f.copy);
            }
        }
        return out;
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
