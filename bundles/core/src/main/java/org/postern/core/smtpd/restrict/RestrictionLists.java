// SPDX-License-Identifier: Apache-2.0
package org.postern.core.smtpd.restrict;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.postern.api.dict.DictRegistry;
import org.postern.core.config.ConfigException;
import org.postern.core.config.PostfixConfig;

/**
 * SUMMARY   The restriction lists of one configuration as {@link Restriction} values:
 *           smtpd_{client,helo,sender,relay,recipient,data,end_of_data,etrn}_restrictions and
 *           the smtpd_restriction_classes.
 * DESCRIPTION
 *   Classes are parsed first (lists may name them). As Postfix's smtpd_check_init(), loading
 *   refuses a class without definition, a class loop, a bare table in the DATA and end-of-data
 *   lists (they have no check_*_access of their own), and relay and recipient lists of which
 *   neither has a relay-control restriction ({@link RestrictionName#controlsRelay()}) before any
 *   "permit". smtpd_relay_restrictions not set at all is {@link #DEFAULT_RELAY} (see
 *   {@link RestrictionChecks} BUGS).
 */
final class RestrictionLists {

    /** smtpd_relay_restrictions when main.cf does not set it. */
    static final List<RestrictionName> DEFAULT_RELAY = List.of(RestrictionName.PERMIT_MYNETWORKS,
            RestrictionName.PERMIT_SASL_AUTHENTICATED, RestrictionName.DEFER_UNAUTH_DESTINATION);

    final List<Restriction> client;
    final List<Restriction> helo;
    final List<Restriction> sender;
    final List<Restriction> relay;
    final List<Restriction> recipient;
    final List<Restriction> data;
    final List<Restriction> endOfData;
    final List<Restriction> etrn;
    /** The smtpd_restriction_classes names, in their order. */
    final Set<String> classNames;
    private final Map<String, List<Restriction>> classes;

    RestrictionLists(PostfixConfig config, DictRegistry dicts, PolicyClients policies) throws ConfigException {
        classNames = new LinkedHashSet<>(RestrictionChecks.list(config, "smtpd_restriction_classes"));
        RestrictionParser parser = new RestrictionParser(classNames, dicts, policies);
        classes = new HashMap<>();
        for (String name : classNames) {
            Optional<String> value = config.find(name);
            if (value.isEmpty() || value.get().isBlank()) {
                throw new ConfigException("smtpd_restriction_classes: restriction class `" + name + "' needs a definition");
            }
            classes.put(name, parse(config, name, parser));
        }
        checkClassCycles();
        client = parse(config, "smtpd_client_restrictions", parser);
        helo = parse(config, "smtpd_helo_restrictions", parser);
        sender = parse(config, "smtpd_sender_restrictions", parser);
        if (config.isDefault("smtpd_relay_restrictions") && config.get("smtpd_relay_restrictions").isBlank()) {
            relay = parser.parse("smtpd_relay_restrictions", DEFAULT_RELAY.stream().map(RestrictionName::token).toList());
        } else {
            relay = parse(config, "smtpd_relay_restrictions", parser);
        }
        recipient = parse(config, "smtpd_recipient_restrictions", parser);
        data = parse(config, "smtpd_data_restrictions", parser);
        endOfData = parse(config, "smtpd_end_of_data_restrictions", parser);
        etrn = parse(config, "smtpd_etrn_restrictions", parser);
        for (String p : List.of("smtpd_data_restrictions", "smtpd_end_of_data_restrictions")) {
            for (Restriction r : p.equals("smtpd_data_restrictions") ? data : endOfData) {
                if (r instanceof Restriction.BareTable bare) {
                    throw new ConfigException(RestrictionChecks.where(config, p) + ": specify one of ("
                            + RestrictionName.tokens(RestrictionName.withArgument(RestrictionName.Argument.TABLE))
                            + ") before restriction \"" + bare.spec() + "\"");
                }
            }
        }
        if (!hasRelayControl(recipient, new HashSet<>()) && !hasRelayControl(relay, new HashSet<>())) {
            throw new ConfigException("in parameter smtpd_relay_restrictions or smtpd_recipient_restrictions, specify "
                    + "at least one working instance of: reject_unauth_destination, defer_unauth_destination, reject, "
                    + "defer, defer_if_permit or check_relay_domains");
        }
    }

    /** The list of a smtpd_restriction_classes name (the parser admits only defined ones). */
    List<Restriction> restrictionClass(String name) {
        return classes.get(name);
    }

    private static List<Restriction> parse(PostfixConfig config, String parameter, RestrictionParser parser)
            throws ConfigException {
        return parser.parse(RestrictionChecks.where(config, parameter), RestrictionChecks.list(config, parameter));
    }

    private boolean hasRelayControl(List<Restriction> list, Set<String> seen) {
        for (int i = 0; i < list.size(); i++) {
            Restriction r = list.get(i);
            RestrictionName name = r instanceof Restriction.Builtin b ? b.name() : null;
            if (name == RestrictionName.WARN_IF_REJECT && i + 1 < list.size()) {
                i++;
                continue;
            }
            if (name == RestrictionName.PERMIT) {
                return false;
            }
            if (name != null && name.controlsRelay()) {
                return true;
            }
            if (r instanceof Restriction.ClassRef c && seen.add(c.name())
                    && hasRelayControl(classes.get(c.name()), seen)) {
                return true;
            }
        }
        return false;
    }

    private void checkClassCycles() throws ConfigException {
        for (String start : classNames) {
            visit(start, new ArrayList<>());
        }
    }

    private void visit(String name, List<String> path) throws ConfigException {
        if (path.contains(name)) {
            path.add(name);
            throw new ConfigException("smtpd_restriction_classes: restriction class loop: " + String.join(" -> ", path));
        }
        path.add(name);
        for (Restriction r : classes.get(name)) {
            if (r instanceof Restriction.ClassRef c) {
                visit(c.name(), path);
            }
        }
        path.remove(path.size() - 1);
    }
}
