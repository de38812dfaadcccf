// SPDX-License-Identifier: Apache-2.0
package org.postern.core.smtpd;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

import io.netty.util.NetUtil;

/**
 * SUMMARY   Who the SMTP client of one session is: address, port, verified and reverse names,
 *           the HELO name and protocol, and what XCLIENT and XFORWARD said instead.
 * DESCRIPTION
 *   Filled from the socket at connect and from the client hostname lookup; HELO/EHLO sets the
 *   HELO name and the protocol (SMTP or ESMTP), STARTTLS forgets them. XCLIENT replaces the
 *   attributes it names ({@link #replace}); XFORWARD attributes ({@link #forward}) are kept for
 *   the next transaction only and describe the up-stream client in the log and the envelope.
 * SECURITY  Everything here but the socket address and port is client-supplied or DNS-supplied;
 *           callers make it printable before they log it.
 * BUGS      The name statuses are kept but not read: SmtpFacts cannot carry them, so
 *           reject_unknown_client_hostname asks the DNS again.
 */
final class ClientIdentity {

    private String address = "unknown";
    private int port;
    /** The client address for list matching; null when unknown (XCLIENT ADDR=[UNAVAILABLE]). */
    private InetAddress ip;
    private String name = ClientHostname.UNKNOWN;
    private String reverseName = ClientHostname.UNKNOWN;
    /** Why the names are what they are (Postfix's SMTPD_PEER_CODE). */
    private ClientHostname.Status nameStatus = ClientHostname.Status.PERM;
    private ClientHostname.Status reverseNameStatus = ClientHostname.Status.PERM;
    private String helo;
    private boolean esmtp;
    /** XCLIENT PROTO until the next HELO/EHLO; null otherwise. */
    private String protocolOverride;
    private boolean xclientAllowed;
    private boolean xforwardAllowed;
    /** XFORWARD attributes for the next transaction (NAME, ADDR, PORT, PROTO, HELO, IDENT, SOURCE). */
    private final Map<String, String> xforward = new LinkedHashMap<>();

    /** The socket's peer; an IPv4-mapped IPv6 address is written as IPv4. */
    void connectedFrom(SocketAddress remote) {
        if (remote instanceof InetSocketAddress) {
            InetSocketAddress isa = (InetSocketAddress) remote;
            ip = isa.getAddress();
            port = isa.getPort();
            if (ip != null) {
                address = NetUtil.toAddressString(ip);
                if (address.startsWith("::ffff:") && address.indexOf('.') > 0) {
                    address = address.substring(7);
                }
            }
        }
    }

    /** The outcome of the client hostname lookup. */
    void named(ClientHostname.Names names) {
        name = names.name();
        nameStatus = names.nameStatus();
        reverseName = names.reverseName();
        reverseNameStatus = names.reverseStatus();
    }

    /** The hostname lookup took too long: the names stay "unknown", with a temporary status. */
    void lookupTimedOut() {
        nameStatus = ClientHostname.Status.TEMP;
        reverseNameStatus = ClientHostname.Status.TEMP;
    }

    /** smtpd_authorized_xclient_hosts and smtpd_authorized_xforward_hosts for this address. */
    void authorize(SmtpdSettings st) {
        xclientAllowed = ip != null && st.xclientHosts().matches(ip);
        xforwardAllowed = ip != null && st.xforwardHosts().matches(ip);
    }

    /**
     * XCLIENT: the attributes given replace the client's; HELO and PROTO are forgotten unless
     * given; XCLIENT authorization is decided again for the new address.
     */
    void replace(XclientAttributes.Update u, SmtpdSettings st) {
        if (u.name != null) {
            name = u.name;
            nameStatus = u.nameStatus;
        }
        if (u.reverseName != null) {
            reverseName = u.reverseName;
            reverseNameStatus = u.reverseStatus;
        }
        if (u.address != null) {
            address = u.address;
            byte[] b = NetUtil.createByteArrayFromIpAddressString(u.address);
            try {
                ip = b == null ? null : InetAddress.getByAddress(b);
            } catch (java.net.UnknownHostException e) {
                ip = null;
            }
        }
        if (u.port != null) {
            port = u.port;
        }
        if (u.heloGiven) {
            helo = u.helo;
        } else {
            helo = null;
        }
        esmtp = false;
        protocolOverride = u.protocol;
        xclientAllowed = ip != null && st.xclientHosts().matches(ip);
    }

    /** HELO/EHLO names the client (before its restrictions ran; {@link #greeted} when they passed). */
    void helo(String name) {
        helo = name;
    }

    /** HELO/EHLO was accepted: SMTP or ESMTP from now on, XCLIENT PROTO forgotten. */
    void greeted(boolean extended) {
        esmtp = extended;
        protocolOverride = null;
    }

    /** STARTTLS: the client must say HELO/EHLO again. */
    void forgetHelo() {
        helo = null;
        esmtp = false;
        protocolOverride = null;
    }

    /** XFORWARD: attributes of the up-stream client for the next transaction. */
    void forward(Map<String, String> values) {
        xforward.putAll(values);
    }

    /** The transaction ended: XFORWARD attributes apply to one transaction only. */
    void forgetForward() {
        xforward.clear();
    }

    String address() {
        return address;
    }

    int port() {
        return port;
    }

    /** Null when the address is unknown. */
    InetAddress ip() {
        return ip;
    }

    String name() {
        return name;
    }

    String reverseName() {
        return reverseName;
    }

    /** Null before HELO/EHLO. */
    String helo() {
        return helo;
    }

    boolean esmtp() {
        return esmtp;
    }

    boolean xclientAllowed() {
        return xclientAllowed;
    }

    boolean xforwardAllowed() {
        return xforwardAllowed;
    }

    /** The XFORWARD attributes given for the current transaction, read-only. */
    Map<String, String> xforward() {
        return Collections.unmodifiableMap(xforward);
    }

    /** name[address], as Postfix logs a client. */
    String client() {
        return name + "[" + address + "]";
    }

    /** SMTP or ESMTP (or what XCLIENT PROTO said until the next HELO/EHLO). */
    String baseProtocol() {
        return protocolOverride != null ? protocolOverride : esmtp ? "ESMTP" : "SMTP";
    }

    /** The protocol with TLS: ESMTPS for ESMTP over TLS. */
    String protocol(boolean tls) {
        String p = baseProtocol();
        return tls && p.equals("ESMTP") ? p + "S" : p;
    }

    /** The XFORWARD client as name[addr] (or the name alone without an address), else the client. */
    String forwardOrigin() {
        if (!xforward.containsKey("NAME") && !xforward.containsKey("ADDR")) {
            return client();
        }
        String forwardName = xforward.getOrDefault("NAME", name);
        String addr = xforward.getOrDefault("ADDR", address);
        return addr.equals(ClientHostname.UNKNOWN) ? forwardName : forwardName + "[" + addr + "]";
    }
}
