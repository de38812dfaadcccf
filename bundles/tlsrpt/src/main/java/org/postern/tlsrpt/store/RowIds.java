// SPDX-License-Identifier: Apache-2.0
package org.postern.tlsrpt.store;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

import org.postern.tlsrpt.counts.FailureKey;
import org.postern.tlsrpt.counts.PolicyKey;

/**
 * SUMMARY   Fixed-size keys for a policy and a failure-detail row: SHA-256 over their fields,
 *           each field length-prefixed, in hex.
 * DESCRIPTION
 *   The SQL store's unique keys cannot be the fields themselves: TLSA records, STS policies and
 *   the receiving side's texts can be longer than an index entry may be, and a join with a
 *   delimiter would make ["a,b"] and ["a","b"] one key. Every node computes the same id for the
 *   same fields, which is what lets their INSERT ... ON CONFLICT add up in one row.
 * SECURITY  The fields come partly from the receiving MX (HELO, reason): hashing makes their
 *           length and content irrelevant to the key.
 */
final class RowIds {

    private RowIds() {
    }

    static String policy(PolicyKey key) {
        Digest d = new Digest().text(key.type().wireName());
        d.list(key.strings());
        d.list(key.mxHosts());
        return d.hex();
    }

    static String detail(FailureKey key) {
        return new Digest().text(key.resultType().wireName()).text(key.sendingMtaIp()).text(key.receivingMxHostname())
                .text(key.receivingMxHelo()).text(key.receivingIp()).text(key.additionalInformation())
                .text(key.failureReasonCode()).hex();
    }

    private static final class Digest {
        private final MessageDigest sha256;

        Digest() {
            try {
                sha256 = MessageDigest.getInstance("SHA-256");
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException("every Java runtime has SHA-256", e);
            }
        }

        Digest text(String s) {
            byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
            sha256.update(ByteBuffer.allocate(4).putInt(bytes.length).array());
            sha256.update(bytes);
            return this;
        }

        void list(List<String> texts) {
            sha256.update(ByteBuffer.allocate(4).putInt(texts.size()).array());
            texts.forEach(this::text);
        }

        String hex() {
            return HexFormat.of().formatHex(sha256.digest());
        }
    }
}
