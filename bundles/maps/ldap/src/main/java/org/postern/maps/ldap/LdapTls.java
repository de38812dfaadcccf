// SPDX-License-Identifier: Apache-2.0
package org.postern.maps.ldap;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStoreException;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import javax.net.ssl.KeyManager;
import javax.net.ssl.TrustManager;

import com.unboundid.util.ssl.JVMDefaultTrustManager;
import com.unboundid.util.ssl.PEMFileKeyManager;
import com.unboundid.util.ssl.PEMFileTrustManager;
import com.unboundid.util.ssl.SSLUtil;
import com.unboundid.util.ssl.TrustAllTrustManager;

import org.postern.api.dict.DictException;
import org.postern.api.support.TableConfig;

/**
 * SUMMARY   The TLS side of an ldap: table (ldaps:// servers and start_tls).
 * DESCRIPTION
 *   tls_require_cert = no (Postfix's default) accepts any server certificate; yes checks it
 *   against tls_ca_cert_file and the PEM files in tls_ca_cert_dir, or the JVM's trust store
 *   when neither is set, and checks the host name. tls_cert and tls_key (PEM, unencrypted
 *   key) give a client certificate.
 * SECURITY  With tls_require_cert = no the connection is encrypted but not authenticated, as
 *           in Postfix: set it to yes in production.
 * BUGS      tls_cipher_suite (an OpenSSL cipher string) and tls_random_file are ignored: the
 *           JVM's defaults apply.
 * CONFIGURATION PARAMETERS  tls_require_cert (no), tls_ca_cert_file, tls_ca_cert_dir,
 *           tls_cert, tls_key.
 */
final class LdapTls {

    private LdapTls() {
    }

    static boolean requireCert(TableConfig config) throws DictException {
        return config.bool("tls_require_cert", false);
    }

    static SSLUtil sslUtil(TableConfig config) throws DictException {
        return new SSLUtil(keyManager(config), trustManager(config));
    }

    private static TrustManager trustManager(TableConfig config) throws DictException {
        if (!requireCert(config)) {
            return new TrustAllTrustManager();
        }
        List<File> files = new ArrayList<>();
        String caFile = config.string("tls_ca_cert_file", "");
        if (!caFile.isEmpty()) {
            files.add(readable(config, "tls_ca_cert_file", caFile));
        }
        String caDir = config.string("tls_ca_cert_dir", "");
        if (!caDir.isEmpty()) {
            files.addAll(pemFilesIn(config, caDir));
        }
        if (files.isEmpty()) {
            return JVMDefaultTrustManager.getInstance();
        }
        try {
            return new PEMFileTrustManager(files);
        } catch (KeyStoreException e) {
            throw config.error(caFile.isEmpty() ? "tls_ca_cert_dir" : "tls_ca_cert_file", "cannot load CA certificates: " + e.getMessage());
        }
    }

    private static KeyManager keyManager(TableConfig config) throws DictException {
        String cert = config.string("tls_cert", "");
        String key = config.string("tls_key", "");
        if (cert.isEmpty() && key.isEmpty()) {
            return null;
        }
        if (cert.isEmpty() || key.isEmpty()) {
            throw config.error(cert.isEmpty() ? "tls_key" : "tls_cert", "tls_cert and tls_key must be set together");
        }
        try {
            return new PEMFileKeyManager(readable(config, "tls_cert", cert), readable(config, "tls_key", key));
        } catch (KeyStoreException e) {
            throw config.error("tls_cert", "cannot load the client certificate and key: " + e.getMessage());
        }
    }

    private static File readable(TableConfig config, String name, String file) throws DictException {
        if (!Files.isReadable(Path.of(file))) {
            throw config.error(name, "cannot read " + file);
        }
        return new File(file);
    }

    /** The *.pem and *.crt files and OpenSSL hash links (e.g. 1a2b3c4d.0) of a CA directory. */
    private static List<File> pemFilesIn(TableConfig config, String dir) throws DictException {
        try (Stream<Path> entries = Files.list(Path.of(dir))) {
            return entries.filter(Files::isRegularFile)
                    .filter(p -> p.getFileName().toString().matches("(?i).*\\.(pem|crt)|[0-9a-f]{8}\\.[0-9]+"))
                    .sorted().map(Path::toFile).toList();
        } catch (IOException e) {
            throw config.error("tls_ca_cert_dir", "cannot list " + dir + ": " + e.getMessage());
        }
    }
}
