// SPDX-License-Identifier: Apache-2.0
package org.postern.api.parameter;

import java.util.List;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * The main.cf parameters one plugin bundle reads, declared once with type, default and bounds.
 * <p>
 * A plugin registers it as an OSGi service from a Declarative Services component:
 * <pre>
 * &#64;Component(service = ParameterSet.class)
 * public final class VirtualParameters implements ParameterSet {
 *     static final Parameter MINIMUM_UID = Parameter.integer("virtual_minimum_uid", "100", 1);
 *     ...
 *     &#64;Override
 *     public List&lt;Parameter&gt; parameters() { return ALL; }
 * }
 * </pre>
 * Core tracks these services as a whiteboard and merges them with its own table: while the
 * bundle is active, {@code postconf -d} lists its parameters, main.cf settings of them are
 * validated when the configuration is loaded (a malformed value stops {@code postern:check} and
 * reload, naming file, line and parameter), and {@link org.postern.api.delivery.ServiceSettings}
 * returns their defaults. When the bundle stops, they are gone again: postconf treats them as it
 * treats any name nobody declares, as Postfix's postconf does for a plugin that is not installed.
 * The plugin reads its values through the same constants
 * ({@code settings.integer(VirtualParameters.MINIMUM_UID)}), so the default exists in one place.
 * <p>
 * A name that core or another active bundle already declares identically is accepted (two
 * agents may share a parameter); a different declaration of a taken name is ignored with a
 * warning, the first one staying in force.
 */
@ConsumerType
public interface ParameterSet {

    /** The declarations; the same list every time. */
    List<Parameter> parameters();
}
