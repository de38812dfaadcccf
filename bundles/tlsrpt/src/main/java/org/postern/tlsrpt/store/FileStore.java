// SPDX-License-Identifier: Apache-2.0
package org.postern.tlsrpt.store;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;
import java.util.stream.Stream;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.postern.tlsrpt.counts.DayCounts;
import org.postern.tlsrpt.counts.ReportKey;
import org.postern.tlsrpt.counts.Tally;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * SUMMARY   The default store: append-only journals under ${karaf.data}/postern/tlsrpt, for one node.
 * DESCRIPTION
 *   counts/YYYY-MM-DD.jsonl holds one line per domain and flush ({@link CountsLines}); claims.jsonl
 *   the reports claimed for sending, deliveries.jsonl how each delivery went. Every append is
 *   forced to disk before {@link #add} returns, so kill -9 loses only what was not handed to the
 *   store yet. A line cut short by a crash is skipped with a warning; the lines before it count.
 *   Reading a day merges its lines: the journal is never rewritten except by purgeBefore.
 * SECURITY  Directory 0700 and files 0600: the counts name the domains this host mails.
 */
public final class FileStore implements TlsRptStore {

    private static final Logger LOG = LoggerFactory.getLogger("postern.tlsrpt");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path directory;
    private final Path countsDirectory;
    private final Path claimsFile;
    private final Path deliveriesFile;
    private final Set<ReportKey> claimed = new HashSet<>();

    public FileStore(Path directory) throws IOException {
        this.directory = directory;
        this.countsDirectory = directory.resolve("counts");
        this.claimsFile = directory.resolve("claims.jsonl");
        this.deliveriesFile = directory.resolve("deliveries.jsonl");
        privateDirectory(directory);
        privateDirectory(countsDirectory);
        for (JsonNode line : lines(claimsFile)) {
            claimed.add(key(line));
        }
    }

    @Override
    public synchronized void add(Tally counts) throws IOException {
        Map<LocalDate, StringBuilder> perDay = new LinkedHashMap<>();
        counts.days().forEach((key, day) -> perDay.computeIfAbsent(key.day(), d -> new StringBuilder())
                .append(CountsLines.line(key.policyDomain(), day)).append('\n'));
        for (Map.Entry<LocalDate, StringBuilder> e : perDay.entrySet()) {
            append(dayFile(e.getKey()), e.getValue().toString());
        }
    }

    @Override
    public synchronized List<ReportKey> unclaimed(Optional<LocalDate> before) throws IOException {
        TreeSet<ReportKey> keys = new TreeSet<>();
        for (LocalDate day : days()) {
            if (before.isPresent() && !day.isBefore(before.get())) {
                continue;
            }
            for (JsonNode line : lines(dayFile(day))) {
                ReportKey key = new ReportKey(CountsLines.domain(line), day);
                if (!claimed.contains(key)) {
                    keys.add(key);
                }
            }
        }
        return new ArrayList<>(keys);
    }

    @Override
    public synchronized DayCounts counts(ReportKey key) throws IOException {
        DayCounts counts = new DayCounts();
        for (JsonNode line : lines(dayFile(key.day()))) {
            if (CountsLines.domain(line).equals(key.policyDomain())) {
                CountsLines.addTo(line, counts);
            }
        }
        return counts;
    }

    @Override
    public synchronized boolean claim(ReportKey key, String reportId) throws IOException {
        if (claimed.contains(key)) {
            return false;
        }
        ObjectNode line = keyNode(key).put("report-id", reportId).put("time", Instant.now().toString());
        append(claimsFile, line + "\n");
        claimed.add(key);
        return true;
    }

    @Override
    public synchronized void recordDelivery(DeliveryRecord delivery) throws IOException {
        ObjectNode line = keyNode(delivery.report()).put("report-id", delivery.reportId()).put("rua", delivery.rua())
                .put("time", delivery.time().toString()).put("delivered", delivery.delivered())
                .put("detail", delivery.detail());
        append(deliveriesFile, line + "\n");
    }

    @Override
    public synchronized List<DeliveryRecord> lastDeliveries() throws IOException {
        Map<List<String>, DeliveryRecord> last = new LinkedHashMap<>();
        for (JsonNode line : lines(deliveriesFile)) {
            DeliveryRecord d = new DeliveryRecord(key(line), line.path("report-id").asText(), line.path("rua").asText(),
                    Instant.parse(line.path("time").asText()), line.path("delivered").asBoolean(),
                    line.path("detail").asText());
            last.remove(List.of(d.report().policyDomain(), d.rua()));  // keep the map in order of the last attempt
            last.put(List.of(d.report().policyDomain(), d.rua()), d);
        }
        return new ArrayList<>(last.values());
    }

    @Override
    public synchronized void purgeBefore(LocalDate day) throws IOException {
        for (LocalDate d : days()) {
            if (d.isBefore(day)) {
                Files.deleteIfExists(dayFile(d));
            }
        }
        Predicate<JsonNode> keep = line -> !key(line).day().isBefore(day);
        rewrite(claimsFile, keep);
        rewrite(deliveriesFile, keep);
        claimed.removeIf(k -> k.day().isBefore(day));
    }

    @Override
    public void close() {
        // every append is closed and forced when it returns
    }

    private List<LocalDate> days() throws IOException {
        List<LocalDate> days = new ArrayList<>();
        try (Stream<Path> files = Files.list(countsDirectory)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                String name = f.getFileName().toString();
                if (name.endsWith(".jsonl")) {
                    try {
                        days.add(LocalDate.parse(name.substring(0, name.length() - ".jsonl".length())));
                    } catch (DateTimeParseException e) {
                        LOG.warn("warning: {}: not a TLSRPT day file; ignored", f);
                    }
                }
            }
        }
        days.sort(null);
        return days;
    }

    private Path dayFile(LocalDate day) {
        return countsDirectory.resolve(day + ".jsonl");
    }

    private static ObjectNode keyNode(ReportKey key) {
        return JSON.createObjectNode().put("domain", key.policyDomain()).put("day", key.day().toString());
    }

    private static ReportKey key(JsonNode line) {
        return new ReportKey(line.path("domain").asText(), LocalDate.parse(line.path("day").asText()));
    }

    /** The file's complete lines, parsed; a line cut short (a crash while appending) is skipped. */
    private static List<JsonNode> lines(Path file) throws IOException {
        if (!Files.exists(file)) {
            return List.of();
        }
        List<JsonNode> out = new ArrayList<>();
        int number = 0;
        for (String text : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            number++;
            if (text.isBlank()) {
                continue;
            }
            try {
                out.add(CountsLines.parse(text));
            } catch (JsonProcessingException e) {
                LOG.warn("warning: {}, line {}: incomplete TLSRPT record skipped", file, number);
            }
        }
        return out;
    }

    private void append(Path file, String text) throws IOException {
        boolean created = !Files.exists(file);
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.APPEND)) {
            if (created) {
                Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
            }
            // a line cut short by a crash must not swallow the next one
            String whole = !created && endsInsideALine(file) ? "\n" + text : text;
            ByteBuffer bytes = ByteBuffer.wrap(whole.getBytes(StandardCharsets.UTF_8));
            while (bytes.hasRemaining()) {
                channel.write(bytes);
            }
            channel.force(false);
        }
        if (created) {
            syncDirectory(file.getParent());
        }
    }

    private static boolean endsInsideALine(Path file) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = channel.size();
            if (size == 0) {
                return false;
            }
            ByteBuffer last = ByteBuffer.allocate(1);
            channel.read(last, size - 1);
            return last.get(0) != '\n';
        }
    }

    private void rewrite(Path file, Predicate<JsonNode> keep) throws IOException {
        if (!Files.exists(file)) {
            return;
        }
        StringBuilder kept = new StringBuilder();
        for (JsonNode line : lines(file)) {
            if (keep.test(line)) {
                kept.append(line).append('\n');
            }
        }
        Path temporary = file.resolveSibling(file.getFileName() + ".new");
        Files.deleteIfExists(temporary);
        append(temporary, kept.toString());
        Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        syncDirectory(directory);
    }

    private static void privateDirectory(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            Files.createDirectories(dir);
        }
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
    }

    private static void syncDirectory(Path dir) throws IOException {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        }
    }
}
