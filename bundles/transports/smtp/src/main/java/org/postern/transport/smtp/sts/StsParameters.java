// SPDX-License-Identifier: Apache-2.0
package org.postern.transport.smtp.sts;

import java.util.List;

import org.postern.api.parameter.Parameter;

/**
 * SUMMARY   The main.cf parameters of MTA-STS (declared by the smtp bundle's ParameterSet).
 * CONFIGURATION PARAMETERS
 *   smtp_mta_sts_enable (yes; Postern's own): apply recipient domains' MTA-STS policies
 *     (RFC 8461). Postfix needs an external policy server for this.
 *   mta_sts_CAfile (empty; Postern's own): PEM certificates trusted for MTA-STS in addition to
 *     the JDK's trust store, for the policy fetch and for MX certificates of enforced policies.
 *   mta_sts_fetch_timeout (10s; Postern's own): the time limit of one policy fetch (connect,
 *     TLS handshake, request and answer).
 *   smtp_tls_enforce_sts_mx_patterns (yes; Postfix 3.10.5): yes requires an enforced policy's MX
 *     host name to match an mx pattern and the certificate to match the MX host name; no
 *     tries every MX host and requires the certificate to match an mx pattern instead, as
 *     before Postfix 3.10.5.
 */
public final class StsParameters {

    public static final Parameter ENABLE = Parameter.bool("smtp_mta_sts_enable", "yes");
    public static final Parameter CA_FILE = Parameter.string("mta_sts_CAfile", "");
    public static final Parameter FETCH_TIMEOUT = Parameter.time("mta_sts_fetch_timeout", "10s", 's', 1);
    public static final Parameter ENFORCE_MX_PATTERNS = Parameter.bool("smtp_tls_enforce_sts_mx_patterns", "yes");

    private StsParameters() {
    }

    public static List<Parameter> all() {
        return List.of(ENABLE, CA_FILE, FETCH_TIMEOUT, ENFORCE_MX_PATTERNS);
    }
}
