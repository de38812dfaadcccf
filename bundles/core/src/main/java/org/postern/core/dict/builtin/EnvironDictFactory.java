// SPDX-License-Identifier: Apache-2.0
package org.postern.core.dict.builtin;

import java.util.Set;
import java.util.function.UnaryOperator;

import org.osgi.service.component.annotations.Component;
import org.postern.api.dict.Dict;
import org.postern.api.dict.DictContext;
import org.postern.api.dict.DictException;
import org.postern.api.dict.DictFactory;
import org.postern.api.dict.DictFlag;
import org.postern.api.dict.DictType;
import org.postern.api.dict.LookupResult;

/**
 * SUMMARY   environ - the process environment as a table ("environ:table"; the name is ignored).
 * DESCRIPTION
 *   Looks the key up as an environment variable of the Karaf JVM. With FOLD_CASE the key is
 *   lower-cased first, as Postfix's dict_env does, so "HOME" then finds only "home"; open
 *   environ: tables without FOLD_CASE to read upper-case variables. Reports FIXED.
 * SECURITY  Exposes the whole environment of the JVM to whoever controls the key; use it only
 *           where keys come from the configuration, not from the network.
 * BUGS      Postfix can also set variables (update); Java cannot change its environment, so
 *           Postern cannot either. Postfix daemons see a cleaned environment
 *           (import_environment); the JVM's is not cleaned.
 * SEE ALSO  Postfix postconf(5) and DATABASE_README, "environ".
 */
@Component(service = DictFactory.class)
@DictType("environ")
public final class EnvironDictFactory implements DictFactory {

    private final UnaryOperator<String> environment;

    public EnvironDictFactory() {
        this(System::getenv);
    }

    /** For tests: a map stands in for the environment. */
    EnvironDictFactory(UnaryOperator<String> environment) {
        this.environment = environment;
    }

    @Override
    public Dict open(String name, Set<DictFlag> flags, DictContext context) throws DictException {
        return new EnvironDict(name, BuiltinTables.flags(flags, DictFlag.FIXED), environment);
    }

    /** The table. */
    record EnvironDict(String name, Set<DictFlag> flags, UnaryOperator<String> environment) implements Dict {
        @Override
        public String type() {
            return "environ";
        }

        @Override
        public LookupResult lookup(String key) {
            String value = key.isEmpty() || key.indexOf('=') >= 0 ? null : environment.apply(BuiltinTables.fold(flags, key));
            return value == null ? LookupResult.notFound() : LookupResult.found(value);
        }
    }
}
