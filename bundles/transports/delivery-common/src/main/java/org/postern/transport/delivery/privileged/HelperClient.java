// SPDX-License-Identifier: Apache-2.0
package org.postern.transport.delivery.privileged;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.postern.transport.delivery.CommandRunner;
import org.postern.transport.delivery.CommandRunner.LingeringOutput;
import org.postern.transport.delivery.LockSettings;
import org.postern.transport.delivery.MailboxException;
import org.postern.transport.delivery.MessageWriter;
import org.postern.transport.delivery.privileged.HelperProtocol.CommandDone;
import org.postern.transport.delivery.privileged.HelperProtocol.Delivered;
import org.postern.transport.delivery.privileged.HelperProtocol.FileRead;
import org.postern.transport.delivery.privileged.HelperProtocol.MailboxFailed;
import org.postern.transport.delivery.privileged.HelperProtocol.Refused;
import org.postern.transport.delivery.privileged.HelperProtocol.Reply;
import org.postern.transport.delivery.privileged.HelperProtocol.Request;

/**
 * SUMMARY   Deliveries as another user through the privileged delivery helper.
 * DESCRIPTION
 *   One connection to the helper's UNIX-domain socket per request ({@link HelperProtocol}):
 *   the request, the message in chunks, then the reply. A helper that is not there, or a
 *   connection that breaks before the reply, is a {@link HelperUnavailableException}: the
 *   caller defers. A refusal is a {@link MailboxException} (4.3.0) for mailbox requests and an
 *   {@link IOException} otherwise; neither is ever turned into a bounce here.
 * SECURITY  What the helper does with a request is decided there; this side only trusts the
 *   socket's path, which the administrator sets (delivery_helper_socket) in a directory only
 *   root can write.
 */
public final class HelperClient implements PrivilegedDelivery {

    private final Path socket;

    public HelperClient(Path socket) {
        this.socket = socket;
    }

    /** The helper's socket. */
    public Path socket() {
        return socket;
    }

    @Override
    public CommandRunner.Outcome runCommand(UserIdentity as, List<String> argv, Path directory,
                                            Map<String, String> environment, Duration limit, int outputLimit,
                                            LingeringOutput lingering, MessageWriter stdin) throws IOException {
        Reply reply = exchange(new HelperProtocol.RunCommand(as, argv, environment, directory, limit, outputLimit,
                lingering), stdin);
        if (reply instanceof CommandDone done) {
            return new CommandRunner.Outcome(done.timedOut(), done.status(), done.output());
        }
        throw new IOException(refusal(reply));
    }

    @Override
    public void appendMbox(UserIdentity as, Path file, boolean inSpool, long sizeLimit, LockSettings locks,
                           MessageWriter writer) throws MailboxException, HelperUnavailableException {
        mailboxReply(exchangeForMailbox(new HelperProtocol.AppendMbox(as, file, inSpool, sizeLimit, locks), writer));
    }

    @Override
    public void deliverMaildir(UserIdentity as, Path directory, String host, long sizeLimit, MessageWriter writer)
            throws MailboxException, HelperUnavailableException {
        mailboxReply(exchangeForMailbox(new HelperProtocol.DeliverMaildir(as, directory, host, sizeLimit), writer));
    }

    @Override
    public UserFile readUserFile(UserIdentity as, Path file, int limit) throws IOException {
        Reply reply = exchange(new HelperProtocol.ReadFile(as, file, limit), null);
        if (reply instanceof FileRead read) {
            return read.file();
        }
        throw new IOException(refusal(reply));
    }

    private Reply exchangeForMailbox(Request request, MessageWriter writer)
            throws MailboxException, HelperUnavailableException {
        try {
            return exchange(request, writer);
        } catch (HelperUnavailableException e) {
            throw e;
        } catch (IOException e) {
            // the message could not be read from the queue: as a local write error would be
            throw new MailboxException("4.3.0", "cannot deliver: " + e.getMessage(), e);
        }
    }

    private static void mailboxReply(Reply reply) throws MailboxException {
        if (reply instanceof Delivered) {
            return;
        }
        if (reply instanceof MailboxFailed failed) {
            throw new MailboxException(failed.dsn(), failed.text());
        }
        throw new MailboxException("4.3.0", refusal(reply));
    }

    private static String refusal(Reply reply) {
        return reply instanceof Refused r ? "delivery helper refused: " + r.reason()
                : "unexpected delivery helper reply " + reply.getClass().getSimpleName();
    }

    /**
     * Sends {@code request} (and the message {@code writer} writes, if any) and reads the reply.
     * An exception from the writer (the queue file could not be read) is an {@link IOException}
     * that is not a {@link HelperUnavailableException}.
     */
    Reply exchange(Request request, MessageWriter writer) throws IOException {
        SocketChannel channel;
        try {
            channel = SocketChannel.open(StandardProtocolFamily.UNIX);
        } catch (IOException e) {
            throw unavailable(e);
        }
        try (channel) {
            try {
                channel.connect(UnixDomainSocketAddress.of(socket));
            } catch (IOException e) {
                throw unavailable(e);
            }
            DataOutputStream out = new DataOutputStream(new BufferedOutputStream(Channels.newOutputStream(channel), 65536));
            try {
                HelperProtocol.writeRequest(out, request);
                out.flush();
            } catch (IOException e) {
                throw unavailable(e);
            }
            if (request.carriesMessage()) {
                OutputStream chunks = MessageChunks.writer(out);
                WriterFailure failure = new WriterFailure();
                try {
                    writer.writeTo(new FailureTrackingStream(chunks, failure));
                } catch (IOException e) {
                    if (failure.socket != null) {
                        throw unavailable(failure.socket);
                    }
                    throw e; // the message source failed; closing without the end mark abandons the request
                }
                try {
                    chunks.close();
                } catch (IOException e) {
                    throw unavailable(e);
                }
            }
            try {
                return HelperProtocol.readReply(new DataInputStream(new BufferedInputStream(Channels.newInputStream(channel))));
            } catch (IOException e) {
                throw unavailable(e);
            }
        }
    }

    private HelperUnavailableException unavailable(IOException cause) {
        return new HelperUnavailableException(socket, "privileged delivery helper at " + socket + ": " + cause, cause);
    }

    /** Remembers whether a write error came from the socket (not from the message source). */
    private static final class WriterFailure {
        IOException socket;
    }

    private static final class FailureTrackingStream extends OutputStream {
        private final OutputStream out;
        private final WriterFailure failure;

        FailureTrackingStream(OutputStream out, WriterFailure failure) {
            this.out = out;
            this.failure = failure;
        }

        @Override
        public void write(int b) throws IOException {
            try {
                out.write(b);
            } catch (IOException e) {
                failure.socket = e;
                throw e;
            }
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            try {
                out.write(b, off, len);
            } catch (IOException e) {
                failure.socket = e;
                throw e;
            }
        }

        @Override
        public void flush() {
            // chunks are sent when full and at the end
        }
    }
}
