// SPDX-License-Identifier: Apache-2.0
package org.postern.api.milter;

import java.util.List;

/** A change a filter asks for at the end of the message; applied in the order received. */
public sealed interface Modification {

    /** SMFIR_ADDHEADER: append after the last header. */
    record AddHeader(HeaderField header) implements Modification {
    }

    /** SMFIR_INSHEADER: insert so that it becomes header number {@code index} (0: first). */
    record InsertHeader(int index, HeaderField header) implements Modification {
    }

    /**
     * SMFIR_CHGHEADER: replace the {@code index}-th (from 1) header named {@code header.name()};
     * an empty value deletes it.
     */
    record ChangeHeader(int index, HeaderField header) implements Modification {
        public boolean deletes() {
            return header.value().length == 0;
        }
    }

    /** SMFIR_CHGFROM: the new envelope sender and its ESMTP arguments (RET, ENVID kept, as Postfix). */
    record ChangeSender(String address, List<String> args) implements Modification {
        public ChangeSender {
            args = List.copyOf(args);
        }
    }

    /** SMFIR_ADDRCPT / SMFIR_ADDRCPT_PAR: a new recipient with its ESMTP arguments (NOTIFY, ORCPT). */
    record AddRecipient(String address, List<String> args) implements Modification {
        public AddRecipient {
            args = List.copyOf(args);
        }
    }

    /** SMFIR_DELRCPT: drop this recipient. */
    record DeleteRecipient(String address) implements Modification {
    }

    /** SMFIR_REPLBODY: the new body (all chunks joined), CRLF line ends. */
    record ReplaceBody(byte[] body) implements Modification {
        public ReplaceBody {
            body = body.clone();
        }

        @Override
        public byte[] body() {
            return body.clone();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof ReplaceBody r && java.util.Arrays.equals(r.body, body);
        }

        @Override
        public int hashCode() {
            return java.util.Arrays.hashCode(body);
        }

        @Override
        public String toString() {
            return "ReplaceBody[" + body.length + " bytes]";
        }
    }
}
