// SPDX-License-Identifier: Apache-2.0
package org.postern.core.milter;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.postern.api.delivery.Recipient.DsnNotify;
import org.postern.api.message.DsnRequest;
import org.postern.api.milter.HeaderEdits;
import org.postern.api.milter.HeaderField;
import org.postern.api.milter.Modification;
import org.postern.core.message.Envelope;
import org.postern.core.message.EnvelopeRecipient;

/**
 * SUMMARY   Applies the milters' end-of-message modifications: header edits and a new body to
 *           the content, sender and recipient changes and the quarantine to the envelope.
 * DESCRIPTION
 *   As Postfix's cleanup_milter.c: the header edits in order ({@link HeaderEdits}), the last
 *   body a milter sent. SMFIR_CHGFROM keeps RET= and ENVID= only; SMFIR_ADDRCPT_PAR
 *   keeps NOTIFY= and ORCPT=; SMFIR_DELRCPT removes every recipient with that address (angle
 *   brackets ignored). Quarantine puts the message on hold with the milter's reason.
 * SECURITY  Values come from the milters (trusted configuration, untrusted content in them).
 */
public final class MessageEdits {

    private final List<Modification> modifications;
    private final Optional<String> quarantine;

    public MessageEdits(List<Modification> modifications, Optional<String> quarantine) {
        this.modifications = List.copyOf(modifications);
        this.quarantine = quarantine;
    }

    public static final MessageEdits NONE = new MessageEdits(List.of(), Optional.empty());

    /** These edits with the modifications {@code check} leaves (milter_header_checks). */
    MessageEdits checked(java.util.function.UnaryOperator<List<Modification>> check) {
        return new MessageEdits(check.apply(modifications), quarantine);
    }

    /** Whether the content changes (headers or body). */
    boolean changesContent() {
        for (Modification m : modifications) {
            if (m instanceof Modification.AddHeader || m instanceof Modification.InsertHeader
                    || m instanceof Modification.ChangeHeader || m instanceof Modification.ReplaceBody) {
                return true;
            }
        }
        return false;
    }

    /** The headers after the header modifications. */
    List<HeaderField> headers(List<HeaderField> in) {
        return HeaderEdits.apply(in, modifications);
    }

    /** The new body, when a milter replaced it. */
    Optional<byte[]> body() {
        byte[] body = null;
        for (Modification m : modifications) {
            if (m instanceof Modification.ReplaceBody r) {
                body = r.body();
            }
        }
        return Optional.ofNullable(body);
    }

    /** Writes the edited message: headers, the empty line, the (new) body. */
    void write(HeaderBlock.Parsed parsed, OutputStream out) throws IOException {
        for (HeaderField h : headers(parsed.headers())) {
            HeaderBlock.write(h, out);
        }
        out.write('\r');
        out.write('\n');
        Optional<byte[]> body = body();
        if (body.isPresent()) {
            out.write(body.get());
            return;
        }
        parsed.body().transferTo(out);
    }

    /** The envelope after sender and recipient changes and the quarantine. */
    public Envelope apply(Envelope in) {
        Envelope.Builder b = in.toBuilder();
        Map<String, EnvelopeRecipient> recipients = new LinkedHashMap<>();
        for (EnvelopeRecipient r : in.recipients()) {
            recipients.putIfAbsent(key(r.address()), r);
        }
        for (Modification m : modifications) {
            if (m instanceof Modification.ChangeSender c) {
                b.sender(bare(c.address()));
                b.dsn(dsn(in.dsn(), c.args()));
            } else if (m instanceof Modification.AddRecipient a) {
                recipients.putIfAbsent(key(a.address()), recipient(bare(a.address()), a.args()));
            } else if (m instanceof Modification.DeleteRecipient d) {
                recipients.remove(key(d.address()));
            }
        }
        b.recipients(new ArrayList<>(recipients.values()));
        if (quarantine.isPresent() && in.actions().hold().isEmpty()) {
            b.actions(in.actions().withHold(quarantine.get()));
        }
        return b.build();
    }

    /** Whether no recipient is left (Postfix then discards the message). */
    public boolean removesEveryRecipient(Envelope in) {
        return apply(in).recipients().isEmpty();
    }

    private static String key(String address) {
        return bare(address).toLowerCase(Locale.ROOT);
    }

    /** "<a@b>" or "a@b" as a@b. */
    static String bare(String address) {
        String a = address.trim();
        if (a.startsWith("<") && a.endsWith(">")) {
            a = a.substring(1, a.length() - 1);
        }
        return a;
    }

    private static DsnRequest dsn(DsnRequest old, List<String> args) {
        String envid = old.envelopeId();
        DsnRequest.Return ret = old.ret();
        for (String arg : args) {
            String upper = arg.toUpperCase(Locale.ROOT);
            if (upper.startsWith("ENVID=")) {
                envid = arg.substring(6);
            } else if (upper.startsWith("RET=")) {
                ret = DsnRequest.Return.of(arg.substring(4));
            }
        }
        return new DsnRequest(envid, ret);
    }

    private static EnvelopeRecipient recipient(String address, List<String> args) {
        String orcpt = "";
        Set<DsnNotify> notify = Set.of();
        for (String arg : args) {
            String upper = arg.toUpperCase(Locale.ROOT);
            if (upper.startsWith("ORCPT=")) {
                orcpt = arg.substring(6);
            } else if (upper.startsWith("NOTIFY=")) {
                Set<DsnNotify> n = EnumSet.noneOf(DsnNotify.class);
                for (String word : upper.substring(7).split(",")) {
                    try {
                        n.add(DsnNotify.valueOf(word.trim()));
                    } catch (IllegalArgumentException e) {
                        // an unknown NOTIFY keyword is ignored, as Postfix's cleanup does
                    }
                }
                notify = n;
            }
        }
        return new EnvelopeRecipient(address, orcpt, notify);
    }
}
