// SPDX-License-Identifier: Apache-2.0
package org.postern.transport.smtp;

import java.util.ArrayList;
import java.util.List;

import org.osgi.service.component.annotations.Component;
import org.postern.api.parameter.Parameter;
import org.postern.api.parameter.ParameterSet;
import org.postern.transport.smtp.sts.StsParameters;

/**
 * SUMMARY   The main.cf parameters of the smtp and lmtp delivery agents, for postconf and the
 *           configuration check while this bundle is active.
 * CONFIGURATION PARAMETERS  smtp_* and lmtp_* ({@link ClientParameters}), and
 *           disable_mime_output_conversion (no), disable_dns_lookups (no),
 *           smtp_tls_dane_insecure_mx_policy, and MTA-STS's ({@link StsParameters}).
 */
@Component(service = ParameterSet.class)
public final class SmtpParameters implements ParameterSet {

    static final Parameter DISABLE_MIME_OUTPUT_CONVERSION = Parameter.bool("disable_mime_output_conversion", "no");
    /** Deprecated in Postfix 2.11: an empty smtp_dns_support_level reads it ({@link DnsSupport}). */
    static final Parameter DISABLE_DNS_LOOKUPS = Parameter.bool("disable_dns_lookups", "no");
    /**
     * Postfix has no lmtp_ variant: smtp and lmtp both read it. Its default is Postfix's
     * conditional expression, shown as written and evaluated by {@link DnsSupport}.
     */
    /**
     * Postern's own (the wish list's hardened "half-dane"): yes makes a DANE-TA certificate match
     * only the TLSA base domain, not the original MX name or the nexthop; no (default) keeps
     * Postfix's names.
     */
    static final Parameter DANE_STRICT_NAMES = Parameter.bool("smtp_tls_dane_strict_names", "no");

    static final Parameter DANE_INSECURE_MX_POLICY = Parameter.string("smtp_tls_dane_insecure_mx_policy",
            "${{$smtp_tls_security_level} == {dane} ? {dane} : {may}}").withTemplate();

    private static final List<Parameter> ALL = all();

    @Override
    public List<Parameter> parameters() {
        return ALL;
    }

    private static List<Parameter> all() {
        List<Parameter> all = new ArrayList<>(ClientParameters.SMTP.all());
        all.add(DANE_INSECURE_MX_POLICY);
        all.add(DANE_STRICT_NAMES);
        all.addAll(ClientParameters.LMTP.all());
        all.add(DISABLE_MIME_OUTPUT_CONVERSION);
        all.add(DISABLE_DNS_LOOKUPS);
        all.addAll(StsParameters.all());
        return List.copyOf(all);
    }
}
