// SPDX-License-Identifier: Apache-2.0
/**
 * Plugin-owned main.cf parameters. A bundle declares the parameters it reads as
 * {@link org.postern.api.parameter.Parameter}s (name, type, default that may refer to other
 * parameters as $name, bounds) and registers them as a {@link org.postern.api.parameter.ParameterSet}
 * service from a Declarative Services component; core merges every active set with its own
 * table, so that postconf, the configuration check and
 * {@link org.postern.api.delivery.ServiceSettings} see them while the bundle is active and forget
 * them when it stops. A malformed value is a {@link org.postern.api.parameter.ParameterException}
 * naming file, line and parameter ({@link org.postern.api.parameter.ParameterSource}), never a
 * silent default. {@link org.postern.api.parameter.ParameterSyntax} holds Postfix's value syntax.
 */
@Export
@Version("1.1.0")
package org.postern.api.parameter;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
