// SPDX-License-Identifier: Apache-2.0
package org.postern.core.smtpd.tls;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The self-signed pair is kept where only Postern's user can read it. */
class SelfSignedModesTest {

    @TempDir
    Path data;

    @Test
    void generatedKeyAndCertificateShouldBe0600InADirectoryOf0700() throws Exception {
        Path tls = data.resolve("tls");

        SelfSignedCredentials.generate("mx.example.org", tls, tls.resolve(SelfSignedCredentials.CERT_NAME),
                tls.resolve(SelfSignedCredentials.KEY_NAME), Instant.now(), SelfSignedCredentials.VALIDITY);

        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(tls))).isEqualTo("rwx------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(tls.resolve(SelfSignedCredentials.KEY_NAME))))
                .isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(tls.resolve(SelfSignedCredentials.CERT_NAME))))
                .isEqualTo("rw-------");
    }

    @Test
    void anExistingTlsDirectoryOpenToOthersShouldBeTightened() throws Exception {
        Path tls = Files.createDirectory(data.resolve("tls"));
        Files.setPosixFilePermissions(tls, PosixFilePermissions.fromString("rwxr-xr-x"));

        SelfSignedCredentials.generate("mx.example.org", tls, tls.resolve(SelfSignedCredentials.CERT_NAME),
                tls.resolve(SelfSignedCredentials.KEY_NAME), Instant.now(), SelfSignedCredentials.VALIDITY);

        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(tls))).isEqualTo("rwx------");
    }
}
