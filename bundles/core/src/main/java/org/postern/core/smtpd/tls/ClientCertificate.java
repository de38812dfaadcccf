// SPDX-License-Identifier: Apache-2.0
package org.postern.core.smtpd.tls;

/**
 * The certificate a client presented.
 *
 * @param subjectCn   the subject's CN (empty when none)
 * @param issuerCn    the issuer's CN (empty when none)
 * @param fingerprint the certificate's digest (smtpd_tls_fingerprint_digest), "AB:CD:..."
 * @param pkeyFingerprint the digest of its public key (SubjectPublicKeyInfo), same form
 * @param trusted     signed by a CA of smtpd_tls_CAfile
 */
public record ClientCertificate(String subjectCn, String issuerCn, String fingerprint, String pkeyFingerprint,
                                boolean trusted) {
}
