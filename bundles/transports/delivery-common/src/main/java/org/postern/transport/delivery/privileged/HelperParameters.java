// SPDX-License-Identifier: Apache-2.0
package org.postern.transport.delivery.privileged;

import java.nio.file.Path;
import java.util.List;

import org.osgi.service.component.annotations.Component;
import org.postern.api.delivery.ServiceSettings;
import org.postern.api.parameter.Parameter;
import org.postern.api.parameter.ParameterSet;

/**
 * SUMMARY   Where the privileged delivery helper listens, declared once for local(8) and pipe(8).
 * CONFIGURATION PARAMETERS
 *   delivery_helper_socket ($data_directory/private/delivery-helper): the helper's
 *   UNIX-domain socket; it must be the --socket the helper was started with. Used only when
 *   Postern does not run as root and a delivery is for another user.
 */
@Component(service = ParameterSet.class)
public final class HelperParameters implements ParameterSet {

    public static final Parameter DELIVERY_HELPER_SOCKET = Parameter.string("delivery_helper_socket",
            "$data_directory/private/delivery-helper");

    private static final List<Parameter> ALL = List.of(DELIVERY_HELPER_SOCKET);

    @Override
    public List<Parameter> parameters() {
        return ALL;
    }

    /** The helper client for the socket {@code settings} name. */
    public static HelperClient client(ServiceSettings settings) {
        return new HelperClient(Path.of(settings.string(DELIVERY_HELPER_SOCKET)));
    }
}
