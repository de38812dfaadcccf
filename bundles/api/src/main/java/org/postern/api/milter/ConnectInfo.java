// SPDX-License-Identifier: Apache-2.0
package org.postern.api.milter;

/**
 * The client of a session, as SMFIC_CONNECT carries it.
 *
 * @param name    the verified client hostname, or "unknown"
 * @param address the client's IP address (IPv6 without brackets), or "unknown" when there is none
 * @param port    the client's TCP port, 0 when unknown
 */
public record ConnectInfo(String name, String address, int port) {
}
