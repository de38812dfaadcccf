// SPDX-License-Identifier: Apache-2.0
package org.postern.transport.smtp;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.ThreadLocalRandom;

import org.postern.api.dns.DnsRecord;
import org.postern.api.dns.DnsRecordType;
import org.postern.api.dns.DnsResolver;
import org.postern.api.dns.DnsResult;
import org.postern.api.dns.DnssecStatus;
import org.postern.api.support.IpAddresses;

/**
 * SUMMARY   Nexthop to the ordered list of endpoints to try (Postfix smtp_addr.c's job).
 * DESCRIPTION
 *   MX_DOMAIN: MX records sorted by preference, random order among equal preferences, then
 *   each exchanger's A and AAAA records (as inet_protocols allows); at most
 *   smtp_mx_address_limit addresses (0: no limit). No MX records: the domain's own addresses.
 *   A null MX (RFC 7505) bounces. NXDOMAIN bounces ("Host or domain name not found");
 *   any temporary DNS failure defers. When the exchangers have no addresses the mail bounces,
 *   or defers with smtp_defer_if_no_mx_address_found = yes or when a lookup failed temporarily.
 *   HOST: the host's addresses, or the address literal itself. UNIX: the socket path.
 *   With smtp_dns_support_level = dnssec each endpoint says whether the lookups that led to it
 *   were validated ({@link Endpoint#secure()}: the MX RRset, or its validated denial, unless
 *   smtp_tls_dane_insecure_mx_policy = dane, and the host's address RRset), which DANE needs.
 *   A bogus or failed AAAA lookup next to a good A answer still gives the IPv4 endpoints.
 *   smtp_dns_support_level = disabled skips MX lookups; smtp_host_lookup = native (or disabled
 *   DNS) takes host addresses from the system's resolver, never validated.
 * SECURITY  DNS answers are untrusted: names and addresses only flow into connects and
 *   diagnostics (which are printable-escaped where they are logged).
 * BUGS      No smtp_address_preference or balancing: IPv4 addresses come before IPv6 ones
 *   for each host. No loop detection against this host's own addresses.
 */
final class DestinationResolver {

    /** Endpoints to try in order, or why there are none. */
    sealed interface Resolution permits Resolution.Endpoints, Resolution.Failure {
        record Endpoints(List<Endpoint> endpoints) implements Resolution {
        }

        record Failure(boolean permanent, String dsnStatus, String diagnostic) implements Resolution {
        }
    }

    private final DnsResolver dns;
    private final ClientSettings settings;
    private final DnsSupport support;
    private final Random random;

    /** @param dns null when no resolver service is there: every lookup fails temporarily */
    DestinationResolver(DnsResolver dns, ClientSettings settings, DnsSupport support) {
        this(dns, settings, support, ThreadLocalRandom.current());
    }

    DestinationResolver(DnsResolver dns, ClientSettings settings, Random random) {
        this(dns, settings, DnsSupport.ENABLED, random);
    }

    DestinationResolver(DnsResolver dns, ClientSettings settings, DnsSupport support, Random random) {
        this.dns = dns;
        this.settings = settings;
        this.support = support;
        this.random = random;
    }

    Resolution resolve(Nexthop nexthop) {
        int port = nexthop.port() > 0 ? nexthop.port() : settings.tcpPort();
        return switch (nexthop.kind()) {
            case UNIX -> new Resolution.Endpoints(List.of(Endpoint.unix(settings.myHostname(), nexthop.path())));
            case HOST -> hostEndpoints(nexthop.host(), port, true);
            case MX_DOMAIN -> literal(nexthop.host()) != null || !support.mxLookups()
                    ? hostEndpoints(nexthop.host(), port, true) : mxEndpoints(nexthop.host(), port);
        };
    }

    private Resolution mxEndpoints(String domain, int port) {
        DnsResult mx = lookup(domain, DnsRecordType.MX);
        if (mx instanceof DnsResult.NoData) {
            return hostEndpoints(domain, port, secure(mx));
        }
        if (mx instanceof DnsResult.NoSuchDomain) {
            return notFound(domain, "MX", true);
        }
        if (mx instanceof DnsResult.TemporaryFailure) {
            return notFound(domain, "MX", false);
        }
        List<DnsRecord> exchangers = ordered(((DnsResult.Answer) mx).records());
        if (exchangers.isEmpty()) {
            return hostEndpoints(domain, port, secure(mx));
        }
        if (exchangers.size() == 1 && isNullMx(exchangers.get(0))) {
            return new Resolution.Failure(true, "5.1.10", "Domain " + domain + " does not accept mail (nullMX)");
        }
        List<Endpoint> endpoints = new ArrayList<>();
        Resolution.Failure lastFailure = null;
        boolean temporary = false;
        for (DnsRecord exchanger : exchangers) {
            if (isNullMx(exchanger)) {
                continue;
            }
            Resolution r = hostEndpoints(exchanger.data().toLowerCase(Locale.ROOT), port,
                    secure(mx) || support.daneForInsecureMx());
            if (r instanceof Resolution.Endpoints e) {
                endpoints.addAll(e.endpoints());
            } else {
                lastFailure = (Resolution.Failure) r;
                temporary |= !lastFailure.permanent();
            }
        }
        if (!endpoints.isEmpty()) {
            int limit = settings.mxAddressLimit();
            return new Resolution.Endpoints(limit > 0 && endpoints.size() > limit ? endpoints.subList(0, limit) : endpoints);
        }
        if (lastFailure == null) {
            return new Resolution.Failure(true, "5.4.4", "Host or domain name not found. Name service error for name="
                    + domain + " type=MX: Host not found");
        }
        boolean defer = temporary || settings.deferIfNoMxAddress();
        return new Resolution.Failure(!defer, defer ? "4.4.3" : "5.4.4", lastFailure.diagnostic());
    }

    /**
     * The host's addresses.
     *
     * @param securePath whether the lookups that named this host (the MX RRset) were validated,
     *                   or there were none (a [host] nexthop); the endpoints are secure only then
     */
    private Resolution hostEndpoints(String host, int port, boolean securePath) {
        InetAddress literal = literal(host);
        if (literal != null) {
            return new Resolution.Endpoints(List.of(Endpoint.inet(host, literal, port)));
        }
        if (!support.dnsHosts()) {
            return nativeEndpoints(host, port);
        }
        List<Endpoint> endpoints = new ArrayList<>();
        DnsResult last = null;
        String lastType = "A";
        boolean temporary = false;
        for (DnsRecordType type : addressTypes()) {
            DnsResult r = lookup(host, type);
            if (r instanceof DnsResult.Answer answer) {
                boolean secure = securePath && secure(answer);
                for (DnsRecord record : answer.records()) {
                    InetAddress a = address(host, record);
                    if (a != null) {
                        endpoints.add(Endpoint.inet(host, a, port, secure, record.name().toLowerCase(Locale.ROOT)));
                    }
                }
            } else {
                temporary |= r instanceof DnsResult.TemporaryFailure;
                last = r;
                lastType = type.name();
            }
        }
        if (!endpoints.isEmpty()) {
            return new Resolution.Endpoints(endpoints);
        }
        if (support.nativeHosts()) {
            return nativeEndpoints(host, port);
        }
        if (temporary) {
            return notFound(host, lastType, false);
        }
        if (last instanceof DnsResult.NoData) {
            return new Resolution.Failure(true, "5.4.4", "Host or domain name not found. Name service error for name="
                    + host + " type=" + lastType + ": Host found but no data record of requested type");
        }
        return notFound(host, lastType, true);
    }

    /** smtp_host_lookup = native (or DNS disabled): the system's resolver, never DNSSEC-validated. */
    private Resolution nativeEndpoints(String host, int port) {
        List<Endpoint> endpoints = new ArrayList<>();
        try {
            for (InetAddress a : InetAddress.getAllByName(host)) {
                boolean v6 = a.getAddress().length == 16;
                if (v6 ? settings.ipv6() : settings.ipv4()) {
                    endpoints.add(Endpoint.inet(host, a, port));
                }
            }
        } catch (UnknownHostException e) {
            return notFound(host, "A", true);
        }
        return endpoints.isEmpty() ? notFound(host, "A", true) : new Resolution.Endpoints(endpoints);
    }

    /** Validated, and DNSSEC asked for (smtp_dns_support_level = dnssec). */
    private boolean secure(DnsResult result) {
        return support.dnssec() && result.dnssec() == DnssecStatus.SECURE;
    }

    private List<DnsRecordType> addressTypes() {
        List<DnsRecordType> types = new ArrayList<>(2);
        if (settings.ipv4()) {
            types.add(DnsRecordType.A);
        }
        if (settings.ipv6()) {
            types.add(DnsRecordType.AAAA);
        }
        return types;
    }

    private DnsResult lookup(String name, DnsRecordType type) {
        if (dns == null) {
            return new DnsResult.TemporaryFailure("no DNS resolver service");
        }
        try {
            return dns.lookup(name, type);
        } catch (RuntimeException e) {
            return new DnsResult.TemporaryFailure(String.valueOf(e.getMessage()));
        }
    }

    /** By preference; equal preferences shuffled, so that load spreads as RFC 5321 section 5.1 asks. */
    private List<DnsRecord> ordered(List<DnsRecord> records) {
        List<DnsRecord> shuffled = new ArrayList<>(records);
        Collections.shuffle(shuffled, random);
        shuffled.sort(Comparator.comparingInt(DnsRecord::preference));
        return shuffled;
    }

    private static boolean isNullMx(DnsRecord mx) {
        return mx.data().isEmpty() || mx.data().equals(".");
    }

    private static Resolution.Failure notFound(String name, String type, boolean permanent) {
        return new Resolution.Failure(permanent, permanent ? "5.4.4" : "4.4.3",
                "Host or domain name not found. Name service error for name=" + name + " type=" + type
                        + ": Host not found" + (permanent ? "" : ", try again"));
    }

    private static InetAddress literal(String host) {
        byte[] bytes = IpAddresses.parse(host);
        return bytes == null ? null : address(host, bytes);
    }

    private static InetAddress address(String host, DnsRecord record) {
        byte[] bytes = IpAddresses.parse(record.data());
        return bytes == null ? null : address(host, bytes);
    }

    private static InetAddress address(String host, byte[] bytes) {
        try {
            return InetAddress.getByAddress(host, bytes);
        } catch (UnknownHostException e) {
            return null;
        }
    }
}
