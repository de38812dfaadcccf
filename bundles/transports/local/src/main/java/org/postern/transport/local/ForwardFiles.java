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

/**
 * SUMMARY   Finds and reads a user's .forward file along forward_path.
 * DESCRIPTION
 *   Each forward_path entry is expanded with $user, $home, $shell, $recipient, $local,
 *   $extension, $domain and $recipient_delimiter (values filtered by
 *   forward_expansion_filter); an entry that refers to an attribute without a value is
 *   skipped, so "$home/.forward${recipient_delimiter}${extension}" only counts for
 *   recipients with an extension. The first entry naming an existing file is read.
 * SECURITY  The file is the user's; when Postern runs as root it must be a regular file (not
 *   a symbolic link) owned by the user or root and readable by the user.
 */
final class ForwardFiles {

    private ForwardFiles() {
    }

    /** The lines of the first .forward file found, or empty when there is none. */
    static Optional<List<String>> read(LocalSettings settings, PasswdEntry user, LocalAddress address) throws IOException {
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
            if (!Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
                continue;
            }
            if (root && !trusted(file, user)) {
                continue;
            }
            return Optional.of(Files.readAllLines(file, StandardCharsets.UTF_8));
        }
        return Optional.empty();
    }

    private static boolean trusted(Path file, PasswdEntry user) {
        if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
            return false;
        }
        MailboxOwner owner = FileAccess.ownerOf(file);
        return owner != null && (owner.uid() == user.uid() || owner.uid() == 0) && FileAccess.mayRead(file, user);
    }
}
