// SPDX-License-Identifier: Apache-2.0
package org.postern.tlsrpt;

import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.postern.api.delivery.ServiceSettings;
import org.postern.api.parameter.ParameterSyntax;
import org.postern.tlsrpt.report.ReportHeader;

/**
 * The TLSRPT parameters (see {@link TlsRptParameters}) as read from main.cf at one moment.
 *
 * @throws org.postern.api.parameter.ParameterException from {@link #of} for a malformed value,
 *         naming file, line and parameter
 */
record TlsRptSettings(boolean enabled, List<String> allowList, String store, String organizationName,
                      String contactInfo, String submitter, String sender, LocalTime sendTime, Duration sendJitter,
                      Optional<Path> dkimKeyFile, String dkimSelector, String dkimDomain, Duration httpsTimeout,
                      List<Duration> httpsRetryDelays, Optional<Path> httpsCaFile, Duration retention) {

    static TlsRptSettings of(ServiceSettings s) {
        LocalTime sendTime;
        try {
            sendTime = LocalTime.parse(s.string(TlsRptParameters.SEND_TIME).strip());
        } catch (DateTimeParseException e) {
            throw s.malformed(TlsRptParameters.SEND_TIME.name(), "want HH:MM (UTC)");
        }
        List<Duration> delays = new ArrayList<>();
        for (String d : s.list(TlsRptParameters.HTTPS_RETRY_DELAYS)) {
            try {
                delays.add(ParameterSyntax.parseTime(d, 's', false));
            } catch (IllegalArgumentException e) {
                throw s.malformed(TlsRptParameters.HTTPS_RETRY_DELAYS.name(), e.getMessage());
            }
        }
        String keyFile = s.string(TlsRptParameters.DKIM_KEY_FILE).strip();
        String selector = s.string(TlsRptParameters.DKIM_SELECTOR).strip();
        if (!keyFile.isEmpty() && selector.isEmpty()) {
            throw s.malformed(TlsRptParameters.DKIM_SELECTOR.name(), "empty, but tlsrpt_dkim_key_file is set");
        }
        String ca = s.string(TlsRptParameters.HTTPS_CA_FILE).strip();
        return new TlsRptSettings(s.bool(TlsRptParameters.ENABLE), s.list(TlsRptParameters.ALLOW_LIST),
                s.string(TlsRptParameters.STORE).strip(), s.string(TlsRptParameters.ORGANIZATION).strip(),
                s.string(TlsRptParameters.CONTACT).strip(), s.string(TlsRptParameters.SUBMITTER).strip(),
                s.string(TlsRptParameters.SENDER).strip(), sendTime, s.time(TlsRptParameters.SEND_JITTER),
                keyFile.isEmpty() ? Optional.empty() : Optional.of(Path.of(keyFile)), selector,
                s.string(TlsRptParameters.DKIM_DOMAIN).strip(), s.time(TlsRptParameters.HTTPS_TIMEOUT), delays,
                ca.isEmpty() ? Optional.empty() : Optional.of(Path.of(ca)), s.time(TlsRptParameters.RETENTION));
    }

    ReportHeader header(String reportId) {
        return new ReportHeader(organizationName, contactInfo, submitter, reportId);
    }
}
