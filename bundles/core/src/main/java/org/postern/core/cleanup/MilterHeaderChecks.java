// SPDX-License-Identifier: Apache-2.0
package org.postern.core.cleanup;

import java.util.ArrayList;
import java.util.List;

import org.apache.james.mime4j.util.MimeUtil;
import org.postern.api.milter.HeaderField;
import org.postern.api.milter.Modification;
import org.postern.api.support.LogText;
import org.postern.core.cleanup.TableList.TableFailure;

/**
 * SUMMARY   milter_header_checks: header_checks(5) on the headers the milters add, insert or
 *           change, before cleanup writes them.
 * DESCRIPTION
 *   Each header a modification carries is looked up as a logical header ("Name: value",
 *   continuation lines joined). REJECT, DISCARD, HOLD, FILTER, REDIRECT, BCC, WARN, INFO and PASS
 *   are recorded in the {@link ContentDecisions} given (they take effect when the message is
 *   committed) and logged as Postfix's cleanup logs them for milter headers:
 *   "QUEUEID: milter-header-hold: header X-Spam-Flag: YES from host[addr]; from=&lt;s&gt; ...";
 *   IGNORE and STRIP drop the header (a change becomes a deletion), REPLACE puts its text in the
 *   header's place and PREPEND puts its text before the header (Postfix does not implement
 *   PREPEND here).
 * SECURITY  The header text comes from the milters (trusted), the values in it often from the
 *           message (untrusted): logged printable and truncated.
 * BUGS      A PREPEND on a changed header adds its text after the last header, not before the
 *           changed one. Headers the milters add also pass header_checks when cleanup writes the
 *           content (Postfix applies only milter_header_checks to them).
 */
final class MilterHeaderChecks {

    private final TableList tables;
    private final ContentDecisions decisions;
    private final String queueId;

    MilterHeaderChecks(TableList tables, ContentDecisions decisions, String queueId) {
        this.tables = tables;
        this.decisions = decisions;
        this.queueId = queueId;
    }

    /** The modifications left to apply, with the checks' changes. */
    List<Modification> apply(List<Modification> in) {
        if (tables.isEmpty()) {
            return in;
        }
        List<Modification> out = new ArrayList<>();
        for (Modification m : in) {
            HeaderField h = header(m);
            if (h == null || decisions.passed() || decisions.isDead()) {
                out.add(m);
                continue;
            }
            String logical = h.name() + ":" + MimeUtil.unfold(h.valueText());
            ContentDecisions.Action a;
            try {
                a = ContentDecisions.Action.lookup(tables, logical);
            } catch (TableFailure e) {
                decisions.fail(e);
                out.add(m);
                continue;
            }
            if (a == null) {
                out.add(m);
            } else if (a.verb().equals("PREPEND")) {
                HeaderField extra = parse(a.text());
                if (extra != null) {
                    out.add(before(m, extra));
                }
                out.add(extra != null && m instanceof Modification.InsertHeader i
                        ? new Modification.InsertHeader(i.index() + 1, i.header()) : m);
            } else if (a.verb().equals("REPLACE")) {
                HeaderField replacement = parse(a.text());
                out.addAll(replacement == null ? List.of(m) : replace(m, replacement));
            } else if (!decisions.act(a, "header", logical)) {
                if (m instanceof Modification.ChangeHeader c) {
                    out.add(new Modification.ChangeHeader(c.index(), new HeaderField(c.header().name(), new byte[0])));
                }
            } else {
                out.add(m);
            }
        }
        return out;
    }

    /** The header a modification adds or changes to; null for a deletion or an envelope change. */
    private static HeaderField header(Modification m) {
        if (m instanceof Modification.AddHeader a) {
            return a.header();
        }
        if (m instanceof Modification.InsertHeader i) {
            return i.header();
        }
        if (m instanceof Modification.ChangeHeader c && !c.deletes()) {
            return c.header();
        }
        return null;
    }

    private static Modification before(Modification m, HeaderField extra) {
        if (m instanceof Modification.InsertHeader i) {
            return new Modification.InsertHeader(i.index(), extra);
        }
        return new Modification.AddHeader(extra);
    }

    private static List<Modification> replace(Modification m, HeaderField replacement) {
        if (m instanceof Modification.AddHeader) {
            return List.of(new Modification.AddHeader(replacement));
        }
        if (m instanceof Modification.InsertHeader i) {
            return List.of(new Modification.InsertHeader(i.index(), replacement));
        }
        Modification.ChangeHeader c = (Modification.ChangeHeader) m;
        if (c.header().name().equalsIgnoreCase(replacement.name())) {
            return List.of(new Modification.ChangeHeader(c.index(), replacement));
        }
        return List.of(new Modification.ChangeHeader(c.index(), new HeaderField(c.header().name(), new byte[0])),
                new Modification.AddHeader(replacement));
    }

    /** "Name: value" as a header (the value keeps its leading space); null, with a warning, when it is none. */
    private HeaderField parse(String text) {
        int colon = text.indexOf(':');
        if (colon <= 0 || !text.substring(0, colon).strip().equals(text.substring(0, colon))) {
            ContentProcessor.LOG.warn("{}: warning: milter_header_checks: not a header: \"{}\"", queueId,
                    LogText.printable(text));
            return null;
        }
        return HeaderField.of(text.substring(0, colon), text.substring(colon + 1));
    }
}
