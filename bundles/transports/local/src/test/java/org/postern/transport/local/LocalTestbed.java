// SPDX-License-Identifier: Apache-2.0
package org.postern.transport.local;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.postern.api.delivery.DeliveryRequest;
import org.postern.api.delivery.MessageContent;
import org.postern.api.delivery.Recipient;
import org.postern.api.delivery.RecipientResult;
import org.postern.api.message.DsnRequest;
import org.postern.api.message.MessageFacts;
import org.postern.testing.MapDictRegistry;
import org.postern.transport.delivery.MailboxOwner;

/**
 * A private world for local(8) tests under one temporary directory: a spool directory, home
 * directories, a passwd table with "joe" and "nobody", an alias table, a mailbox command
 * table ("test:commands", for mailbox_command_maps), a transport table ("test:transports", for
 * mailbox_transport_maps and fallback_transport_maps), a recording submitter and a recording
 * transport dispatcher. Run as root, the users get uids that are not the test's (5001, 65534) and
 * the files really change owner; otherwise they get the current uid.
 */
final class LocalTestbed {
    static final boolean ROOT = MailboxOwner.processIsRoot();
    static final int JOE_UID = ROOT ? 5001 : MailboxOwner.ofProcess().uid();
    static final int JOE_GID = ROOT ? 5001 : MailboxOwner.ofProcess().gid();
    static final int NOBODY_UID = ROOT ? 65534 : MailboxOwner.ofProcess().uid();

    final Path root;
    final Path spool;
    final Path joeHome;
    final Path out;
    final Map<String, String> settings = new HashMap<>();
    final Map<String, String> aliases = new HashMap<>();
    final Map<String, String> passwd = new HashMap<>();
    final Map<String, String> commands = new HashMap<>();
    final Map<String, String> transports = new HashMap<>();
    final MapDictRegistry registry = new MapDictRegistry();
    final RecordingMessageSubmitter submitter = new RecordingMessageSubmitter();
    final RecordingTransportDispatcher dispatcher = new RecordingTransportDispatcher();
    final LocalDeliveryAgent agent;

    LocalTestbed(Path root) throws IOException {
        this(root, MailboxOwner.ofProcess().uid());
    }

    /** A testbed whose agent acts as if the JVM ran as {@code processUid}. */
    LocalTestbed(Path root, int processUid) throws IOException {
        agent = new LocalDeliveryAgent(registry, submitter, dispatcher, processUid);
        this.root = root;
        Files.setPosixFilePermissions(root, PosixFilePermissions.fromString("rwxr-xr-x"));
        spool = Files.createDirectory(root.resolve("spool"));
        joeHome = Files.createDirectory(root.resolve("joe"));
        new MailboxOwner(JOE_UID, JOE_GID).applyTo(joeHome);
        out = Files.createDirectory(root.resolve("out"));
        Files.setPosixFilePermissions(out, PosixFilePermissions.fromString("rwxrwxrwx"));
        passwd.put("joe", "joe:x:" + JOE_UID + ":" + JOE_GID + ":Joe:" + joeHome + ":/bin/sh");
        passwd.put("nobody", "nobody:x:" + NOBODY_UID + ":" + NOBODY_UID + ":nobody:/nonexistent:/usr/sbin/nologin");
        settings.put("mail_spool_directory", spool.toString());
        settings.put("alias_maps", "test:aliases");
        settings.put("local_passwd_maps", "test:passwd");
        settings.put("myhostname", "mail.example.com");
        settings.put("myorigin", "example.com");
        settings.put("deliver_lock_delay", "10ms");
    }

    static MessageContent content(String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        return new MessageContent() {
            @Override
            public InputStream open() {
                return new ByteArrayInputStream(bytes);
            }

            @Override
            public long size() {
                return bytes.length;
            }
        };
    }

    static Recipient recipient(String address) {
        return new Recipient(address, "", Set.of());
    }

    RecipientResult deliver(String sender, String recipient, String message) {
        return deliver(sender, recipient, message,
                MessageFacts.none(Instant.EPOCH).withDsn(new DsnRequest("ENV1", DsnRequest.Return.UNSPECIFIED)));
    }

    RecipientResult deliver(String sender, String recipient, String message, MessageFacts facts) {
        return deliverAll(sender, List.of(recipient), message, facts).get(0);
    }

    /** One request for several recipients (as with local_destination_recipient_limit above 1). */
    List<RecipientResult> deliverAll(String sender, List<String> recipients, String message) {
        return deliverAll(sender, recipients, message, MessageFacts.none(Instant.EPOCH));
    }

    private List<RecipientResult> deliverAll(String sender, List<String> recipients, String message, MessageFacts facts) {
        registry.put("test:aliases", aliases).put("test:passwd", passwd).put("test:commands", commands)
                .put("test:transports", transports);
        Map<String, String> snapshot = Map.copyOf(settings);
        DeliveryRequest request = new DeliveryRequest("4XTEST", "local", "mail.example.com", sender,
                recipients.stream().map(LocalTestbed::recipient).toList(), content(message), facts, List.of(),
                snapshot::get);
        return agent.deliver(request).results();
    }

    static String read(Path file) throws IOException {
        return Files.readString(file, StandardCharsets.UTF_8);
    }
}
