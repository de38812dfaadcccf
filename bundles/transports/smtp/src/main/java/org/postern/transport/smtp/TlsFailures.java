// SPDX-License-Identifier: Apache-2.0
package org.postern.transport.smtp;

import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;

import org.postern.api.tls.TlsSessionResult.FailureType;
import org.postern.transport.smtp.dane.DaneTrustManager;

/** A failed handshake's cause as an RFC 8460 result type (section 4.3.2). */
final class TlsFailures {

    private TlsFailures() {
    }

    static FailureType classify(Throwable handshakeFailure) {
        boolean certificate = false;
        for (Throwable t = handshakeFailure; t != null; t = t.getCause()) {
            if (t instanceof CertificateExpiredException || t instanceof CertificateNotYetValidException
                    || (t instanceof CertPathValidatorException v
                        && v.getReason() == CertPathValidatorException.BasicReason.EXPIRED)) {
                return FailureType.CERTIFICATE_EXPIRED;
            }
            if (t instanceof DaneTrustManager.NameMismatch
                    || (t instanceof CertificateException && String.valueOf(t.getMessage()).startsWith("No subject alternative"))) {
                return FailureType.CERTIFICATE_HOST_MISMATCH;
            }
            certificate |= t instanceof CertificateException || t instanceof CertPathValidatorException;
        }
        return certificate ? FailureType.CERTIFICATE_NOT_TRUSTED : FailureType.VALIDATION_FAILURE;
    }
}
