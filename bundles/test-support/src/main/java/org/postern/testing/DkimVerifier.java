// SPDX-License-Identifier: Apache-2.0
package org.postern.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * An independent DKIM verifier for the tests: Debian's python3-dkim, with the public key record
 * given directly instead of looked up in DNS. Skips (fails in CI) when python3-dkim is missing.
 */
public final class DkimVerifier {

    private static final String PYTHON = "/usr/bin/python3";

    private DkimVerifier() {
    }

    public static void assumeAvailable() throws IOException, InterruptedException {
        Process p = new ProcessBuilder(PYTHON, "-c", "import dkim").redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        RequiredService.assume(p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0,
                "python3-dkim is not installed (apt-get install python3-dkim)");
    }

    /**
     * python3-dkim's verdict and output for a message.
     *
     * @param keyRecordFile the selector's TXT record as opendkim-genkey writes it (quoted strings)
     */
    public static Result verify(byte[] message, Path keyRecordFile) throws IOException, InterruptedException {
        Path script = Files.createTempFile("dkim-verify", ".py");
        try {
            try (InputStream in = DkimVerifier.class.getResourceAsStream("dkim-verify.py")) {
                Files.write(script, in.readAllBytes());
            }
            Process p = new ProcessBuilder(PYTHON, script.toString(), keyRecordFile.toString())
                    .redirectErrorStream(true).start();
            try (OutputStream stdin = p.getOutputStream()) {
                stdin.write(message);
            }
            String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException("dkim-verify.py did not finish");
            }
            return new Result(p.exitValue() == 0, output);
        } finally {
            Files.deleteIfExists(script);
        }
    }

    /** @param output what the verifier printed, for assertion messages */
    public record Result(boolean verified, String output) {
    }
}
