// SPDX-License-Identifier: Apache-2.0
package org.postern.core.smtpd;

import java.util.ArrayList;
import java.util.List;

import org.postern.core.smtp.SmtpReply;
import org.postern.core.smtpd.codec.SmtpRequest;
import org.postern.core.smtpd.codec.SmtpResponse;
import org.postern.core.smtpd.codec.Xtext;

/**
 * SUMMARY   The SMTP extensions one session announces and accepts: the EHLO reply, less the
 *           keywords smtpd_discard_ehlo_keywords (or the client's
 *           smtpd_discard_ehlo_keyword_address_maps entry) hides.
 * DESCRIPTION
 *   A discarded extension is not announced and is refused as not announced: its MAIL
 *   parameters get 555, its command 502, and without ENHANCEDSTATUSCODES every reply loses its
 *   RFC 3463 code ({@link #wire}). STARTTLS, AUTH, XCLIENT and XFORWARD also depend on the
 *   session: TLS configured and not yet active, SASL enabled (and TLS where
 *   smtpd_tls_auth_only asks for it), the client authorized.
 * CONFIGURATION PARAMETERS  smtpd_discard_ehlo_keywords, smtpd_tls_security_level,
 *           smtpd_tls_auth_only, smtpd_sasl_auth_enable, broken_sasl_auth_clients,
 *           disable_vrfy_command, smtputf8_enable, message_size_limit.
 */
final class Extensions {

    private final SessionContext cx;
    private final SmtpdSettings st;
    private final ClientIdentity client;
    private final SecurityState security;
    /** The EHLO keywords hidden from this client; null until the client is known (then the global list). */
    private EhloKeywords discard;

    Extensions(SessionContext cx, ClientIdentity client, SecurityState security) {
        this.cx = cx;
        this.st = cx.settings();
        this.client = client;
        this.security = security;
    }

    /** The keywords hidden from this client. */
    void discard(EhloKeywords keywords) {
        discard = keywords;
    }

    EhloKeywords discarded() {
        return discard == null ? st.discardEhloKeywords() : discard;
    }

    boolean discards(EhloKeywords.Keyword k) {
        return discarded().discards(k);
    }

    boolean starttlsOffered() {
        return cx.ssl() != null && st.tlsOffered() && !security.tlsActive()
                && !discards(EhloKeywords.Keyword.STARTTLS);
    }

    boolean vrfyOffered() {
        return !st.disableVrfy() && !discards(EhloKeywords.Keyword.VRFY);
    }

    boolean smtputf8Offered() {
        return st.smtputf8Enable() && !discards(EhloKeywords.Keyword.SMTPUTF8);
    }

    /** RFC 8689 section 3: REQUIRETLS is announced only on a TLS session. */
    boolean requireTlsOffered() {
        return st.requireTlsEnable() && security.tlsActive() && !discards(EhloKeywords.Keyword.REQUIRETLS);
    }

    boolean xclientOffered() {
        return client.xclientAllowed() && !discards(EhloKeywords.Keyword.XCLIENT);
    }

    boolean xforwardOffered() {
        return client.xforwardAllowed() && !discards(EhloKeywords.Keyword.XFORWARD);
    }

    /**
     * AUTH may be used: enabled with a backend, not discarded, after EHLO, and with TLS when
     * smtpd_tls_auth_only or smtpd_tls_security_level = encrypt asks for it.
     */
    boolean authUsable() {
        return cx.saslServers() != null && st.sasl().enabled() && client.esmtp()
                && !discards(EhloKeywords.Keyword.AUTH)
                && (security.tlsActive() || !st.sasl().tlsAuthOnly() && !st.tlsRequired());
    }

    /** 530 under smtpd_tls_security_level = encrypt before STARTTLS, else null. */
    SmtpReply tlsRequired() {
        return st.tlsRequired() && !security.tlsActive() ? SmtpdReplies.TLS_REQUIRED : null;
    }

    /** The EHLO reply; AUTH with {@code mechanisms} unless empty. */
    SmtpResponse ehloReply(List<String> mechanisms) {
        List<SmtpReply> lines = new ArrayList<>();
        lines.add(SmtpdReplies.heloLine(st.myhostname()));
        if (!discards(EhloKeywords.Keyword.PIPELINING)) {
            lines.add(SmtpdReplies.heloLine("PIPELINING"));
        }
        if (!discards(EhloKeywords.Keyword.SIZE)) {
            lines.add(SmtpdReplies.heloLine(st.messageSizeLimit() > 0 ? "SIZE " + st.messageSizeLimit()
                    : "SIZE"));
        }
        if (vrfyOffered()) {
            lines.add(SmtpdReplies.heloLine("VRFY"));
        }
        if (!discards(EhloKeywords.Keyword.ETRN)) {
            lines.add(SmtpdReplies.heloLine("ETRN"));
        }
        if (starttlsOffered()) {
            lines.add(SmtpdReplies.heloLine("STARTTLS"));
        }
        if (!mechanisms.isEmpty()) {
            lines.add(SmtpdReplies.heloLine("AUTH " + String.join(" ", mechanisms)));
            if (st.sasl().brokenClients()) {
                lines.add(SmtpdReplies.heloLine("AUTH=" + String.join(" ", mechanisms)));
            }
        }
        if (xclientOffered()) {
            lines.add(SmtpdReplies.heloLine(SmtpdReplies.EHLO_XCLIENT));
        }
        if (xforwardOffered()) {
            lines.add(SmtpdReplies.heloLine(SmtpdReplies.EHLO_XFORWARD));
        }
        if (!discards(EhloKeywords.Keyword.ENHANCEDSTATUSCODES)) {
            lines.add(SmtpdReplies.heloLine("ENHANCEDSTATUSCODES"));
        }
        if (!discards(EhloKeywords.Keyword.EIGHTBITMIME)) {
            lines.add(SmtpdReplies.heloLine("8BITMIME"));
        }
        if (!discards(EhloKeywords.Keyword.DSN)) {
            lines.add(SmtpdReplies.heloLine("DSN"));
        }
        if (smtputf8Offered()) {
            lines.add(SmtpdReplies.heloLine("SMTPUTF8"));
        }
        if (!discards(EhloKeywords.Keyword.CHUNKING)) {
            lines.add(SmtpdReplies.heloLine("CHUNKING"));
        }
        if (requireTlsOffered()) {
            lines.add(SmtpdReplies.heloLine("REQUIRETLS"));
        }
        return new SmtpResponse(lines);
    }

    /** An ESMTP parameter of MAIL whose extension was not announced, as the client wrote it (roughly), or null. */
    String unannouncedMailParameter(SmtpRequest.Mail m) {
        if (m.size() >= 0 && discards(EhloKeywords.Keyword.SIZE)) {
            return "SIZE=" + m.size();
        }
        if (m.body() != null && discards(EhloKeywords.Keyword.EIGHTBITMIME)) {
            return "BODY=" + m.body();
        }
        if (m.smtputf8() && !smtputf8Offered()) {
            return "SMTPUTF8";
        }
        if (m.requireTls() && !requireTlsOffered()) {
            return "REQUIRETLS";
        }
        if (m.ret() != null && discards(EhloKeywords.Keyword.DSN)) {
            return "RET=" + m.ret();
        }
        if (m.envid() != null && discards(EhloKeywords.Keyword.DSN)) {
            return "ENVID=" + Xtext.encode(m.envid());
        }
        return null;
    }

    /** A reply as sent: without the RFC 3463 status codes when ENHANCEDSTATUSCODES is discarded (as Postfix). */
    Object wire(Object response) {
        if (!discards(EhloKeywords.Keyword.ENHANCEDSTATUSCODES)) {
            return response;
        }
        if (response instanceof SmtpReply) {
            return SmtpdReplies.withoutEnhancedCode((SmtpReply) response);
        }
        List<SmtpReply> lines = new ArrayList<>();
        for (SmtpReply r : ((SmtpResponse) response).lines()) {
            lines.add(SmtpdReplies.withoutEnhancedCode(r));
        }
        return new SmtpResponse(lines);
    }
}
