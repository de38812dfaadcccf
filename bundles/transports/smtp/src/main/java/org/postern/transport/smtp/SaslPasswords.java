// SPDX-License-Identifier: Apache-2.0
package org.postern.transport.smtp;

import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

import org.postern.api.dict.Dict;
import org.postern.api.dict.DictRegistry;
import org.postern.api.dict.LookupResult;
import org.postern.api.support.LogText;
import org.slf4j.Logger;

/**
 * SUMMARY   smtp_sasl_password_maps lookups: which username:password to give a server.
 * DESCRIPTION
 *   Postfix's order (smtp_sasl_glue.c, postconf(5)): the sender address when
 *   smtp_sender_dependent_authentication is on ({@link #forSender}: the whole address, then
 *   "@domain"), then the remote host name, then the next-hop destination as the client was
 *   given it, "[mail.isp.example]:587" included ({@link #forServer}). Each key is tried in
 *   every table of the list before the next key. The null sender is never looked up.
 * SECURITY  Values are secrets: they are returned, never logged; keys are logged through
 *   LogText only on a table failure.
 * BUGS      The sender keys are the whole address and "@domain" only; Postfix's
 *   mail_addr_find also tries the address without its extension and the bare user of a local
 *   address. A table that fails (or no DictRegistry service) is a {@link ClientTables.Failure}: the caller
 *   defers.
 */
final class SaslPasswords {

    private final String parameter;
    private final List<String> specs;
    private final Supplier<DictRegistry> registry;
    private final Logger log;

    SaslPasswords(String parameter, List<String> specs, Supplier<DictRegistry> registry, Logger log) {
        this.parameter = parameter;
        this.specs = List.copyOf(specs);
        this.registry = registry;
        this.log = log;
    }

    Optional<SaslCredentials> forSender(String sender) throws ClientTables.Failure {
        if (sender.isEmpty()) {
            return Optional.empty();
        }
        int at = sender.lastIndexOf('@');
        return at < 0 ? find(List.of(sender)) : find(List.of(sender, sender.substring(at)));
    }

    Optional<SaslCredentials> forServer(String hostname, String destination) throws ClientTables.Failure {
        return find(List.of(hostname, destination));
    }

    private Optional<SaslCredentials> find(List<String> keys) throws ClientTables.Failure {
        List<Dict> tables = ClientTables.open(specs, registry)
                .orElseThrow(() -> failure("(all tables)", keys.get(0), "no table registry service"));
        for (String key : keys) {
            for (Dict table : tables) {
                LookupResult result = table.lookup(key);
                if (result.isFailure()) {
                    throw failure(table.spec(), key, ClientTables.reason(result));
                }
                if (result instanceof LookupResult.Found found) {
                    return Optional.of(SaslCredentials.parse(found.value()));
                }
            }
        }
        return Optional.empty();
    }

    private ClientTables.Failure failure(String spec, String key, String reason) {
        log.warn("warning: {}: {} lookup error for \"{}\": {}", parameter, spec, LogText.printable(key),
                LogText.printable(reason));
        return new ClientTables.Failure(parameter + " lookup error");
    }
}
