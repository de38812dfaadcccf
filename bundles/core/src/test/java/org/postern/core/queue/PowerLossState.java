// SPDX-License-Identifier: Apache-2.0
package org.postern.core.queue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * SUMMARY   What a power loss after the first {@code k} recorded operations may leave on disk.
 * DESCRIPTION
 *   The model is that of a journaling file system (ext4, XFS) with no promise beyond the
 *   syncs the code asked for:
 *   <ul>
 *   <li>Directory entries (create, rename, remove) persist in the order they were made, up
 *       to some point: at least up to the last one a directory sync covered (a sync of the
 *       directory the entry is in; for a rename, of the directory it went to), possibly
 *       more.</li>
 *   <li>A file's data persists as of its last force; each later write may be there, absent,
 *       or torn (only a prefix of it written), independently of the others and of the
 *       directory entries.</li>
 *   <li>A modification time persists when a later fsync (force with metadata) covered it;
 *       otherwise it may or may not be there.</li>
 *   </ul>
 *   {@link #minimal} keeps only what was made durable, {@link #everything} all that was
 *   done, {@link #random} any mixture in between.
 */
final class PowerLossState {

    private final List<DiskOp> ops;

    PowerLossState(List<DiskOp> ops) {
        this.ops = ops;
    }

    /** Only what the syncs covered. */
    void minimal(Path target) throws IOException {
        materialize(target, Choice.NONE, null);
    }

    /** Everything done so far, as if the page cache had been written out. */
    void everything(Path target) throws IOException {
        materialize(target, Choice.ALL, null);
    }

    void random(Path target, Random random) throws IOException {
        materialize(target, Choice.RANDOM, random);
    }

    private enum Choice { NONE, ALL, RANDOM }

    private void materialize(Path target, Choice choice, Random random) throws IOException {
        List<DiskOp.Entry> entries = new ArrayList<>();
        List<Integer> entryPositions = new ArrayList<>();
        Map<Integer, Integer> lastForce = new HashMap<>();
        Map<Integer, Integer> lastFsync = new HashMap<>();
        for (int i = 0; i < ops.size(); i++) {
            DiskOp op = ops.get(i);
            if (op instanceof DiskOp.Entry e) {
                entries.add(e);
                entryPositions.add(i);
            } else if (op instanceof DiskOp.Force f) {
                lastForce.put(f.inode(), i);
                if (f.withMetadata()) {
                    lastFsync.put(f.inode(), i);
                }
            }
        }
        int durableEntries = durableEntryCount(entries, entryPositions);
        int keptEntries = switch (choice) {
            case NONE -> durableEntries;
            case ALL -> entries.size();
            case RANDOM -> durableEntries + random.nextInt(entries.size() - durableEntries + 1);
        };

        Map<String, Integer> names = new LinkedHashMap<>();
        Map<Integer, Instant> times = new HashMap<>();
        for (DiskOp.Entry e : entries.subList(0, keptEntries)) {
            if (e instanceof DiskOp.Create c) {
                names.put(c.path(), c.inode());
                times.put(c.inode(), c.time());
            } else if (e instanceof DiskOp.Rename r && names.containsKey(r.from())) {
                names.put(r.to(), names.remove(r.from()));
            } else if (e instanceof DiskOp.Delete d) {
                names.remove(d.path());
            }
        }

        Map<Integer, byte[]> data = new HashMap<>();
        for (int i = 0; i < ops.size(); i++) {
            DiskOp op = ops.get(i);
            if (op instanceof DiskOp.Write w) {
                boolean durable = i < lastForce.getOrDefault(w.inode(), -1);
                int length = durable ? w.bytes().length : chosenLength(w.bytes().length, choice, random);
                if (length > 0) {
                    data.put(w.inode(), written(data.get(w.inode()), w.position(), w.bytes(), length));
                }
            } else if (op instanceof DiskOp.Truncate t) {
                boolean durable = i < lastForce.getOrDefault(t.inode(), -1);
                if (durable || chosen(choice, random)) {
                    byte[] old = data.getOrDefault(t.inode(), new byte[0]);
                    data.put(t.inode(), Arrays.copyOf(old, (int) Math.min(old.length, t.size())));
                }
            } else if (op instanceof DiskOp.SetTime s) {
                boolean durable = i < lastFsync.getOrDefault(s.inode(), -1);
                if (durable || chosen(choice, random)) {
                    times.put(s.inode(), s.time());
                }
            }
        }

        for (QueueName q : QueueName.values()) {
            QueueDisk.REAL.createDirectories(target.resolve(q.directory()));   // 0700, as the queue made them
        }
        for (Map.Entry<String, Integer> n : names.entrySet()) {
            Path file = target.resolve(n.getKey());
            Files.write(file, data.getOrDefault(n.getValue(), new byte[0]));
            Files.setLastModifiedTime(file, FileTime.from(times.get(n.getValue())));
        }
    }

    /** How many entries, from the first, a directory sync made durable. */
    private int durableEntryCount(List<DiskOp.Entry> entries, List<Integer> positions) {
        int durable = 0;
        for (int k = 0; k < entries.size(); k++) {
            String directory = entries.get(k).directory();
            for (int i = positions.get(k) + 1; i < ops.size(); i++) {
                if (ops.get(i) instanceof DiskOp.SyncDirectory s && s.directory().equals(directory)) {
                    durable = k + 1;
                    break;
                }
            }
        }
        return durable;
    }

    private static boolean chosen(Choice choice, Random random) {
        return choice == Choice.ALL || (choice == Choice.RANDOM && random.nextBoolean());
    }

    /** All of a write, none, or (at random) a torn prefix of it. */
    private static int chosenLength(int length, Choice choice, Random random) {
        return switch (choice) {
            case NONE -> 0;
            case ALL -> length;
            case RANDOM -> switch (random.nextInt(3)) {
                case 0 -> 0;
                case 1 -> length;
                default -> random.nextInt(length + 1);
            };
        };
    }

    private static byte[] written(byte[] old, long position, byte[] bytes, int length) {
        byte[] base = old == null ? new byte[0] : old;
        byte[] out = Arrays.copyOf(base, (int) Math.max(base.length, position + length));
        System.arraycopy(bytes, 0, out, (int) position, length);
        return out;
    }
}
