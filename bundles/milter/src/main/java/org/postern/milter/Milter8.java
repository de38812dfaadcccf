// SPDX-License-Identifier: Apache-2.0
package org.postern.milter;

/**
 * SUMMARY   The Sendmail milter protocol's constants (libmilter's mfdef.h, as Postfix's
 *           milter8.c speaks it): command and reply codes, SMFIF_ action bits, SMFIP_ protocol
 *           bits, macro stages, and what each milter_protocol version may negotiate.
 * DESCRIPTION
 *   Every packet is a 4-byte length in network byte order (the command byte plus the data),
 *   the command byte, then the data. Strings are NUL-terminated.
 */
final class Milter8 {

    private Milter8() {
    }

    // MTA -> filter (SMFIC_)
    static final byte ABORT = 'A';
    static final byte BODY = 'B';
    static final byte CONNECT = 'C';
    static final byte MACRO = 'D';
    static final byte BODYEOB = 'E';
    static final byte HELO = 'H';
    static final byte QUIT_NC = 'K';
    static final byte HEADER = 'L';
    static final byte MAIL = 'M';
    static final byte EOH = 'N';
    static final byte OPTNEG = 'O';
    static final byte QUIT = 'Q';
    static final byte RCPT = 'R';
    static final byte DATA = 'T';
    static final byte UNKNOWN = 'U';

    // filter -> MTA (SMFIR_)
    static final byte ADDRCPT = '+';
    static final byte DELRCPT = '-';
    static final byte ADDRCPT_PAR = '2';
    static final byte SHUTDOWN = '4';
    static final byte ACCEPT = 'a';
    static final byte REPLBODY = 'b';
    static final byte CONTINUE = 'c';
    static final byte DISCARD = 'd';
    static final byte CHGFROM = 'e';
    static final byte CONN_FAIL = 'f';
    static final byte ADDHEADER = 'h';
    static final byte INSHEADER = 'i';
    static final byte SETSYMLIST = 'l';
    static final byte CHGHEADER = 'm';
    static final byte PROGRESS = 'p';
    static final byte QUARANTINE = 'q';
    static final byte REJECT = 'r';
    static final byte SKIP = 's';
    static final byte TEMPFAIL = 't';
    static final byte REPLYCODE = 'y';

    // SMFIF_: what a filter may do at the end of a message
    static final int SMFIF_ADDHDRS = 0x01;
    static final int SMFIF_CHGBODY = 0x02;
    static final int SMFIF_ADDRCPT = 0x04;
    static final int SMFIF_DELRCPT = 0x08;
    static final int SMFIF_CHGHDRS = 0x10;
    static final int SMFIF_QUARANTINE = 0x20;
    static final int SMFIF_CHGFROM = 0x40;
    static final int SMFIF_ADDRCPT_PAR = 0x80;
    static final int SMFIF_SETSYMLIST = 0x100;

    // SMFIP_: events a filter does not want, or wants without a reply
    static final int SMFIP_NOCONNECT = 0x01;
    static final int SMFIP_NOHELO = 0x02;
    static final int SMFIP_NOMAIL = 0x04;
    static final int SMFIP_NORCPT = 0x08;
    static final int SMFIP_NOBODY = 0x10;
    static final int SMFIP_NOHDRS = 0x20;
    static final int SMFIP_NOEOH = 0x40;
    static final int SMFIP_NR_HDR = 0x80;
    static final int SMFIP_NOUNKNOWN = 0x100;
    static final int SMFIP_NODATA = 0x200;
    static final int SMFIP_SKIP = 0x400;
    static final int SMFIP_RCPT_REJ = 0x800;
    static final int SMFIP_NR_CONN = 0x1000;
    static final int SMFIP_NR_HELO = 0x2000;
    static final int SMFIP_NR_MAIL = 0x4000;
    static final int SMFIP_NR_RCPT = 0x8000;
    static final int SMFIP_NR_DATA = 0x10000;
    static final int SMFIP_NR_UNKN = 0x20000;
    static final int SMFIP_NR_EOH = 0x40000;
    static final int SMFIP_NR_BODY = 0x80000;
    static final int SMFIP_HDR_LEADSPC = 0x100000;
    /** Sendmail's larger data sizes (MDS): offered only to a filter configured with data_size. */
    static final int SMFIP_MDS_256K = 0x10000000;
    static final int SMFIP_MDS_1M = 0x20000000;

    // SMFIM_: the stages of a SETSYMLIST macro list
    static final int SMFIM_CONNECT = 0;
    static final int SMFIM_HELO = 1;
    static final int SMFIM_ENVFROM = 2;
    static final int SMFIM_ENVRCPT = 3;
    static final int SMFIM_DATA = 4;
    static final int SMFIM_EOM = 5;
    static final int SMFIM_EOH = 6;

    /** The most data one packet to a filter carries without MDS (MILTER_MDS_64K): a body chunk, a header. */
    static final int CHUNK = 65535;
    /** MILTER_MDS_256K and MILTER_MDS_1M. */
    static final int CHUNK_256K = 256 * 1024 - 1;
    static final int CHUNK_1M = 1024 * 1024 - 1;
    /** The largest packet accepted from a filter: a REPLBODY chunk and some, as Postfix's limit. */
    static final int MAX_PACKET = 2 * 1024 * 1024;

    /** The actions the MTA offers at {@code version} (milter_protocol). */
    static int actions(int version) {
        return switch (version) {
            case 2 -> SMFIF_ADDHDRS | SMFIF_CHGBODY | SMFIF_ADDRCPT | SMFIF_DELRCPT | SMFIF_CHGHDRS;
            case 3, 4 -> actions(2) | SMFIF_QUARANTINE;
            default -> actions(4) | SMFIF_CHGFROM | SMFIF_ADDRCPT_PAR | SMFIF_SETSYMLIST;
        };
    }

    /** The protocol steps the MTA can leave out or not wait for at {@code version}. */
    static int steps(int version) {
        int v2 = SMFIP_NOCONNECT | SMFIP_NOHELO | SMFIP_NOMAIL | SMFIP_NORCPT | SMFIP_NOBODY | SMFIP_NOHDRS;
        return switch (version) {
            case 2 -> v2;
            case 3 -> v2 | SMFIP_NOEOH;
            case 4 -> v2 | SMFIP_NOEOH | SMFIP_NR_HDR | SMFIP_NOUNKNOWN | SMFIP_NODATA;
            default -> v2 | SMFIP_NOEOH | SMFIP_NR_HDR | SMFIP_NOUNKNOWN | SMFIP_NODATA | SMFIP_SKIP
                    | SMFIP_RCPT_REJ | SMFIP_NR_CONN | SMFIP_NR_HELO | SMFIP_NR_MAIL | SMFIP_NR_RCPT
                    | SMFIP_NR_DATA | SMFIP_NR_UNKN | SMFIP_NR_EOH | SMFIP_NR_BODY | SMFIP_HDR_LEADSPC;
        };
    }

    /** "SMFIC_CONNECT" and the like, for log lines. */
    static String commandName(byte command) {
        return switch (command) {
            case ABORT -> "SMFIC_ABORT";
            case BODY -> "SMFIC_BODY";
            case CONNECT -> "SMFIC_CONNECT";
            case MACRO -> "SMFIC_MACRO";
            case BODYEOB -> "SMFIC_BODYEOB";
            case HELO -> "SMFIC_HELO";
            case QUIT_NC -> "SMFIC_QUIT_NC";
            case HEADER -> "SMFIC_HEADER";
            case MAIL -> "SMFIC_MAIL";
            case EOH -> "SMFIC_EOH";
            case OPTNEG -> "SMFIC_OPTNEG";
            case QUIT -> "SMFIC_QUIT";
            case RCPT -> "SMFIC_RCPT";
            case DATA -> "SMFIC_DATA";
            case UNKNOWN -> "SMFIC_UNKNOWN";
            default -> "command " + (char) command;
        };
    }
}
