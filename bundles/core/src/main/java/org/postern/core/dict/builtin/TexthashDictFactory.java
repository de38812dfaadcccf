// SPDX-License-Identifier: Apache-2.0
package org.postern.core.dict.builtin;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
 * SUMMARY   texthash - a postmap(1) source file read into memory ("texthash:/etc/postern/virtual").
 * DESCRIPTION
 *   The file format is postmap's: "key whitespace value"; blank and "#" lines ignored, also
 *   inside an entry; a line starting with whitespace continues the previous one (appended as
 *   is). A key may be quoted ("a b" value) and is then kept with its quotes, as Postfix 3.2+
 *   does. Warnings, with file and line, for: a key without value (line ignored), a duplicate
 *   key (the first one stays, as postmap -q texthash: shows), "key: value" lines (kept with
 *   the colon, "is this an alias file?"), and text before the first entry that starts with
 *   whitespace. With FOLD_CASE keys are lower-cased. Reports FIXED; iterates in file order.
 * SECURITY  Reads one local file at open; keys come from the network.
 * BUGS      Like Postfix, changes to the file are not seen until the table is reopened.
 * SEE ALSO  Postfix postmap(1) INPUT FILE FORMAT, DATABASE_README "texthash".
 */
@Component(service = DictFactory.class)
@DictType("texthash")
public final class TexthashDictFactory implements DictFactory {

    @Override
    public Dict open(String name, Set<DictFlag> flags, DictContext context) throws DictException {
        return open(name, flags, context, context::warn);
    }

    static Dict open(String name, Set<DictFlag> flags, DictContext context, Consumer<String> warnings)
            throws DictException {
        if (name.isEmpty()) {
            throw new DictException("texthash: expecting \"texthash:/path/to/file\"", false);
        }
        Path file;
        try {
            file = Path.of(name);
        } catch (InvalidPathException e) {
            throw new DictException("texthash:" + LogText.printable(name) + ": bad file name", false, e);
        }
        if (!file.isAbsolute() && context != null && context.configDirectory() != null) {
            file = context.configDirectory().resolve(file);
        }
        List<String> physical;
        try {
            physical = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new DictException("open " + file + ": No such file or directory", false, e);
        } catch (IOException e) {
            throw new DictException("open " + file + ": " + e.getMessage(), false, e);
        }
        return new MemoryDict("texthash", name, flags, parse(file.toString(), physical, flags, warnings));
    }

    /** postmap's source format into an ordered map; bad lines are warned about and skipped. */
    static Map<String, String> parse(String path, List<String> physical, Set<DictFlag> flags, Consumer<String> warnings) {
        Map<String, String> entries = new LinkedHashMap<>();
        for (TableLines.Line line : TableLines.join(physical, (n, msg) -> warnings.accept(path + ", line " + n + ": " + msg))) {
            entry(path, line.number(), line.text(), flags, entries, warnings);
        }
        return entries;
    }

    private static void entry(String path, int line, String text, Set<DictFlag> flags, Map<String, String> entries,
            Consumer<String> warnings) {
        int end = keyEnd(text);
        String key = text.substring(0, end);
        String value = text.substring(end).strip();
        String where = path + ", line " + line + ": ";
        if (value.isEmpty()) {
            warnings.accept(where + "expected format: key whitespace value -- ignoring this line");
            return;
        }
        if (key.endsWith(":")) {
            warnings.accept(where + "record is in \"key: value\" format; is this an alias file?");
        }
        key = BuiltinTables.fold(flags, key);
        if (entries.containsKey(key)) {
            warnings.accept(where + "duplicate entry: \"" + LogText.printable(key) + "\"");
            return;
        }
        entries.put(key, value);
    }

    /** End of the key: the first blank, or after the closing quote of a "quoted key". */
    private static int keyEnd(String text) {
        int i = 0;
        if (text.startsWith("\"")) {
            for (i = 1; i < text.length(); i++) {
                char c = text.charAt(i);
                if (c == '\\' && i + 1 < text.length()) {
                    i++;
                } else if (c == '"') {
                    if (i + 1 == text.length() || Character.isWhitespace(text.charAt(i + 1))) {
                        return i + 1;
                    }
                    break;
                }
            }
            i = 0;
        }
        while (i < text.length() && !Character.isWhitespace(text.charAt(i))) {
            i++;
        }
        return i;
    }
}
