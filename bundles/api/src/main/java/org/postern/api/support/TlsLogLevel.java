// SPDX-License-Identifier: Apache-2.0
package org.postern.api.support;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * SUMMARY   Postfix's TLS log levels (smtpd_tls_loglevel, smtp_tls_loglevel, lmtp_tls_loglevel):
 *           which TLS lines a server or client writes.
 * DESCRIPTION
 *   As Postfix's tls_log_mask(): a number or a list of keywords, case-insensitive. 0 (none)
 *   logs nothing about a TLS session that worked; 1 (routine) adds the one-line summary
 *   ("Anonymous TLS connection established from ..."); 2 (debug) adds the setup, cipher list,
 *   session reuse and certificate lines; 3 and 4 (and 5 to 9) ask for packet dumps, which
 *   JSSE cannot give, so they log as 2. The single features can also be named: summary,
 *   untrusted, peercert, certmatch, verbose, cache, ssl-debug, ssl-handshake-packet-dump,
 *   ssl-session-packet-dump. Failures (a handshake that did not complete) are logged
 *   whatever the level, as Postfix does.
 * BUGS      An unknown word is ignored (Postfix warns and uses 0 for the whole value).
 */
public final class TlsLogLevel {

    /** One thing the log level can ask for. */
    public enum Feature {
        /** The "... TLS connection established ..." line. */
        SUMMARY,
        /** Trust-chain problems of a certificate that was not required to be trusted. */
        UNTRUSTED,
        /** The peer certificate's CN, issuer and fingerprints. */
        PEERCERT,
        /** Each certificate name checked, and whether it matched. */
        CERTMATCH,
        /** "setting up TLS connection ...", the cipher list. */
        VERBOSE,
        /** Session cache activity ("Reusing old session"). */
        CACHE,
        /** The TLS library's own debug lines (not available with JSSE). */
        DEBUG,
        /** Packet dumps (not available with JSSE). */
        PACKETS
    }

    /** Postfix 3.7's default: nothing about sessions that worked. */
    public static final TlsLogLevel NONE = new TlsLogLevel(EnumSet.noneOf(Feature.class));

    private static final Set<Feature> LEVEL_1 = EnumSet.of(Feature.SUMMARY);
    private static final Set<Feature> LEVEL_2 = EnumSet.of(Feature.SUMMARY, Feature.VERBOSE, Feature.CACHE,
            Feature.DEBUG);
    private static final Set<Feature> LEVEL_3 = EnumSet.of(Feature.SUMMARY, Feature.VERBOSE, Feature.CACHE,
            Feature.DEBUG, Feature.PACKETS);
    private static final Map<String, Set<Feature>> WORDS = Map.ofEntries(
            Map.entry("0", Set.of()), Map.entry("none", Set.of()),
            Map.entry("1", LEVEL_1), Map.entry("routine", LEVEL_1),
            Map.entry("2", LEVEL_2), Map.entry("debug", LEVEL_2),
            Map.entry("3", LEVEL_3), Map.entry("ssl-expert", LEVEL_3),
            Map.entry("4", LEVEL_3), Map.entry("ssl-developer", LEVEL_3),
            Map.entry("5", LEVEL_3), Map.entry("6", LEVEL_3), Map.entry("7", LEVEL_3),
            Map.entry("8", LEVEL_3), Map.entry("9", LEVEL_3),
            Map.entry("summary", EnumSet.of(Feature.SUMMARY)),
            Map.entry("untrusted", EnumSet.of(Feature.UNTRUSTED)),
            Map.entry("peercert", EnumSet.of(Feature.PEERCERT)),
            Map.entry("certmatch", EnumSet.of(Feature.CERTMATCH)),
            Map.entry("verbose", EnumSet.of(Feature.VERBOSE)),
            Map.entry("cache", EnumSet.of(Feature.CACHE)),
            Map.entry("ssl-debug", EnumSet.of(Feature.DEBUG)),
            Map.entry("ssl-handshake-packet-dump", EnumSet.of(Feature.PACKETS)),
            Map.entry("ssl-session-packet-dump", EnumSet.of(Feature.PACKETS)));

    private final Set<Feature> features;

    private TlsLogLevel(Set<Feature> features) {
        this.features = Set.copyOf(features);
    }

    /** The level a parameter's value asks for ("0", "1", "2", "routine, peercert", ...). */
    public static TlsLogLevel parse(String value) {
        Set<Feature> out = EnumSet.noneOf(Feature.class);
        for (String word : value.split("[\\s,:]+")) {
            Set<Feature> f = WORDS.get(word.toLowerCase(Locale.ROOT));
            if (f != null) {
                out.addAll(f);
            }
        }
        return new TlsLogLevel(out);
    }

    public boolean logs(Feature feature) {
        return features.contains(feature);
    }

    /** The summary line ("Verified TLS connection established to ..."). */
    public boolean summary() {
        return logs(Feature.SUMMARY);
    }

    /** The setup and cipher list lines. */
    public boolean verbose() {
        return logs(Feature.VERBOSE);
    }

    /** The "Reusing old session" line. */
    public boolean cache() {
        return logs(Feature.CACHE);
    }

    /** The peer certificate line (subject_CN, issuer, fingerprints): peercert, verbose or certmatch. */
    public boolean peerCertificate() {
        return logs(Feature.PEERCERT) || logs(Feature.VERBOSE) || logs(Feature.CERTMATCH);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TlsLogLevel other && other.features.equals(features);
    }

    @Override
    public int hashCode() {
        return features.hashCode();
    }

    @Override
    public String toString() {
        return features.toString();
    }
}
