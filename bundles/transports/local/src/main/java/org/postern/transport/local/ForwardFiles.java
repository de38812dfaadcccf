// SPDX-License-Identifier: Apache-2.0
package org.postern.transport.local;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.postern.transport.delivery.MailboxOwner;
import org.postern.transport.delivery.PathTemplate;
import org.postern.transport.delivery.privileged.PrivilegedDelivery;
import org.postern.transport.delivery.privileged.UserFile;

/**
 * SUMMARY   Finds and reads a user's .forward file along forward_path.
 * DESCRIPTION
 *   Each forward_path entry is expanded with $user, $home, $shell, $recipient, $local,
 *   $extension, $domain and $recipient_delimiter (values filtered by
 *   forward_expansion_filter); an entry that refers to an attribute without a value is
 *   skipped, so "$home/.forward${recipient_delimiter}${extension}" only counts for
 *   recipients with an extension. The first entry naming an existing file is read.
 *   The file is read as the user ({@link PrivilegedDelivery#readUserFile}): by this JVM when
 *   it is root or that user, else by the privileged delivery helper, so that Postern's own
 *   user needs no access to home directories.
 * SECURITY  The file is the user's; when Postern runs as root or through the helper it must
 *   be a regular file (not a symbolic link) owned by the user or root and readable by the user.
 */
final class ForwardFiles {

    private ForwardFiles() {
    }

    /** The largest .forward file read. */
    static final int SIZE_LIMIT = 1024 * 1024;

    /**
     * The lines of the first .forward file found, or empty when there is none.
     *
     * @throws org.postern.transport.delivery.privileged.HelperUnavailableException the helper was needed and did not answer
     */
    static Optional<List<String>> read(LocalSettings settings, PasswdEntry user, LocalAddress address,
                                       PrivilegedDelivery asUser) throws IOException {
        Map<String, String> attributes = LocalAttributes.of(settings, user, address);
        PathTemplate template = new PathTemplate(attributes::get, settings.forwardFilter());
        boolean root = MailboxOwner.processIsRoot();
        for (String entry : settings.forwardPath().split("[\\s,]+")) {
            if (entry.isEmpty()) {
                continue;
            }
            PathTemplate.Result result = template.expand(entry);
            if (result.undefined() || !result.text().startsWith("/")) {
                continue;
            }
            Path file = Path.of(result.text());
            if (root && Files.exists(file, LinkOption.NOFOLLOW_LINKS) && !FileAccess.mayRead(file, user)) {
                continue;
            }
            UserFile found = asUser.readUserFile(DeliveryPrivileges.identity(user), file, SIZE_LIMIT);
            if (found instanceof UserFile.Content content) {
                return Optional.of(new String(content.bytes(), StandardCharsets.UTF_8).lines().toList());
            }
        }
        return Optional.empty();
    }
}
