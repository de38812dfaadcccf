// SPDX-License-Identifier: Apache-2.0
package org.postern.core.dict.builtin;

import java.util.Set;

import org.osgi.service.component.annotations.Component;
import org.postern.api.dict.Dict;
import org.postern.api.dict.DictContext;
import org.postern.api.dict.DictException;
import org.postern.api.dict.DictFactory;
import org.postern.api.dict.DictFlag;
import org.postern.api.dict.DictType;
import org.postern.api.dict.LookupResult;
import org.postern.api.support.LogText;

/**
 * SUMMARY   fail - every lookup is a temporary failure ("fail:maintenance").
 * DESCRIPTION
 *   For testing and for deliberately deferring mail: callers answer 4xx or defer. The name is
 *   a label for the logs and must not be empty. Reports PATTERN, as Postfix's dict_fail does.
 * SECURITY  None: the key is not looked at.
 * SEE ALSO  Postfix postconf(5) and DATABASE_README, "fail".
 */
@Component(service = DictFactory.class)
@DictType("fail")
public final class FailDictFactory implements DictFactory {

    @Override
    public Dict open(String name, Set<DictFlag> flags, DictContext context) throws DictException {
        if (name.isEmpty()) {
            throw new DictException("expecting \"fail:name\" instead of \"fail:\"", false);
        }
        return new FailDict(name, BuiltinTables.flags(flags, DictFlag.PATTERN));
    }

    /** The table. */
    record FailDict(String name, Set<DictFlag> flags) implements Dict {
        @Override
        public String type() {
            return "fail";
        }

        @Override
        public LookupResult lookup(String key) {
            return LookupResult.temporaryFailure("table fail:" + LogText.printable(name) + ": lookup failed as configured");
        }
    }
}
