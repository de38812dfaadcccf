// SPDX-License-Identifier: Apache-2.0
package org.postern.tlsrpt;

import java.util.List;

import org.osgi.service.component.annotations.Component;
import org.postern.api.parameter.Parameter;
import org.postern.api.parameter.ParameterSet;

/**
 * SUMMARY   The main.cf parameters of the TLSRPT generator, declared while the bundle is active
 *           (postconf lists them only then).
 * CONFIGURATION PARAMETERS
 *   smtp_tlsrpt_enable (yes: installing the feature is the choice; Postfix's default is no
 *   because it needs an external daemon), smtp_tlsrpt_allow_list (static:all; a table keyed by
 *   policy domain, or by a parent domain as ".example.com": a domain found gets reports),
 *   tlsrpt_store (file, or pgsql:/path/to/tlsrpt-pgsql.cf shared by several nodes),
 *   tlsrpt_organization_name ($mydomain), tlsrpt_contact_info (postmaster@$mydomain),
 *   tlsrpt_submitter_domain ($mydomain), tlsrpt_sender (noreply-tlsrpt@$tlsrpt_submitter_domain,
 *   the From: and envelope sender of mailed reports), tlsrpt_send_time (01:00, UTC) plus a
 *   random delay up to tlsrpt_send_jitter (1h) drawn per day, tlsrpt_dkim_key_file (empty: not
 *   signed), tlsrpt_dkim_selector, tlsrpt_dkim_domain ($tlsrpt_submitter_domain),
 *   tlsrpt_https_timeout (30s), tlsrpt_https_retry_delays (5m, 30m, 2h, 6h),
 *   tlsrpt_https_CAfile (empty: the JDK's CAs), tlsrpt_retention (30d).
 */
@Component(service = ParameterSet.class)
public final class TlsRptParameters implements ParameterSet {

    static final Parameter ENABLE = Parameter.bool("smtp_tlsrpt_enable", "yes");
    static final Parameter ALLOW_LIST = Parameter.list("smtp_tlsrpt_allow_list", "static:all");
    static final Parameter STORE = Parameter.string("tlsrpt_store", "file");
    static final Parameter ORGANIZATION = Parameter.string("tlsrpt_organization_name", "$mydomain");
    static final Parameter CONTACT = Parameter.string("tlsrpt_contact_info", "postmaster@$mydomain");
    static final Parameter SUBMITTER = Parameter.string("tlsrpt_submitter_domain", "$mydomain");
    static final Parameter SENDER = Parameter.string("tlsrpt_sender", "noreply-tlsrpt@$tlsrpt_submitter_domain");
    static final Parameter SEND_TIME = Parameter.string("tlsrpt_send_time", "01:00");
    static final Parameter SEND_JITTER = Parameter.time("tlsrpt_send_jitter", "1h", 's', 0);
    static final Parameter DKIM_KEY_FILE = Parameter.string("tlsrpt_dkim_key_file", "");
    static final Parameter DKIM_SELECTOR = Parameter.string("tlsrpt_dkim_selector", "");
    static final Parameter DKIM_DOMAIN = Parameter.string("tlsrpt_dkim_domain", "$tlsrpt_submitter_domain");
    static final Parameter HTTPS_TIMEOUT = Parameter.time("tlsrpt_https_timeout", "30s", 's', 1);
    static final Parameter HTTPS_RETRY_DELAYS = Parameter.list("tlsrpt_https_retry_delays", "5m, 30m, 2h, 6h");
    static final Parameter HTTPS_CA_FILE = Parameter.string("tlsrpt_https_CAfile", "");
    static final Parameter RETENTION = Parameter.time("tlsrpt_retention", "30d", 'd', 86400);

    private static final List<Parameter> ALL = List.of(ENABLE, ALLOW_LIST, STORE, ORGANIZATION, CONTACT, SUBMITTER,
            SENDER, SEND_TIME, SEND_JITTER, DKIM_KEY_FILE, DKIM_SELECTOR, DKIM_DOMAIN, HTTPS_TIMEOUT,
            HTTPS_RETRY_DELAYS, HTTPS_CA_FILE, RETENTION);

    @Override
    public List<Parameter> parameters() {
        return ALL;
    }
}
