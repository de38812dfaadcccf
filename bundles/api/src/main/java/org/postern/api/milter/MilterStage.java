// SPDX-License-Identifier: Apache-2.0
package org.postern.api.milter;

/** The events of a session a filter sees, each with its macro list (milter_*_macros). */
public enum MilterStage {
    /** milter_connect_macros */
    CONNECT,
    /** milter_helo_macros */
    HELO,
    /** milter_mail_macros */
    MAIL,
    /** milter_rcpt_macros */
    RCPT,
    /** milter_data_macros */
    DATA,
    /** milter_end_of_header_macros */
    END_OF_HEADERS,
    /** milter_end_of_data_macros */
    END_OF_DATA,
    /** milter_unknown_command_macros */
    UNKNOWN
}
