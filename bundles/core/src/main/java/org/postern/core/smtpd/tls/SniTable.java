// SPDX-License-Identifier: Apache-2.0
package org.postern.core.smtpd.tls;

import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.postern.api.dict.Dict;
import org.postern.api.dict.LookupResult;
import org.postern.api.support.LogText;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * SUMMARY   tls_server_sni_maps: the key and chain for the name a client asks for with SNI.
 * DESCRIPTION
 *   The name is looked up as given, then as each parent domain with a leading dot
 *   ("mail.example.com", ".example.com", ".com"); the first table and key found win. The value
 *   lists PEM files in smtpd_tls_chain_files format (each a key followed by its chain; RSA
 *   and ECDSA may both be there). A name not found gets the default keys. The files are
 *   watched like the default ones: a replaced file serves the next handshake. A table lookup
 *   error, or an entry whose files cannot be used, aborts the handshake with a warning, as
 *   Postfix's server_sni_callback does ("tls_server_sni_maps: mx.example map lookup problem"):
 *   serving the default certificate instead would present the wrong name without a word.
 * SECURITY  The SNI name is client input, used only as a lookup key.
 * SEE ALSO  Postfix postconf(5) tls_server_sni_maps.
 */
public final class SniTable implements SniCredentials {

    private static final Logger LOG = LoggerFactory.getLogger("postern.smtpd");

    private final List<Dict> tables;
    private final Map<String, CredentialFiles> loaded = new ConcurrentHashMap<>();

    public SniTable(List<Dict> tables) {
        this.tables = List.copyOf(tables);
    }

    @Override
    public Match forName(String serverName) {
        for (String key : keys(serverName)) {
            for (Dict table : tables) {
                LookupResult r = table.lookup(key);
                if (r instanceof LookupResult.Found) {
                    return new Match(key, files(table, key, ((LookupResult.Found) r).value()));
                }
                if (!(r instanceof LookupResult.NotFound)) {
                    LOG.warn("warning: tls_server_sni_maps: {} map lookup problem ({})", LogText.printable(serverName),
                            table.spec());
                    throw new Failure("tls_server_sni_maps lookup problem");
                }
            }
        }
        return null;
    }

    /** The name, then its parent domains with a leading dot. */
    static List<String> keys(String name) {
        List<String> keys = new ArrayList<>();
        keys.add(name);
        for (int dot = name.indexOf('.'); dot >= 0 && dot < name.length() - 1; dot = name.indexOf('.', dot + 1)) {
            keys.add(name.substring(dot));
        }
        return keys;
    }

    private CredentialFiles files(Dict table, String key, String value) {
        try {
            return loaded.computeIfAbsent(value, v -> {
                List<CredentialFiles.Source> sources = new ArrayList<>();
                for (String f : v.trim().split("[\\s,]+")) {
                    if (!f.isEmpty()) {
                        sources.add(new CredentialFiles.ChainFile(Path.of(f)));
                    }
                }
                try {
                    return new CredentialFiles(sources);
                } catch (IOException | GeneralSecurityException e) {
                    throw new IllegalStateException(e.getMessage(), e);
                }
            });
        } catch (IllegalStateException e) {
            LOG.warn("warning: tls_server_sni_maps: {} entry for \"{}\": {}", table.spec(), LogText.printable(key),
                    e.getMessage());
            throw new Failure("unusable tls_server_sni_maps entry");
        }
    }
}
