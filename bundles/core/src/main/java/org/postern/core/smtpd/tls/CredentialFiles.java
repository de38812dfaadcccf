// SPDX-License-Identifier: Apache-2.0
package org.postern.core.smtpd.tls;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * SUMMARY   The server's keys and chains from PEM files, re-read when a file changes on disk.
 * DESCRIPTION
 *   The sources are Postfix's: smtpd_tls_chain_files (each file: key, then chain; RSA and
 *   ECDSA may share a file), else smtpd_tls_cert_file/key_file and smtpd_tls_eccert_file/
 *   eckey_file. {@link #current()} is called per handshake: it compares each file's
 *   modification time and size with those of the last load (one stat per file) and reloads
 *   when any differs. A reload that fails (a key that does not match its certificate because
 *   only one of them was replaced yet, a file being written) keeps the previous keys, warns
 *   once for that state of the files, and is retried at the next handshake.
 * SECURITY  Local files named by the administrator; keys are checked against their certificate.
 * BUGS      The first load must succeed: without any usable key STARTTLS is not offered.
 */
public final class CredentialFiles implements CredentialSource {

    private static final Logger LOG = LoggerFactory.getLogger("postern.smtpd");

    /** One source: a chain file, or a certificate file with its key file. */
    public sealed interface Source permits ChainFile, CertAndKey {
    }

    public record ChainFile(Path file) implements Source {
    }

    public record CertAndKey(Path cert, Path key) implements Source {
    }

    private record Stamp(Path file, long modified, long size) {
    }

    private final List<Source> sources;
    private volatile Snapshot loaded;
    private volatile List<Stamp> loadedStamps;
    private volatile List<Stamp> failedStamps;

    public CredentialFiles(List<Source> sources) throws IOException, GeneralSecurityException {
        this.sources = List.copyOf(sources);
        if (sources.isEmpty()) {
            throw new IOException("no certificate configured");
        }
        List<Stamp> stamps = stamps();
        this.loaded = new Snapshot(1, load());
        this.loadedStamps = stamps;
    }

    @Override
    public Snapshot current() {
        List<Stamp> now;
        try {
            now = stamps();
        } catch (IOException e) {
            warnOnce(null, "cannot stat certificate files: " + e.getMessage());
            return loaded;
        }
        if (now.equals(loadedStamps)) {
            return loaded;
        }
        synchronized (this) {
            if (now.equals(loadedStamps) || now.equals(failedStamps)) {
                return loaded;
            }
            try {
                List<Credential> fresh = load();
                loaded = new Snapshot(loaded.generation() + 1, fresh);
                loadedStamps = now;
                failedStamps = null;
                LOG.info("TLS server certificate reloaded from {}", files());
            } catch (IOException | GeneralSecurityException | RuntimeException e) {
                warnOnce(now, "cannot reload TLS server certificate: " + e.getMessage()
                        + "; still using the previous one");
            }
            return loaded;
        }
    }

    private void warnOnce(List<Stamp> stamps, String message) {
        if (stamps == null || !Objects.equals(stamps, failedStamps)) {
            LOG.warn("warning: {}", message);
        }
        failedStamps = stamps;
    }

    private List<Credential> load() throws IOException, GeneralSecurityException {
        List<Credential> out = new ArrayList<>();
        for (Source s : sources) {
            if (s instanceof ChainFile) {
                out.addAll(PemFiles.chainFile(((ChainFile) s).file()));
            } else {
                CertAndKey p = (CertAndKey) s;
                out.add(PemFiles.pair(p.cert(), p.key()));
            }
        }
        return out;
    }

    private Set<Path> files() {
        Set<Path> files = new LinkedHashSet<>();
        for (Source s : sources) {
            if (s instanceof ChainFile) {
                files.add(((ChainFile) s).file());
            } else {
                files.add(((CertAndKey) s).cert());
                files.add(((CertAndKey) s).key());
            }
        }
        return files;
    }

    private List<Stamp> stamps() throws IOException {
        List<Stamp> out = new ArrayList<>();
        for (Path f : files()) {
            BasicFileAttributes a = Files.readAttributes(f, BasicFileAttributes.class);
            out.add(new Stamp(f, a.lastModifiedTime().toMillis(), a.size()));
        }
        return out;
    }
}
