// SPDX-License-Identifier: Apache-2.0
package org.postern.maps.regexp;

import java.util.Set;

import org.osgi.service.component.annotations.Component;
import org.postern.api.dict.Dict;
import org.postern.api.dict.DictContext;
import org.postern.api.dict.DictException;
import org.postern.api.dict.DictFactory;
import org.postern.api.dict.DictFlag;
import org.postern.api.dict.DictType;

/**
 * SUMMARY   pcre - first-match regular expression table ("pcre:/etc/postern/header_checks").
 * DESCRIPTION
 *   Reads the file (or an inline "pcre:{ {/pattern/ result}, ... }" table) at open into an
 *   ordered rule list; see {@link PatternDict} for the format, flags and what differs from Postfix.
 * SECURITY  Reads one local file at open; keys are untrusted text from the network.
 * BUGS      Java regular expressions stand in for PCRE2; see {@link RegexTranslator}.
 * SEE ALSO  Postfix pcre_table(5).
 */
@Component(service = DictFactory.class)
@DictType("pcre")
public final class PcreDictFactory implements DictFactory {

    @Override
    public Dict open(String name, Set<DictFlag> flags, DictContext context) throws DictException {
        return PatternDict.open(PatternDict.Dialect.PCRE, name, flags, context, context::warn);
    }
}
