// SPDX-License-Identifier: Apache-2.0
package org.postern.deliveryhelper;

import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Set;

import org.postern.transport.delivery.LockSettings;
import org.postern.transport.delivery.MailboxException;
import org.postern.transport.delivery.MailboxLocks;
import org.postern.transport.delivery.MailboxOwner;
import org.postern.transport.delivery.MaildirFolder;
import org.postern.transport.delivery.MboxFile;

/**
 * SUMMARY   The child that writes one message into a mailbox as the recipient user.
 * DESCRIPTION
 *   Started by the helper through setpriv(1) with the user's uid and gids:
 *   {@code mbox FILE SIZE_LIMIT LOCK_METHODS ATTEMPTS DELAY_MS STALE_MS} or
 *   {@code maildir DIRECTORY HOST SIZE_LIMIT}, the message on standard input. It uses the
 *   same {@link MboxFile}, {@link MailboxLocks} and {@link MaildirFolder} as Postern's agents,
 *   so locking, the size limit and truncation after a failure are the same code. It prints
 *   one line, "ok" or "fail DSN TEXT", and exits 0 or 1.
 * SECURITY  Runs without privileges: the kernel decides what the user may write.
 */
public final class FileDeliveryMain {

    private FileDeliveryMain() {
    }

    public static void main(String[] args) {
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        try {
            run(args, System.in);
            out.println("ok");
            System.exit(0);
        } catch (MailboxException e) {
            out.println("fail " + e.dsnStatus() + " " + e.getMessage());
        } catch (RuntimeException e) {
            out.println("fail 4.3.0 delivery helper child: " + e);
        }
        System.exit(1);
    }

    static void run(String[] args, InputStream message) throws MailboxException {
        MailboxOwner self = MailboxOwner.ofProcess();
        if (args.length == 7 && args[0].equals("mbox")) {
            Set<LockSettings.Method> methods = EnumSet.noneOf(LockSettings.Method.class);
            for (String m : args[3].split(",")) {
                if (!m.isEmpty()) {
                    methods.add(LockSettings.Method.valueOf(m));
                }
            }
            LockSettings locks = new LockSettings(methods, Integer.parseInt(args[4]),
                    Duration.ofMillis(Long.parseLong(args[5])), Duration.ofMillis(Long.parseLong(args[6])));
            MboxFile.append(Path.of(args[1]), self, Long.parseLong(args[2]), locks, new MailboxLocks(),
                    out -> message.transferTo(out));
        } else if (args.length == 4 && args[0].equals("maildir")) {
            new MaildirFolder().deliver(Path.of(args[1]), args[2], self, Long.parseLong(args[3]),
                    out -> message.transferTo(out));
        } else {
            throw new IllegalArgumentException("usage: mbox FILE LIMIT LOCKS ATTEMPTS DELAY STALE | maildir DIR HOST LIMIT");
        }
    }
}
