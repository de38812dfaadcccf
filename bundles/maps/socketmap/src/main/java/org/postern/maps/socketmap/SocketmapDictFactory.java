// SPDX-License-Identifier: Apache-2.0
package org.postern.maps.socketmap;

import java.util.Set;

import org.osgi.service.component.annotations.Component;
import org.postern.api.dict.Dict;
import org.postern.api.dict.DictContext;
import org.postern.api.dict.DictException;
import org.postern.api.dict.DictFactory;
import org.postern.api.dict.DictFlag;
import org.postern.api.dict.DictType;
import org.postern.api.support.LogText;

/**
 * SUMMARY   socketmap - Sendmail socketmap client ("socketmap:inet:127.0.0.1:9999:virtual",
 *           "socketmap:unix:/run/maps.sock:virtual").
 * DESCRIPTION
 *   The name is an endpoint and, after the last ":", the map name sent with every request.
 *   UNIX-domain sockets use Java's UnixDomainSocketAddress. Nothing is contacted at open.
 *   Limits are Postfix's: 10 s timeout, replies up to 100000 bytes, idle connections kept
 *   10 s, connections renewed after 100 s (see {@link SocketmapLimits}).
 * SECURITY  Keys from the network are sent as they are inside a netstring, which carries any
 *   byte (spaces, commas, colons, NUL) without quoting. Neither the connection nor the
 *   server is authenticated: do not use it for security-sensitive data.
 * BUGS      Only lookups, as in Postfix; the limits are not configurable.
 * SEE ALSO  Postfix socketmap_table(5), dict_sockmap(3); netstrings: http://cr.yp.to/proto/netstrings.txt
 */
@Component(service = DictFactory.class)
@DictType("socketmap")
public final class SocketmapDictFactory implements DictFactory {

    @Override
    public Dict open(String name, Set<DictFlag> flags, DictContext context) throws DictException {
        return open(name, flags, SocketmapLimits.POSTFIX);
    }

    static SocketmapDict open(String name, Set<DictFlag> flags, SocketmapLimits limits) throws DictException {
        int colon = name.lastIndexOf(':');
        if (colon <= 0 || colon == name.length() - 1) {
            throw new DictException("socketmap:" + LogText.printable(name)
                    + ": expecting socketmap:inet:host:port:name or socketmap:unix:pathname:name", false);
        }
        try {
            SocketmapEndpoint endpoint = SocketmapEndpoint.parse(name.substring(0, colon));
            return new SocketmapDict(name, flags, endpoint, name.substring(colon + 1), limits);
        } catch (IllegalArgumentException e) {
            throw new DictException("socketmap:" + LogText.printable(name) + ": " + LogText.printable(e.getMessage()), false);
        }
    }
}
