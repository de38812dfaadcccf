// SPDX-License-Identifier: Apache-2.0
package org.postern.api.milter;

import java.util.ArrayList;
import java.util.List;

/**
 * The header modifications of a milter reply applied in order, as Postfix's cleanup_milter.c
 * applies them: SMFIR_ADDHEADER appends after the last header, SMFIR_INSHEADER inserts at a
 * position (0 is first), SMFIR_CHGHEADER replaces the n-th header of that name (names compared
 * case-insensitively) and deletes it when the value is empty; an index past the last one
 * appends. The MTA writes the message with them, and a filter chain shows the next filter the
 * headers the earlier ones left, so that its indexes count the same headers.
 *
 * @since 0.3
 */
public final class HeaderEdits {

    private HeaderEdits() {
    }

    /** {@code headers} after the header modifications among {@code modifications}. */
    public static List<HeaderField> apply(List<HeaderField> headers, List<Modification> modifications) {
        List<HeaderField> out = new ArrayList<>(headers);
        for (Modification m : modifications) {
            if (m instanceof Modification.AddHeader a) {
                out.add(a.header());
            } else if (m instanceof Modification.InsertHeader i) {
                out.add(Math.max(0, Math.min(i.index(), out.size())), i.header());
            } else if (m instanceof Modification.ChangeHeader c) {
                change(out, c);
            }
        }
        return out;
    }

    private static void change(List<HeaderField> headers, Modification.ChangeHeader c) {
        String name = c.header().name();
        int seen = 0;
        for (int i = 0; i < headers.size(); i++) {
            if (headers.get(i).name().trim().equalsIgnoreCase(name)) {
                seen++;
                if (seen == Math.max(1, c.index())) {
                    if (c.deletes()) {
                        headers.remove(i);
                    } else {
                        headers.set(i, c.header());
                    }
                    return;
                }
            }
        }
        if (!c.deletes()) {
            headers.add(c.header());
        }
    }
}
