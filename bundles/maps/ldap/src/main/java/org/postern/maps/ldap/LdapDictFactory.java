// SPDX-License-Identifier: Apache-2.0
package org.postern.maps.ldap;

import java.util.Set;

import org.osgi.service.component.annotations.Component;
import org.postern.api.dict.Dict;
import org.postern.api.dict.DictContext;
import org.postern.api.dict.DictException;
import org.postern.api.dict.DictFactory;
import org.postern.api.dict.DictFlag;
import org.postern.api.dict.DictType;
import org.postern.api.support.TableConfig;

/**
 * SUMMARY   ldap - LDAP directory lookups ("ldap:/etc/postern/ldap-aliases.cf").
 * DESCRIPTION
 *   The name is a configuration file in main.cf syntax with the ldap_table(5) parameters
 *   (relative to etc/postern), or Postfix 3.7's inline "ldap:{ {server_host = ...}, ... }".
 *   Opening reads and checks it ({@link LdapSettings}) and makes a connection pool
 *   ({@link LdapPool}) that connects on first use; lookups are {@link LdapDict}'s.
 * SECURITY  The file may hold bind_pw: keep it readable by Postern only. Keys are quoted
 *           for filters and DNs ({@link LdapQuoting}).
 * BUGS      No SASL binds, no ldapi://; LDAPv3 only.
 * SEE ALSO  Postfix ldap_table(5).
 */
@Component(service = DictFactory.class)
@DictType("ldap")
public final class LdapDictFactory implements DictFactory {

    @Override
    public Dict open(String name, Set<DictFlag> flags, DictContext context) throws DictException {
        TableConfig config = TableConfig.open("ldap", name, context);
        LdapSettings settings = LdapSettings.read(config, context);
        return new LdapDict(name, flags, settings, LdapPool.open(settings));
    }
}
