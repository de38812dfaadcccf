// SPDX-License-Identifier: Apache-2.0
package org.postern.core.smtpd.restrict;

/** Where in the SMTP dialogue a check runs (smtpd_<stage>_restrictions). */
public enum SmtpStage { CONNECT, HELO, MAIL, RCPT, DATA, END_OF_DATA, ETRN }
