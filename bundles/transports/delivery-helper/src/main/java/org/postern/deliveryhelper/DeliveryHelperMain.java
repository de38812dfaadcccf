// SPDX-License-Identifier: Apache-2.0
package org.postern.deliveryhelper;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

import org.postern.transport.delivery.MailboxOwner;
import org.postern.transport.delivery.Setpriv;

/**
 * SUMMARY   postern-delivery-helper - the privileged delivery helper beside Postern's JVM.
 * DESCRIPTION
 *   {@code java -cp HELPER_CLASSPATH org.postern.deliveryhelper.DeliveryHelperMain
 *   [--socket PATH] [--postern-user NAME] [--mail-spool-directory DIR] [--max-connections N]}
 *   <p>Runs as root, started by the service manager (postern-delivery-helper.service). It
 *   serves requests from Postern's user (default "postern") on a UNIX-domain socket (default
 *   {@code data/postern/data/private/delivery-helper} below the current directory; Postern's
 *   delivery_helper_socket must name the same path) and runs each delivery as the user the
 *   request names ({@link RequestHandler}). Mailboxes directly in the mail spool directory
 *   (default /var/mail) are appended to as root, as Postfix's local(8) does.
 * SECURITY  Refuses to start when not root or when the Postern user is root; never acts as
 *   uid 0 or gid 0. See docs/privilege-separation.md for the trust boundary.
 */
public final class DeliveryHelperMain {

    private DeliveryHelperMain() {
    }

    /** The command-line options. */
    record Options(Path socket, String posternUser, Path spoolDirectory, int maxConnections) {

        static Options parse(String[] args) {
            Path socket = Path.of("data/postern/data/private/delivery-helper");
            String user = "postern";
            Path spool = Path.of("/var/mail");
            int max = 32;
            for (int i = 0; i < args.length; i++) {
                String option = args[i];
                if (i + 1 >= args.length) {
                    throw new IllegalArgumentException("option " + option + " needs a value");
                }
                String value = args[++i];
                switch (option) {
                    case "--socket" -> socket = Path.of(value);
                    case "--postern-user" -> user = value;
                    case "--mail-spool-directory" -> spool = Path.of(value);
                    case "--max-connections" -> max = Integer.parseInt(value);
                    default -> throw new IllegalArgumentException("unknown option " + option);
                }
            }
            if (max < 1) {
                throw new IllegalArgumentException("--max-connections must be at least 1");
            }
            return new Options(socket.toAbsolutePath(), user, spool.toAbsolutePath(), max);
        }
    }

    public static void main(String[] args) {
        Options options;
        try {
            options = Options.parse(args);
        } catch (IllegalArgumentException e) {
            HelperLog.fatal(e.getMessage() + "; usage: [--socket PATH] [--postern-user NAME]"
                    + " [--mail-spool-directory DIR] [--max-connections N]");
            System.exit(2);
            return;
        }
        try (HelperServer server = start(options)) {
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    server.close();
                } catch (IOException ignored) {
                    // exiting anyway
                }
            }));
            server.serve();
        } catch (IOException | IllegalStateException e) {
            HelperLog.fatal(e.getMessage());
            System.exit(1);
        }
    }

    /** Checks the environment, binds the socket and returns the server, ready to serve. */
    static HelperServer start(Options options) throws IOException {
        if (!MailboxOwner.processIsRoot()) {
            throw new IllegalStateException("the delivery helper must run as root");
        }
        PeerPolicy peers = PeerPolicy.forUser(options.posternUser());
        if (peers.allowed().equals(PeerPolicy.forUser("root").allowed())) {
            throw new IllegalStateException("--postern-user must not be root: a root JVM delivers by itself");
        }
        Optional<Path> setpriv = Setpriv.find();
        if (setpriv.isEmpty()) {
            throw new IllegalStateException("setpriv(1) not found (util-linux)");
        }
        if (!Files.isExecutable(Path.of(ChildCommands.ENV))) {
            throw new IllegalStateException(ChildCommands.ENV + " not found (coreutils)");
        }
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        if (!Files.isExecutable(java)) {
            throw new IllegalStateException("cannot find java at " + java);
        }
        ChildCommands children = new ChildCommands(setpriv.get(), java, System.getProperty("java.class.path"));
        HelperServer server = new HelperServer(options.socket(), peers,
                new RequestHandler(children, new SpoolMailbox(options.spoolDirectory())), options.maxConnections());
        server.bind();
        return server;
    }
}
