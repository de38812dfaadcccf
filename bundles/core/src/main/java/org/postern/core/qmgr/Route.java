// SPDX-License-Identifier: Apache-2.0
package org.postern.core.qmgr;

/**
 * Where one recipient goes: the master.cf transport (service name) and its nexthop, e.g.
 * {@code smtp} and {@code example.com}, {@code relay} and {@code [mail.isp.example]:587},
 * {@code error} and {@code 5.1.1 User unknown}. Recipients with equal routes share deliveries.
 */
record Route(String transport, String nexthop) {

    @Override
    public String toString() {
        return transport + ":" + nexthop;
    }
}
