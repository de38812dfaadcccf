// SPDX-License-Identifier: Apache-2.0
package org.postern.deliveryhelper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import jdk.net.UnixDomainPrincipal;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postern.api.delivery.ServiceSettings;
import org.postern.transport.delivery.CommandRunner;
import org.postern.transport.delivery.CommandRunner.LingeringOutput;
import org.postern.transport.delivery.LockSettings;
import org.postern.transport.delivery.MailboxException;
import org.postern.transport.delivery.MailboxOwner;
import org.postern.transport.delivery.MboxFile;
import org.postern.transport.delivery.Setpriv;
import org.postern.transport.delivery.Setpriv.Groups;
import org.postern.transport.delivery.privileged.HelperClient;
import org.postern.transport.delivery.privileged.HelperUnavailableException;
import org.postern.transport.delivery.privileged.UserFile;
import org.postern.transport.delivery.privileged.UserIdentity;

/**
 * The helper on a temporary socket, in this JVM, serving root (the test's user; the real
 * helper refuses to serve root), with a real account made by useradd and real children
 * (setpriv, the file-delivery JVM, cat). Needs root, setpriv and useradd; skipped otherwise.
 */
class DeliveryHelperIntegrationTest {

    private static final LockSettings LOCKS = new LockSettings(EnumSet.of(LockSettings.Method.FCNTL,
            LockSettings.Method.DOTLOCK), 5, Duration.ofMillis(200), Duration.ofSeconds(500));
    private static final String MESSAGE = "From: a@example.org\nSubject: hi\n\nFrom the start\nbody\n";

    @TempDir
    static Path tmp;

    static TestAccount account;
    static UserIdentity user;
    static Path spool;
    static HelperServer server;
    static Thread serving;
    static HelperClient client;

    @BeforeAll
    static void startHelper() throws Exception {
        assumeTrue(MailboxOwner.processIsRoot(), "the helper's tests need root (they create an account and switch to it)");
        assumeTrue(Setpriv.find().isPresent() && Files.isExecutable(Path.of("/usr/sbin/useradd")),
                "the helper's tests need setpriv(1) and useradd(8)");
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxr-xr-x"));
        account = TestAccount.create(tmp.resolve("home"));
        user = new UserIdentity(account.name, account.uid, account.gid, Groups.INIT);
        spool = Files.createDirectory(tmp.resolve("spool"));
        Path socket = tmp.resolve("private").resolve("delivery-helper");
        ChildCommands children = new ChildCommands(Setpriv.find().get(),
                Path.of(System.getProperty("java.home"), "bin", "java"), readableClassPath());
        server = new HelperServer(socket, PeerPolicy.forUser("root"),
                new RequestHandler(children, new SpoolMailbox(spool)), 4);
        server.bind();
        serving = new Thread(() -> {
            try {
                server.serve();
            } catch (IOException e) {
                // closed
            }
        }, "test-delivery-helper");
        serving.setDaemon(true);
        serving.start();
        client = new HelperClient(socket);
    }

    /** The helper's, delivery-common's and the api's classes where the test account can read them. */
    private static String readableClassPath() throws IOException {
        Path lib = Files.createDirectory(tmp.resolve("lib"));
        List<String> entries = new ArrayList<>();
        for (Class<?> c : List.of(FileDeliveryMain.class, MboxFile.class, ServiceSettings.class)) {
            Path source = Path.of(java.net.URI.create(c.getProtectionDomain().getCodeSource().getLocation().toString()));
            if (Files.isDirectory(source)) {
                entries.add(source.toString());
            } else {
                Path copy = lib.resolve(source.getFileName());
                Files.copy(source, copy, StandardCopyOption.REPLACE_EXISTING);
                Files.setPosixFilePermissions(copy, PosixFilePermissions.fromString("rw-r--r--"));
                entries.add(copy.toString());
            }
        }
        return String.join(":", entries);
    }

    @AfterAll
    static void stopHelper() throws Exception {
        if (server != null) {
            server.close();
        }
        if (account != null) {
            account.close();
        }
    }

    private static int ownerOf(Path file) throws IOException {
        return (Integer) Files.getAttribute(file, "unix:uid", LinkOption.NOFOLLOW_LINKS);
    }

    private static int groupOf(Path file) throws IOException {
        return (Integer) Files.getAttribute(file, "unix:gid", LinkOption.NOFOLLOW_LINKS);
    }

    private static void message(OutputStream out) throws IOException {
        out.write(MESSAGE.getBytes(StandardCharsets.US_ASCII));
    }

    @Test
    void mboxInTheHomeDirectoryShouldBeWrittenAsTheUser() throws Exception {
        Path mbox = account.home.resolve("mbox");

        client.appendMbox(user, mbox, false, 0, LOCKS, DeliveryHelperIntegrationTest::message);
        client.appendMbox(user, mbox, false, 0, LOCKS, DeliveryHelperIntegrationTest::message);

        assertThat(Files.readString(mbox)).isEqualTo(MESSAGE + MESSAGE);
        assertThat(ownerOf(mbox)).isEqualTo(account.uid);
        assertThat(groupOf(mbox)).isEqualTo(account.gid);
        assertThat(Files.exists(account.home.resolve("mbox.lock"))).isFalse();
    }

    @Test
    void mboxOverItsSizeLimitShouldFailWithTheChildsStatusAndLeaveTheFileAsItWas() throws Exception {
        Path mbox = account.home.resolve("small");
        client.appendMbox(user, mbox, false, 100, LOCKS, DeliveryHelperIntegrationTest::message);

        assertThatThrownBy(() -> client.appendMbox(user, mbox, false, 100, LOCKS, DeliveryHelperIntegrationTest::message))
                .isInstanceOfSatisfying(MailboxException.class, e -> assertThat(e.dsnStatus()).isEqualTo("5.2.2"));
        assertThat(Files.readString(mbox)).isEqualTo(MESSAGE);
    }

    @Test
    void mboxWhereTheUserMayNotWriteShouldBeDeferredNotWrittenAsRoot() throws Exception {
        Path rootOnly = Files.createDirectories(tmp.resolve("root-only"));

        assertThatThrownBy(() -> client.appendMbox(user, rootOnly.resolve("mbox"), false, 0, LOCKS,
                DeliveryHelperIntegrationTest::message))
                .isInstanceOfSatisfying(MailboxException.class, e -> assertThat(e.isTemporary()).isTrue());
        assertThat(rootOnly.resolve("mbox")).doesNotExist();
    }

    @Test
    void maildirShouldBeCreatedAndWrittenAsTheUser() throws Exception {
        Path maildir = account.home.resolve("Maildir");

        client.deliverMaildir(user, maildir, "mx.example.org", 0, DeliveryHelperIntegrationTest::message);

        List<Path> files;
        try (Stream<Path> s = Files.list(maildir.resolve("new"))) {
            files = s.toList();
        }
        assertThat(files).hasSize(1);
        assertThat(Files.readString(files.get(0))).isEqualTo(MESSAGE);
        assertThat(ownerOf(files.get(0))).isEqualTo(account.uid);
        assertThat(ownerOf(maildir)).isEqualTo(account.uid);
        assertThat(groupOf(maildir.resolve("cur"))).isEqualTo(account.gid);
    }

    @Test
    void spoolMailboxShouldBeCreatedByTheHelperAndGivenToTheUser() throws Exception {
        Path mbox = spool.resolve(account.name);

        client.appendMbox(user, mbox, true, 0, LOCKS, DeliveryHelperIntegrationTest::message);

        assertThat(Files.readString(mbox)).isEqualTo(MESSAGE);
        assertThat(ownerOf(mbox)).isEqualTo(account.uid);
        assertThat(Files.getPosixFilePermissions(mbox)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
    }

    @Test
    void spoolMailboxOfAnotherUserShouldBeRefused() throws Exception {
        Path theirs = Files.writeString(spool.resolve("someone"), "theirs\n");

        assertThatThrownBy(() -> client.appendMbox(user, theirs, true, 0, LOCKS, DeliveryHelperIntegrationTest::message))
                .isInstanceOfSatisfying(MailboxException.class, e -> {
                    assertThat(e.dsnStatus()).isEqualTo("4.3.0");
                    assertThat(e.getMessage()).contains("owned by uid 0");
                });
        assertThat(Files.readString(theirs)).isEqualTo("theirs\n");
    }

    @Test
    void spoolRequestOutsideTheSpoolDirectoryShouldBeRefused() {
        Path elsewhere = tmp.resolve("elsewhere");

        assertThatThrownBy(() -> client.appendMbox(user, elsewhere, true, 0, LOCKS, DeliveryHelperIntegrationTest::message))
                .isInstanceOf(MailboxException.class).hasMessageContaining("not in the mail spool directory");
        assertThat(elsewhere).doesNotExist();
    }

    @Test
    void commandShouldRunAsTheUserWithTheMessageOnItsInput() throws Exception {
        CommandRunner.Outcome outcome = client.runCommand(user, List.of("/bin/sh", "-c", "id -u; id -g; wc -l"),
                account.home, Map.of("PATH", "/usr/bin:/bin"), Duration.ofSeconds(60), 1024,
                LingeringOutput.GRACE_PERIOD, DeliveryHelperIntegrationTest::message);

        assertThat(outcome.timedOut()).isFalse();
        assertThat(outcome.status()).isZero();
        assertThat(outcome.output().strip().split("\n"))
                .containsExactly(Integer.toString(account.uid), Integer.toString(account.gid), "5");
    }

    @Test
    void commandThatIgnoresItsInputShouldStillGetItsStatusBack() throws Exception {
        byte[] big = new byte[3 * 1024 * 1024];
        CommandRunner.Outcome outcome = client.runCommand(user, List.of("/bin/sh", "-c", "exit 75"), account.home,
                Map.of(), Duration.ofSeconds(60), 1024, LingeringOutput.WITHIN_TIME_LIMIT, out -> out.write(big));

        assertThat(outcome.status()).isEqualTo(75);
    }

    @Test
    void commandShouldSeeExactlyTheRequestedEnvironment() throws Exception {
        CommandRunner.Outcome outcome = client.runCommand(user, List.of("/usr/bin/env"), account.home,
                Map.of("FOO", "bar baz", "PATH", "/usr/bin:/bin"), Duration.ofSeconds(60), 4096,
                LingeringOutput.GRACE_PERIOD, out -> { });

        assertThat(outcome.output().strip().split("\n")).containsExactlyInAnyOrder("FOO=bar baz", "PATH=/usr/bin:/bin");
    }

    @Test
    void requestedEnvironmentShouldNeverReachSetprivWhileItIsRoot() throws Exception {
        // ld.so names an LD_PRELOAD it cannot load once in each program started with it: here
        // only /bin/true, as the user; root's setpriv (and env) start with the helper's own.
        CommandRunner.Outcome outcome = client.runCommand(user, List.of("/bin/true"), account.home,
                Map.of("LD_PRELOAD", "/nonexistent/postern-test.so"), Duration.ofSeconds(60), 4096,
                LingeringOutput.GRACE_PERIOD, out -> { });

        assertThat(outcome.status()).isZero();
        assertThat(outcome.output().split("postern-test\\.so", -1)).hasSize(2);
    }

    @Test
    void environmentNameThatIsNoIdentifierShouldBeRefused() {
        assertThatThrownBy(() -> client.runCommand(user, List.of("/bin/true"), account.home,
                Map.of("-u", "x"), Duration.ofSeconds(10), 100, LingeringOutput.GRACE_PERIOD, out -> { }))
                .isInstanceOf(IOException.class).hasMessageContaining("bad environment name");
    }

    @Test
    void rootShouldBeRefusedForEveryRequest() {
        UserIdentity root = new UserIdentity("root", 0, 0, Groups.INIT);
        UserIdentity rootGroup = new UserIdentity(account.name, account.uid, 0, Groups.CLEAR);

        assertThatThrownBy(() -> client.runCommand(root, List.of("/usr/bin/id", "-u"), Path.of("/"), Map.of(),
                Duration.ofSeconds(10), 100, LingeringOutput.GRACE_PERIOD, out -> { }))
                .isInstanceOf(IOException.class).hasMessageContaining("will not act as uid 0");
        assertThatThrownBy(() -> client.appendMbox(rootGroup, account.home.resolve("g0"), false, 0, LOCKS,
                DeliveryHelperIntegrationTest::message)).isInstanceOf(MailboxException.class)
                .hasMessageContaining("will not act as");
        assertThatThrownBy(() -> client.readUserFile(root, Path.of("/etc/shadow"), 100))
                .isInstanceOf(IOException.class).hasMessageContaining("will not act as uid 0");
        assertThat(account.home.resolve("g0")).doesNotExist();
    }

    @Test
    void forwardFileShouldBeReadAsTheUserWhenItIsTheirs() throws Exception {
        Path forward = account.home.resolve(".forward");
        Files.writeString(forward, "|/usr/bin/procmail\n");
        Files.setPosixFilePermissions(forward, PosixFilePermissions.fromString("rw-------"));
        TestAccount.run("chown", account.uid + ":" + account.gid, forward.toString());

        UserFile read = client.readUserFile(user, forward, 4096);

        assertThat(read).isInstanceOf(UserFile.Content.class);
        assertThat(new String(((UserFile.Content) read).bytes(), StandardCharsets.UTF_8)).isEqualTo("|/usr/bin/procmail\n");
    }

    @Test
    void userFileShouldBeMissingUntrustedOrUnreadableAsTheKernelSays() throws Exception {
        Path rootsUnreadable = Files.writeString(tmp.resolve("root-secret"), "secret\n");
        Files.setPosixFilePermissions(rootsUnreadable, PosixFilePermissions.fromString("rw-------"));
        Path nobodys = Files.writeString(account.home.resolve(".forward+nobody"), "x\n");
        TestAccount.run("chown", "65534:65534", nobodys.toString());
        Path link = Files.createSymbolicLink(account.home.resolve(".forward+link"), rootsUnreadable);

        assertThat(client.readUserFile(user, account.home.resolve(".forward+none"), 100)).isInstanceOf(UserFile.Missing.class);
        assertThat(client.readUserFile(user, rootsUnreadable, 100)).isInstanceOf(UserFile.Untrusted.class);
        assertThat(client.readUserFile(user, nobodys, 100)).isInstanceOf(UserFile.Untrusted.class);
        assertThat(client.readUserFile(user, link, 100)).isInstanceOf(UserFile.Untrusted.class);
    }

    @Test
    void peerPolicyShouldServeOnlyTheConfiguredUser() throws IOException {
        UserPrincipalLookupService names = FileSystems.getDefault().getUserPrincipalLookupService();
        GroupPrincipal group = names.lookupPrincipalByGroupName("root");
        PeerPolicy policy = PeerPolicy.forUser(account.name);

        assertThat(policy.allows(new UnixDomainPrincipal(names.lookupPrincipalByName(account.name), group))).isTrue();
        assertThat(policy.allows(new UnixDomainPrincipal(names.lookupPrincipalByName("root"), group))).isFalse();
        assertThat(policy.allows(new UnixDomainPrincipal(names.lookupPrincipalByName("nobody"), group))).isFalse();
        assertThat(policy.allows(null)).isFalse();
    }

    @Test
    void connectionFromAnotherUserShouldBeClosedWithoutAnAnswer() throws Exception {
        Path socket = client.socket();
        Path dir = socket.getParent();
        Optional<Path> socat = Stream.of(Path.of("/usr/bin/socat"), Path.of("/bin/socat")).filter(Files::isExecutable).findFirst();
        assumeTrue(socat.isPresent(), "needs socat(1) to connect as another user");
        long before = server.refusedConnections();
        // Let nobody reach the socket at all: the peer check, not the file mode, must refuse it.
        Files.setPosixFilePermissions(socket, PosixFilePermissions.fromString("rw-rw-rw-"));
        try {
            List<String> command = new ArrayList<>(Setpriv.prefix(Setpriv.find().get(), 65534, 65534, Groups.CLEAR));
            command.addAll(List.of(socat.get().toString(), "-t", "5", "-", "UNIX-CONNECT:" + socket));
            // socat may complain on its standard error that the helper closed the connection
            Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
            try (OutputStream in = p.getOutputStream()) {
                in.write("PDH1 anything".getBytes(StandardCharsets.US_ASCII));
            }
            byte[] answer = p.getInputStream().readAllBytes();
            assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();

            assertThat(answer).isEmpty();
            assertThat(server.refusedConnections()).isEqualTo(before + 1);
            assertThat(Files.getPosixFilePermissions(dir)).isEqualTo(PosixFilePermissions.fromString("rwx--x--x"));
        } finally {
            Files.setPosixFilePermissions(socket, PosixFilePermissions.fromString("rw-------"));
        }
    }

    @Test
    void clientShouldSayTheHelperIsUnavailableWhenNothingListens() {
        HelperClient nowhere = new HelperClient(tmp.resolve("no-such-socket"));

        assertThatThrownBy(() -> nowhere.appendMbox(user, account.home.resolve("x"), false, 0, LOCKS,
                DeliveryHelperIntegrationTest::message)).isInstanceOf(HelperUnavailableException.class);
        assertThatThrownBy(() -> nowhere.readUserFile(user, account.home.resolve(".forward"), 10))
                .isInstanceOf(HelperUnavailableException.class);
    }
}
