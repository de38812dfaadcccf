// SPDX-License-Identifier: Apache-2.0
package org.postern.maps.ldap;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;

import com.unboundid.ldap.listener.InMemoryDirectoryServer;
import com.unboundid.ldap.listener.InMemoryDirectoryServerConfig;
import com.unboundid.ldap.listener.InMemoryListenerConfig;
import com.unboundid.ldap.sdk.Attribute;
import com.unboundid.ldap.sdk.Entry;
import com.unboundid.ldap.sdk.LDAPException;
import com.unboundid.ldap.sdk.LDAPInterface;
import com.unboundid.ldap.sdk.schema.Schema;
import com.unboundid.ldif.LDIFException;
import com.unboundid.ldif.LDIFReader;

/**
 * The test directory (src/test/resources/directory.ldif) and the schema it needs beyond the
 * standard one: Postfix's mailacceptinggeneralid/maildrop pair, a list owner and URL
 * references, under the documentation enterprise number 32473 (RFC 5612).
 */
final class LdapTestDirectory {

    static final String SUFFIX = "dc=example,dc=com";

    /** RFC 4512 definitions: slapd.conf takes them after "attributetype"/"objectclass", UnboundID as is. */
    static final List<String> ATTRIBUTE_TYPES = List.of(
            "( 1.3.6.1.4.1.32473.1.1.1 NAME 'mailacceptinggeneralid' EQUALITY caseIgnoreMatch"
                    + " SUBSTR caseIgnoreSubstringsMatch SYNTAX 1.3.6.1.4.1.1466.115.121.1.15{256} )",
            "( 1.3.6.1.4.1.32473.1.1.2 NAME 'maildrop' EQUALITY caseIgnoreMatch"
                    + " SUBSTR caseIgnoreSubstringsMatch SYNTAX 1.3.6.1.4.1.1466.115.121.1.15{256} )",
            "( 1.3.6.1.4.1.32473.1.1.3 NAME 'listOwner' EQUALITY caseIgnoreMatch"
                    + " SYNTAX 1.3.6.1.4.1.1466.115.121.1.15{256} )",
            "( 1.3.6.1.4.1.32473.1.1.4 NAME 'memberReference' EQUALITY caseExactMatch"
                    + " SYNTAX 1.3.6.1.4.1.1466.115.121.1.15{1024} )");

    static final List<String> OBJECT_CLASSES = List.of(
            "( 1.3.6.1.4.1.32473.1.2.1 NAME 'posternMailRecipient' SUP top AUXILIARY"
                    + " MAY ( mailacceptinggeneralid $ maildrop ) )",
            "( 1.3.6.1.4.1.32473.1.2.2 NAME 'posternMailGroup' SUP top AUXILIARY"
                    + " MAY ( mailacceptinggeneralid $ maildrop $ mail $ listOwner $ memberReference ) )");

    private LdapTestDirectory() {
    }

    /** The entries of directory.ldif, parents first. */
    static List<Entry> entries() throws IOException, LDIFException {
        List<Entry> entries = new ArrayList<>();
        try (InputStream in = LdapTestDirectory.class.getResourceAsStream("/directory.ldif");
                LDIFReader reader = new LDIFReader(in)) {
            Entry entry;
            while ((entry = reader.readEntry()) != null) {
                entries.add(entry);
            }
        }
        return entries;
    }

    /** Adds every test entry through {@code directory} (as a manager). */
    static void load(LDAPInterface directory) throws IOException, LDIFException, LDAPException {
        for (Entry entry : entries()) {
            directory.add(entry);
        }
    }

    /** The standard schema plus ours. */
    static Schema schema() throws LDAPException {
        Entry extra = new Entry("cn=schema",
                new Attribute("objectClass", "top", "ldapSubentry", "subschema"),
                new Attribute("attributeTypes", ATTRIBUTE_TYPES),
                new Attribute("objectClasses", OBJECT_CLASSES));
        return Schema.mergeSchemas(Schema.getDefaultStandardSchema(), new Schema(extra));
    }

    /** A started in-memory server on a free 127.0.0.1 port with the test entries, plus extra listeners. */
    static InMemoryDirectoryServer startInMemory(InMemoryListenerConfig... extraListeners) throws Exception {
        InMemoryDirectoryServerConfig config = new InMemoryDirectoryServerConfig(SUFFIX);
        config.setSchema(schema());
        config.addAdditionalBindCredentials("cn=manager," + SUFFIX, "manager-secret");
        List<InMemoryListenerConfig> listeners = new ArrayList<>();
        listeners.add(InMemoryListenerConfig.createLDAPConfig("ldap", java.net.InetAddress.getLoopbackAddress(), 0, null));
        listeners.addAll(List.of(extraListeners));
        config.setListenerConfigs(listeners);
        InMemoryDirectoryServer server = new InMemoryDirectoryServer(config);
        load(server);
        server.startListening();
        return server;
    }
}
