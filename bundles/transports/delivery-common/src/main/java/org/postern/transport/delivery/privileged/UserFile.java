// SPDX-License-Identifier: Apache-2.0
package org.postern.transport.delivery.privileged;

/** What reading a user's file (a .forward, an :include: file) as that user gave. */
public sealed interface UserFile {

    /** There is no such file. */
    record Missing() implements UserFile {
    }

    /**
     * The file exists but is not used: not a regular file, a symbolic link, owned by someone
     * other than the user or root, or not readable by the user.
     *
     * @param reason for the log
     */
    record Untrusted(String reason) implements UserFile {
    }

    /** The file's bytes (at most the limit asked for). */
    record Content(byte[] bytes) implements UserFile {
        public Content {
            bytes = bytes.clone();
        }

        @Override
        public byte[] bytes() {
            return bytes.clone();
        }
    }
}
