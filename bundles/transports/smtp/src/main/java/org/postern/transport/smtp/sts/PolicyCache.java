// SPDX-License-Identifier: Apache-2.0
package org.postern.transport.smtp.sts;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

import org.slf4j.Logger;

/**
 * SUMMARY   The durable MTA-STS policy cache: one file per policy domain under
 *           ${karaf.data}/postern/mta-sts; the policies are kept in memory once read.
 * DESCRIPTION
 *   A file holds "domain:", "id:" (the TXT record's id the policy was fetched under),
 *   "fetched:" (epoch seconds), a blank line and the policy text as served. It is written to a
 *   temporary file (mode 0600), forced to disk, renamed over the old one and the directory is
 *   forced, so a crash leaves the old policy or the new one, never a torn file. Whether a
 *   policy is still valid (fetched + max_age) is the caller's business: an expired entry is
 *   kept until it is replaced or removed, for the refresh at expiry.
 * SECURITY  The directory is created mode 0700. File names are the domain itself, only after
 *   checking it is a host name (letters, digits, "-", "."), so DNS text never names a path.
 *   A file that does not parse is ignored with a warning (the policy is fetched again).
 */
final class PolicyCache {

    /** A policy and what it was fetched under. */
    record Entry(String domain, String id, Instant fetched, StsPolicy policy) {
        Instant expires() {
            return fetched.plus(policy.maxAge());
        }
    }

    private static final Pattern DOMAIN = Pattern.compile("[a-z0-9]([a-z0-9.-]{0,251}[a-z0-9])?");
    private static final String EMPTY = "";

    private final Path directory;
    private final Logger log;
    /** Domains with a policy only, so that the domains mail goes to without one cost no memory. */
    private final Map<String, Entry> memory = new ConcurrentHashMap<>();

    PolicyCache(Path directory, Logger log) {
        this.directory = directory;
        this.log = log;
    }

    static boolean cacheable(String domain) {
        return DOMAIN.matcher(domain).matches() && !domain.contains("..");
    }

    /** The entry for the domain, from memory or else from its file. */
    Optional<Entry> get(String domain) {
        Entry known = memory.get(domain);
        if (known != null) {
            return Optional.of(known);
        }
        Optional<Entry> loaded = load(domain);
        loaded.ifPresent(e -> memory.put(domain, e));
        return loaded;
    }

    /** Replaces the entry, durably; a disk failure is logged and the entry kept in memory. */
    void put(Entry entry) {
        memory.put(entry.domain(), entry);
        String text = "domain: " + entry.domain() + "\nid: " + entry.id() + "\nfetched: "
                + entry.fetched().getEpochSecond() + "\n\n" + entry.policy().text();
        try {
            write(file(entry.domain()), text.getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            log.warn("warning: cannot save the MTA-STS policy of {} in {}: {}", entry.domain(), directory, e.toString());
        }
    }

    /** Forgets the domain's policy (its TXT record is gone and the policy expired). */
    void remove(String domain) {
        memory.remove(domain);
        try {
            Files.deleteIfExists(file(domain));
        } catch (IOException e) {
            log.warn("warning: cannot remove {}: {}", file(domain), e.toString());
        }
    }

    private Path file(String domain) {
        return directory.resolve(domain);
    }

    private Optional<Entry> load(String domain) {
        Path f = file(domain);
        String text;
        try {
            text = Files.readString(f, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            log.warn("warning: cannot read the cached MTA-STS policy {}: {}", f, e.toString());
            return Optional.empty();
        }
        try {
            int blank = text.indexOf("\n\n");
            if (blank < 0) {
                throw new IllegalArgumentException("no blank line after the header");
            }
            String id = EMPTY;
            String fileDomain = EMPTY;
            Instant fetched = null;
            for (String line : text.substring(0, blank).split("\n")) {
                int colon = line.indexOf(": ");
                String key = colon < 0 ? line : line.substring(0, colon);
                String value = colon < 0 ? EMPTY : line.substring(colon + 2);
                switch (key) {
                    case "domain" -> fileDomain = value;
                    case "id" -> id = value;
                    case "fetched" -> fetched = Instant.ofEpochSecond(Long.parseLong(value));
                    default -> throw new IllegalArgumentException("unknown header " + key);
                }
            }
            if (!fileDomain.equals(domain) || fetched == null) {
                throw new IllegalArgumentException("domain or fetched time missing");
            }
            return Optional.of(new Entry(domain, id, fetched, StsPolicy.parse(text.substring(blank + 2))));
        } catch (IllegalArgumentException | StsPolicy.Invalid e) {
            log.warn("warning: ignoring the cached MTA-STS policy {}: {}", f, e.getMessage());
            return Optional.empty();
        }
    }

    private void write(Path target, byte[] bytes) throws IOException {
        if (!Files.isDirectory(directory)) {
            try {
                Files.createDirectories(directory.getParent());
                Files.createDirectory(directory, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            } catch (FileAlreadyExistsException e) {
                // another delivery made it
            }
        }
        Path temporary = Files.createTempFile(directory, ".tmp-", "",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        try {
            try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.WRITE)) {
                ByteBuffer buffer = ByteBuffer.wrap(bytes);
                while (buffer.hasRemaining()) {
                    channel.write(buffer);
                }
                channel.force(true);
            }
            try {
                Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temporary, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(temporary);
        }
        try (FileChannel dir = FileChannel.open(directory, StandardOpenOption.READ)) {
            dir.force(true);
        }
    }
}
