// SPDX-License-Identifier: Apache-2.0
package org.postern.transport.delivery.privileged;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.postern.transport.delivery.CommandRunner.LingeringOutput;
import org.postern.transport.delivery.LockSettings;
import org.postern.transport.delivery.Setpriv.Groups;
import org.postern.transport.delivery.privileged.HelperProtocol.AppendMbox;
import org.postern.transport.delivery.privileged.HelperProtocol.CommandDone;
import org.postern.transport.delivery.privileged.HelperProtocol.DeliverMaildir;
import org.postern.transport.delivery.privileged.HelperProtocol.Delivered;
import org.postern.transport.delivery.privileged.HelperProtocol.FileRead;
import org.postern.transport.delivery.privileged.HelperProtocol.MailboxFailed;
import org.postern.transport.delivery.privileged.HelperProtocol.ProtocolException;
import org.postern.transport.delivery.privileged.HelperProtocol.ReadFile;
import org.postern.transport.delivery.privileged.HelperProtocol.Refused;
import org.postern.transport.delivery.privileged.HelperProtocol.Reply;
import org.postern.transport.delivery.privileged.HelperProtocol.Request;
import org.postern.transport.delivery.privileged.HelperProtocol.RunCommand;

class HelperProtocolTest {

    private static final UserIdentity JOE = new UserIdentity("joe", 5001, 5002, Groups.INIT);

    private static byte[] encode(Request request) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(b);
        HelperProtocol.writeRequest(out, request);
        out.flush();
        return b.toByteArray();
    }

    private static Request decode(byte[] bytes) throws IOException {
        return HelperProtocol.readRequest(new DataInputStream(new ByteArrayInputStream(bytes)));
    }

    @Test
    void everyRequestShouldSurviveTheRoundTrip() throws IOException {
        List<Request> requests = List.of(
                new RunCommand(JOE, List.of("/bin/sh", "-c", "exec procmail -a \"$EXTENSION\""),
                        Map.of("HOME", "/home/joe", "EXTENSION", "ünï"), Path.of("/home/joe"), Duration.ofSeconds(1000),
                        1024, LingeringOutput.GRACE_PERIOD),
                new AppendMbox(new UserIdentity("#77", 77, 78, Groups.CLEAR), Path.of("/var/mail/joe"), true, 51200000,
                        new LockSettings(EnumSet.of(LockSettings.Method.FCNTL, LockSettings.Method.DOTLOCK), 20,
                                Duration.ofMillis(1500), Duration.ofSeconds(500))),
                new DeliverMaildir(JOE, Path.of("/home/joe/Maildir"), "mx.example.org", 0),
                new ReadFile(JOE, Path.of("/home/joe/.forward"), 65536));

        for (Request r : requests) {
            assertThat(decode(encode(r))).isEqualTo(r);
        }
    }

    @Test
    void everyReplyShouldSurviveTheRoundTrip() throws IOException {
        List<Reply> replies = List.of(new CommandDone(true, -1, "out\u00e9"), new Delivered(),
                new MailboxFailed("5.2.2", "cannot update mailbox: File too large"),
                new FileRead(new UserFile.Missing()), new FileRead(new UserFile.Untrusted("owned by uid 3")),
                new Refused("will not act as uid 0 gid 0"));
        for (Reply r : replies) {
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            HelperProtocol.writeReply(new DataOutputStream(b), r);
            assertThat(HelperProtocol.readReply(new DataInputStream(new ByteArrayInputStream(b.toByteArray()))))
                    .isEqualTo(r);
        }
    }

    @Test
    void fileContentShouldSurviveTheRoundTrip() throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        HelperProtocol.writeReply(new DataOutputStream(b), new FileRead(new UserFile.Content("|/bin/true\n".getBytes())));

        Reply reply = HelperProtocol.readReply(new DataInputStream(new ByteArrayInputStream(b.toByteArray())));

        assertThat(((UserFile.Content) ((FileRead) reply).file()).bytes()).asString().isEqualTo("|/bin/true\n");
    }

    @Test
    void readShouldRejectAnotherMagicNumber() {
        byte[] bytes = "GET / HTTP/1.0\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

        assertThatThrownBy(() -> decode(bytes)).isInstanceOf(ProtocolException.class);
    }

    @Test
    void readShouldRejectARelativePath() throws IOException {
        byte[] bytes = encode(new ReadFile(JOE, Path.of("/home/joe/.forward"), 10));
        byte[] relative = encode(new ReadFile(JOE, Path.of("home/joe/.forwar"), 10));

        assertThat(decode(bytes)).isNotNull();
        assertThatThrownBy(() -> decode(relative)).isInstanceOf(ProtocolException.class);
    }

    @Test
    void readShouldRejectAHugeStringLengthWithoutAllocatingIt() throws IOException {
        byte[] bytes = encode(new ReadFile(JOE, Path.of("/x"), 10));
        // the name's length field follows the magic (4) and the type (1)
        bytes[5] = 0x7f;

        assertThatThrownBy(() -> decode(bytes)).isInstanceOf(ProtocolException.class).hasMessageContaining("string");
    }

    @Test
    void readShouldRejectATruncatedRequest() throws IOException {
        byte[] bytes = encode(new DeliverMaildir(JOE, Path.of("/home/joe/Maildir"), "mx", 0));

        for (int cut = 0; cut < bytes.length; cut++) {
            byte[] part = java.util.Arrays.copyOf(bytes, cut);
            assertThatThrownBy(() -> decode(part)).as("cut at %d", cut).isInstanceOf(IOException.class);
        }
    }

    @Test
    void chunksShouldCarryTheMessageAndEndWithTheMark() throws IOException {
        byte[] message = new byte[200_000];
        for (int i = 0; i < message.length; i++) {
            message[i] = (byte) i;
        }
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        try (OutputStream chunks = MessageChunks.writer(new DataOutputStream(b))) {
            chunks.write(message, 0, 10);
            chunks.write(message, 10, message.length - 10);
        }
        ByteArrayOutputStream copy = new ByteArrayOutputStream();

        long n = MessageChunks.copy(new DataInputStream(new ByteArrayInputStream(b.toByteArray())), copy);

        assertThat(n).isEqualTo(message.length);
        assertThat(copy.toByteArray()).isEqualTo(message);
    }

    @Test
    void chunksWithoutTheEndMarkShouldNotPassForAShortMessage() throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(b);
        out.writeInt(5);
        out.write("Hello".getBytes(StandardCharsets.US_ASCII));
        // the client died here: no length 0

        assertThatThrownBy(() -> MessageChunks.copy(new DataInputStream(new ByteArrayInputStream(b.toByteArray())),
                new ByteArrayOutputStream())).isInstanceOf(EOFException.class);
    }

    @Test
    void identityShouldCountRootUserOrGroupAsPrivileged() {
        assertThat(new UserIdentity("root", 0, 5, Groups.INIT).isPrivileged()).isTrue();
        assertThat(new UserIdentity("x", 5, 0, Groups.INIT).isPrivileged()).isTrue();
        assertThat(JOE.isPrivileged()).isFalse();
    }
}
