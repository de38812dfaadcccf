// SPDX-License-Identifier: Apache-2.0
package org.postern.itest.demo;

import java.util.Set;

import org.osgi.service.component.annotations.Component;
import org.postern.api.dict.Dict;
import org.postern.api.dict.DictContext;
import org.postern.api.dict.DictFactory;
import org.postern.api.dict.DictFlag;
import org.postern.api.dict.DictType;
import org.postern.api.dict.LookupResult;

/**
 * SUMMARY   demo - a test-only table type: "demo:NAME" answers "KEY@NAME" for keys that start with "ok".
 * DESCRIPTION  Exists so that the integration tests can install and uninstall a table plugin at runtime.
 */
@Component(service = DictFactory.class)
@DictType("demo")
public final class DemoDictFactory implements DictFactory {

    @Override
    public Dict open(String name, Set<DictFlag> flags, DictContext context) {
        return new Dict() {
            @Override
            public String type() {
                return "demo";
            }

            @Override
            public String name() {
                return name;
            }

            @Override
            public Set<DictFlag> flags() {
                return flags;
            }

            @Override
            public LookupResult lookup(String key) {
                return key.startsWith("ok") ? LookupResult.found(key + "@" + name) : LookupResult.notFound();
            }
        };
    }
}
