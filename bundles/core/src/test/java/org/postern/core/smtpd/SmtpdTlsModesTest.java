// SPDX-License-Identifier: Apache-2.0
package org.postern.core.smtpd;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The self-signed pair is kept where only Postern's user can read it. */
class SmtpdTlsModesTest {

    @TempDir
    Path data;

    @Test
    void generatedKeyAndCertificateShouldBe0600InADirectoryOf0700() throws Exception {
        Path tls = data.resolve("tls");

        SmtpdTls.generate("mx.example.org", tls, tls.resolve(SmtpdTls.CERT_NAME), tls.resolve(SmtpdTls.KEY_NAME));

        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(tls))).isEqualTo("rwx------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(tls.resolve(SmtpdTls.KEY_NAME))))
                .isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(tls.resolve(SmtpdTls.CERT_NAME))))
                .isEqualTo("rw-------");
    }

    @Test
    void anExistingTlsDirectoryOpenToOthersShouldBeTightened() throws Exception {
        Path tls = Files.createDirectory(data.resolve("tls"));
        Files.setPosixFilePermissions(tls, PosixFilePermissions.fromString("rwxr-xr-x"));

        SmtpdTls.generate("mx.example.org", tls, tls.resolve(SmtpdTls.CERT_NAME), tls.resolve(SmtpdTls.KEY_NAME));

        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(tls))).isEqualTo("rwx------");
    }
}
