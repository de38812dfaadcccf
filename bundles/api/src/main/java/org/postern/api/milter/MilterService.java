// SPDX-License-Identifier: Apache-2.0
package org.postern.api.milter;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Opens the filters of one SMTP session. Registered by a plugin; core takes the one present
 * when a session starts, so a new or updated plugin serves the sessions that start after it.
 */
@ConsumerType
public interface MilterService {

    /** One session's filters; never throws: a filter that cannot be used answers its default action. */
    MilterSession open(MilterSettings settings);
}
