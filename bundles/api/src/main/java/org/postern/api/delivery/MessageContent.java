// SPDX-License-Identifier: Apache-2.0
package org.postern.api.delivery;

import java.io.IOException;
import java.io.InputStream;

import org.osgi.annotation.versioning.ProviderType;

/** The queued message (RFC 5322 headers and body, CRLF line ends), readable as often as needed. */
@ProviderType
public interface MessageContent {

    InputStream open() throws IOException;

    /** Size in bytes, as SIZE= and message_size_limit count it. */
    long size();
}
