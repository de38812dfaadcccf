// SPDX-License-Identifier: Apache-2.0
package org.postern.maps.cidr;

import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;

import org.osgi.service.component.annotations.Component;
import org.postern.api.dict.Dict;
import org.postern.api.dict.DictContext;
import org.postern.api.dict.DictException;
import org.postern.api.dict.DictFactory;
import org.postern.api.dict.DictFlag;
import org.postern.api.dict.DictType;
import org.postern.api.support.LogText;
import org.postern.api.support.TableLines;

/**
 * SUMMARY   cidr - first-match IPv4/IPv6 netblock table ("cidr:/etc/postern/clients.cidr").
 * DESCRIPTION
 *   Reads the whole file at open into an ordered rule list (see {@link CidrDict}). The name
 *   may also be an inline table, "cidr:{ {192.0.2.0/24 REJECT}, {2001:db8::/32 OK} }",
 *   one rule per brace group (Postfix 3.7). A relative file name resolves against the
 *   configuration directory. The table reports {@link DictFlag#PATTERN}, so access(5)
 *   callers try only the full client address.
 * SECURITY  Reads one local file at open; keys are client addresses from the network.
 * BUGS      Changes to the file need a reopen (reload), as with Postfix.
 * SEE ALSO  Postfix cidr_table(5).
 */
@Component(service = DictFactory.class)
@DictType("cidr")
public final class CidrDictFactory implements DictFactory {

    @Override
    public Dict open(String name, Set<DictFlag> flags, DictContext context) throws DictException {
        return open(name, flags, context, context::warn);
    }

    /** As {@link #open(String, Set, DictContext)}, with warnings about bad lines sent to {@code warnings}. */
    static CidrDict open(String name, Set<DictFlag> flags, DictContext context, Consumer<String> warnings)
            throws DictException {
        if (name.isEmpty()) {
            throw new DictException("cidr: expecting \"cidr:/path/to/file\" or \"cidr:{ {rule}, ... }\"", false);
        }
        if (name.startsWith("{")) {
            try {
                return CidrDict.parse(name, "cidr:" + LogText.printable(name), TableLines.inline(name), flags, warnings);
            } catch (IllegalArgumentException e) {
                throw new DictException("cidr:" + LogText.printable(name) + ": " + e.getMessage(), false);
            }
        }
        Path file = Path.of(name);
        if (!file.isAbsolute() && context != null && context.configDirectory() != null) {
            file = context.configDirectory().resolve(file);
        }
        List<TableLines.Line> lines;
        try {
            Path source = file;
            lines = TableLines.read(file, (line, why) -> warnings.accept("cidr map " + source + ", line " + line + ": " + why));
        } catch (NoSuchFileException e) {
            throw new DictException("open " + file + ": No such file or directory", false, e);
        } catch (IOException e) {
            throw new DictException("open " + file + ": " + e.getMessage(), false, e);
        }
        return CidrDict.parse(name, file.toString(), lines, flags, warnings);
    }
}
