// SPDX-License-Identifier: Apache-2.0
package org.postern.deliveryhelper;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.postern.transport.delivery.CommandRunner;
import org.postern.transport.delivery.CommandRunner.LingeringOutput;
import org.postern.transport.delivery.MailboxException;
import org.postern.transport.delivery.MailboxLocks;
import org.postern.transport.delivery.MaildirFolder;
import org.postern.transport.delivery.MessageWriter;
import org.postern.transport.delivery.privileged.DirectDelivery;
import org.postern.transport.delivery.privileged.HelperProtocol.AppendMbox;
import org.postern.transport.delivery.privileged.HelperProtocol.CommandDone;
import org.postern.transport.delivery.privileged.HelperProtocol.DeliverMaildir;
import org.postern.transport.delivery.privileged.HelperProtocol.Delivered;
import org.postern.transport.delivery.privileged.HelperProtocol.FileRead;
import org.postern.transport.delivery.privileged.HelperProtocol.MailboxFailed;
import org.postern.transport.delivery.privileged.HelperProtocol.ReadFile;
import org.postern.transport.delivery.privileged.HelperProtocol.Refused;
import org.postern.transport.delivery.privileged.HelperProtocol.Reply;
import org.postern.transport.delivery.privileged.HelperProtocol.Request;
import org.postern.transport.delivery.privileged.HelperProtocol.RunCommand;
import org.postern.transport.delivery.privileged.UserFile;
import org.postern.transport.delivery.privileged.UserIdentity;

/**
 * SUMMARY   Carries out one request of Postern's JVM as the user it names.
 * DESCRIPTION
 *   Commands run through setpriv(1) as the user, with the message (spooled by the server)
 *   on their input. Mbox and maildir deliveries run in a child JVM as the user
 *   ({@link FileDeliveryMain}), except mailboxes in the mail spool directory, which the
 *   helper appends to itself as root ({@link SpoolMailbox}). A user's file is checked as
 *   root (regular, owned by the user or root) and read as the user with cat(1).
 * SECURITY  Refuses uid 0 and gid 0 before anything else. Nothing runs as root but the spool
 *   append, which never follows a symbolic link, and setpriv itself, which gets the helper's
 *   fixed environment, never the request's ({@link ChildCommands}).
 */
final class RequestHandler {

    /** How long a file-delivery child may take (lock waits included). */
    static final Duration FILE_DELIVERY_LIMIT = Duration.ofMinutes(10);
    private static final Duration READ_LIMIT = Duration.ofSeconds(30);
    private static final Map<String, String> CHILD_ENVIRONMENT = Map.of("PATH", "/usr/bin:/bin", "LANG", "C.UTF-8");
    private static final Path ROOT_DIRECTORY = Path.of("/");

    private final ChildCommands children;
    private final SpoolMailbox spool;
    private final DirectDelivery asRoot = new DirectDelivery(new MailboxLocks(), new MaildirFolder());

    RequestHandler(ChildCommands children, SpoolMailbox spool) {
        this.children = children;
        this.spool = spool;
    }

    /** The reply to {@code request}; {@code message} holds the message it carried (null for none). */
    Reply handle(Request request, Path message) throws InterruptedException {
        UserIdentity as = request.as();
        if (as.isPrivileged()) {
            return new Refused("will not act as uid " + as.uid() + " gid " + as.gid());
        }
        try {
            if (request instanceof RunCommand r) {
                return run(r, message);
            }
            if (request instanceof AppendMbox m) {
                return m.inSpool() ? appendInSpool(m, message)
                        : fileDelivery(children.mbox(m), message);
            }
            if (request instanceof DeliverMaildir d) {
                return fileDelivery(children.maildir(d), message);
            }
            if (request instanceof ReadFile f) {
                return new FileRead(read(f));
            }
            return new Refused("unknown request");
        } catch (IOException e) {
            return new Refused(e.toString());
        }
    }

    private Reply run(RunCommand r, Path message) throws IOException, InterruptedException {
        List<String> command;
        try {
            command = children.command(r.as(), r.argv(), r.environment());
        } catch (IllegalArgumentException e) {
            return new Refused(e.getMessage());
        }
        // setpriv starts as root: only the fixed environment here, the request's after the switch
        CommandRunner.Outcome outcome = new CommandRunner(r.outputLimit(), r.lingering())
                .run(command, DirectDelivery.existingOrRoot(r.directory()), CHILD_ENVIRONMENT, from(message), r.limit());
        return new CommandDone(outcome.timedOut(), outcome.status(), outcome.output());
    }

    private Reply appendInSpool(AppendMbox m, Path message) {
        Optional<String> refusal = spool.refusal(m.file(), m.as().uid());
        if (refusal.isPresent()) {
            return new Refused("spool mailbox " + m.file() + ": " + refusal.get());
        }
        try {
            asRoot.appendMbox(m.as(), m.file(), true, m.sizeLimit(), m.locks(), from(message));
            return new Delivered();
        } catch (MailboxException e) {
            return new MailboxFailed(e.dsnStatus(), e.getMessage());
        }
    }

    private Reply fileDelivery(List<String> command, Path message) throws IOException, InterruptedException {
        CommandRunner.Outcome outcome = new CommandRunner(4096, LingeringOutput.GRACE_PERIOD)
                .run(command, ROOT_DIRECTORY, CHILD_ENVIRONMENT, from(message), FILE_DELIVERY_LIMIT);
        String line = outcome.output().strip();
        if (outcome.timedOut()) {
            return new MailboxFailed("4.3.0", "mailbox delivery time limit exceeded");
        }
        if (outcome.status() == 0 && line.equals("ok")) {
            return new Delivered();
        }
        if (line.startsWith("fail ") && line.length() > 10) {
            String rest = line.substring(5);
            int space = rest.indexOf(' ');
            String dsn = space < 0 ? rest : rest.substring(0, space);
            if (dsn.matches("[45]\\.\\d{1,3}\\.\\d{1,3}")) {
                return new MailboxFailed(dsn, space < 0 ? "delivery failed" : rest.substring(space + 1));
            }
        }
        HelperLog.warning("file delivery child exited with status " + outcome.status() + ": "
                + HelperLog.printable(line));
        return new MailboxFailed("4.3.0", "delivery helper child failed (status " + outcome.status() + ")");
    }

    private UserFile read(ReadFile f) throws IOException, InterruptedException {
        Map<String, Object> a;
        try {
            a = Files.readAttributes(f.file(), "unix:uid,isRegularFile", LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException e) {
            return new UserFile.Missing();
        }
        if (!Boolean.TRUE.equals(a.get("isRegularFile"))) {
            return new UserFile.Untrusted("not a regular file");
        }
        int owner = (Integer) a.get("uid");
        if (owner != f.as().uid() && owner != 0) {
            return new UserFile.Untrusted("owned by uid " + owner);
        }
        CommandRunner.Outcome outcome = new CommandRunner(f.limit(), LingeringOutput.WITHIN_TIME_LIMIT)
                .run(children.read(f.as(), f.file()), ROOT_DIRECTORY, CHILD_ENVIRONMENT, out -> { }, READ_LIMIT);
        if (outcome.timedOut() || outcome.status() != 0) {
            return new UserFile.Untrusted("not readable by the user");
        }
        return new UserFile.Content(outcome.output().getBytes(StandardCharsets.UTF_8));
    }

    private static MessageWriter from(Path message) {
        return out -> {
            if (message != null) {
                try (InputStream in = Files.newInputStream(message)) {
                    in.transferTo(out);
                }
            }
        };
    }
}
