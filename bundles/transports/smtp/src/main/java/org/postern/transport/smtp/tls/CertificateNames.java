// SPDX-License-Identifier: Apache-2.0
package org.postern.transport.smtp.tls;

import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Locale;

import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;

import org.postern.api.support.IpAddresses;

/**
 * Whether a certificate names a host: its DNS subject alternative names, or its subject
 * common name when it has none (as OpenSSL's X509_check_host does), with a wildcard only as
 * the whole leftmost label, matching exactly one label (RFC 6125 section 6.4.3). A reference
 * name that starts with "." matches any name below it (Postfix's ".example.com" and
 * dot-nexthop), never the name itself.
 */
public final class CertificateNames {

    private CertificateNames() {
    }

    public static boolean matchesAny(X509Certificate certificate, Collection<String> hosts) {
        List<String> names = names(certificate);
        for (String host : hosts) {
            String h = normalize(host);
            byte[] address = IpAddresses.parse(h);
            if (address != null) {
                if (addresses(certificate).stream().anyMatch(a -> Arrays.equals(IpAddresses.parse(a), address))) {
                    return true;
                }
                continue;
            }
            for (String name : names) {
                if (matches(normalize(name), h)) {
                    return true;
                }
            }
        }
        return false;
    }

    public static boolean matches(String pattern, String host) {
        if (pattern.isEmpty() || host.isEmpty()) {
            return false;
        }
        if (host.startsWith(".")) {
            String name = pattern.startsWith("*.") ? "any" + pattern.substring(1) : pattern;   // one label, any
            return name.endsWith(host) && name.length() > host.length() && !name.startsWith(".");
        }
        if (pattern.startsWith("*.")) {
            int dot = host.indexOf('.');
            return dot > 0 && host.substring(dot + 1).equals(pattern.substring(2)) && pattern.indexOf('.', 2) > 0;
        }
        return pattern.equals(host);
    }

    private static String normalize(String name) {
        String n = name.strip().toLowerCase(Locale.ROOT);
        return n.endsWith(".") ? n.substring(0, n.length() - 1) : n;
    }

    /** The IP address subject alternative names (an address literal is matched only against these). */
    static List<String> addresses(X509Certificate certificate) {
        List<String> out = new ArrayList<>();
        try {
            Collection<List<?>> alternatives = certificate.getSubjectAlternativeNames();
            if (alternatives != null) {
                for (List<?> entry : alternatives) {
                    if (Integer.valueOf(7).equals(entry.get(0)) && entry.get(1) instanceof String address) {
                        out.add(address);
                    }
                }
            }
        } catch (CertificateParsingException e) {
            return List.of();
        }
        return out;
    }

    /** The DNS subject alternative names, else the subject's common names. */
    public static List<String> names(X509Certificate certificate) {
        List<String> dns = new ArrayList<>();
        try {
            Collection<List<?>> alternatives = certificate.getSubjectAlternativeNames();
            if (alternatives != null) {
                for (List<?> entry : alternatives) {
                    if (Integer.valueOf(2).equals(entry.get(0)) && entry.get(1) instanceof String name) {
                        dns.add(name);
                    }
                }
            }
        } catch (CertificateParsingException e) {
            return List.of();
        }
        if (!dns.isEmpty()) {
            return dns;
        }
        try {
            for (Rdn rdn : new LdapName(certificate.getSubjectX500Principal().getName()).getRdns()) {
                if (rdn.getType().equalsIgnoreCase("CN")) {
                    dns.add(String.valueOf(rdn.getValue()));
                }
            }
        } catch (InvalidNameException e) {
            return List.of();
        }
        return dns;
    }
}
