// SPDX-License-Identifier: Apache-2.0
package org.postern.milter;

import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.osgi.service.component.annotations.Component;
import org.postern.api.milter.ConnectInfo;
import org.postern.api.milter.EndOfMessage;
import org.postern.api.milter.HeaderField;
import org.postern.api.milter.MilterReply;
import org.postern.api.milter.MilterService;
import org.postern.api.milter.MilterSession;
import org.postern.api.milter.MilterSettings;
import org.postern.api.support.LogText;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * SUMMARY   milter - the Sendmail milter protocol client that serves smtpd_milters (feature
 *           postern-milter).
 * DESCRIPTION
 *   Each SMTP session gets a {@link FilterChain} of one {@link MilterConnection} per
 *   smtpd_milters entry, connected when the session starts (SMFIC_CONNECT) and closed when it
 *   ends: sessions share no connection and no lock, so a slow filter delays only its own
 *   session. Installed while Postern runs, it serves the sessions that start afterwards; an
 *   update leaves the sessions in progress with the code they started with.
 * CONFIGURATION PARAMETERS  smtpd_milters (entries: {@link MilterSpec}), milter_protocol (6),
 *           milter_default_action (tempfail), milter_connect_timeout (30s),
 *           milter_command_timeout (30s), milter_content_timeout (300s), milter_*_macros,
 *           milter_macro_defaults, milter_macro_daemon_name, milter_macro_v: declared by core,
 *           handed over as {@link MilterSettings}.
 * SECURITY  Talks to filters the administrator configured; see {@link MilterConnection}.
 * BUGS      A malformed smtpd_milters entry is logged and answered with milter_default_action
 *           for every session, not refused when main.cf is loaded.
 * SEE ALSO  Postfix MILTER_README, postconf(5) milter_*; Sendmail's libmilter.
 */
@Component(service = MilterService.class)
public final class MilterClient implements MilterService {

    private static final Logger LOG = LoggerFactory.getLogger("postern.smtpd");

    @Override
    public MilterSession open(MilterSettings settings) {
        List<MilterConnection> filters = new ArrayList<>();
        for (String entry : settings.milters()) {
            try {
                filters.add(new MilterConnection(MilterSpec.parse(entry, settings), settings));
            } catch (IllegalArgumentException e) {
                LOG.warn("warning: smtpd_milters: {}; milter_default_action = {} applies",
                        LogText.printable(e.getMessage()), settings.defaultAction().configName());
                return new Unusable(settings.defaultAction().reply());
            }
        }
        return new FilterChain(filters);
    }

    /** A configuration that cannot be used: the default action at every event. */
    private record Unusable(MilterReply reply) implements MilterSession {
        @Override
        public MilterReply connect(ConnectInfo client, Map<String, String> macros) {
            return reply;
        }

        @Override
        public MilterReply helo(String helo, Map<String, String> macros) {
            return reply;
        }

        @Override
        public MilterReply mail(String sender, List<String> args, Map<String, String> macros) {
            return reply;
        }

        @Override
        public MilterReply rcpt(String recipient, List<String> args, Map<String, String> macros) {
            return reply;
        }

        @Override
        public MilterReply data(Map<String, String> macros) {
            return reply;
        }

        @Override
        public MilterReply unknown(String command, Map<String, String> macros) {
            return reply;
        }

        @Override
        public EndOfMessage message(List<HeaderField> headers, InputStream body, Map<String, String> macros) {
            return EndOfMessage.of(reply);
        }

        @Override
        public void abort() {
        }

        @Override
        public void close() {
        }
    }
}
