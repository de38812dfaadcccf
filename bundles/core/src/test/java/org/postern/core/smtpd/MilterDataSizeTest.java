// SPDX-License-Identifier: Apache-2.0
package org.postern.core.smtpd;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.postern.core.smtpd.restrict.CapturedLog;
import org.postern.milter.MilterClient;
import org.postern.testing.milter.ScriptedMilter;

/**
 * Sendmail's larger milter data size (MDS) against header_size_limit: smtpd cuts a logical
 * header at header_size_limit (102400 by default), which is more than the 65,535 bytes one
 * packet carries to a filter without MDS. A filter that took data_size=256k gets such a header
 * whole, as it is queued; one without MDS cannot take it and its default action applies; with a
 * header_size_limit under 64 KB no filter needs MDS.
 */
class MilterDataSizeTest {

    private static final int MDS_256K = 0x10000000;

    private final ScriptedMilter milter;

    MilterDataSizeTest() throws Exception {
        milter = new ScriptedMilter();
        milter.steps = MDS_256K;
    }

    @AfterEach
    void close() throws Exception {
        milter.close();
    }

    /** A 200,000-byte logical header, folded into 1,000-byte lines (each under line_length_limit). */
    private static String longHeader() {
        StringBuilder h = new StringBuilder("X-Long: start");
        for (int i = 0; i < 200; i++) {
            h.append("\r\n\t").append("z".repeat(997));
        }
        return h.append("\r\n").toString();
    }

    private String deliver(String entry, String... mainCf) {
        String[] all = new String[mainCf.length + 1];
        all[0] = "smtpd_milters = " + entry;
        System.arraycopy(mainCf, 0, all, 1, mainCf.length);
        SessionHarness s = new SessionHarness(TestConfigs.config(all), MilterClient::new);
        assertThat(s.cmd("EHLO client.example")).startsWith("250");
        assertThat(s.cmd("MAIL FROM:<alice@example.org>")).startsWith("250");
        assertThat(s.cmd("RCPT TO:<bob@example.test>")).startsWith("250");
        assertThat(s.cmd("DATA")).startsWith("354");
        String reply = s.send("From: alice@example.org\r\n" + longHeader() + "Subject: big\r\n\r\nbody\r\n.\r\n");
        if (reply.startsWith("250")) {
            String queued = s.queue.committed.get(0).text();
            int start = queued.indexOf("X-Long:");
            String header = queued.substring(start, queued.indexOf("\r\nSubject:", start));
            ScriptedMilter.Packet seen = milter.all('L').stream().filter(p -> p.text().startsWith("X-Long"))
                    .findFirst().orElseThrow();
            // name NUL value NUL, the value without the space after the colon (no SMFIP_HDR_LEADSPC)
            String asSeen = seen.text().substring(0, seen.text().length() - 1).replaceFirst("\0", ": ")
                    .replace("\n", "\r\n");
            assertThat(asSeen).as("the filter saw the header as it is queued").isEqualTo(header);
            queuedHeaderLength = header.getBytes(StandardCharsets.ISO_8859_1).length;
        }
        return reply;
    }

    private int queuedHeaderLength;

    @Test
    void aFilterWithData256kShouldGetAHeaderCutAtHeaderSizeLimitWhole() {
        assertThat(deliver("{ " + milter.endpoint() + ", data_size=256k }")).startsWith("250 2.0.0 Ok: queued as");
        assertThat(queuedHeaderLength).isBetween(65_536, 102_400);
    }

    @Test
    void aFilterWithoutMdsShouldGiveItsDefaultActionForSuchAHeader() {
        String[] reply = new String[1];
        String log = CapturedLog.during(() -> reply[0] = deliver(milter.endpoint()));
        assertThat(reply[0]).isEqualTo("451 4.7.1 Service unavailable - try again later\r\n");
        assertThat(log).contains("header X-Long of ").contains("exceeds the filter's data size of 65535 bytes");
        assertThat(milter.all('L')).extracting(ScriptedMilter.Packet::text).noneMatch(t -> t.startsWith("X-Long"));
    }

    @Test
    void aHeaderSizeLimitUnder64kShouldNeedNoMds() {
        assertThat(deliver(milter.endpoint(), "header_size_limit = 60000")).startsWith("250 2.0.0 Ok: queued as");
        assertThat(queuedHeaderLength).isBetween(50_000, 60_000);
        assertThat(java.nio.ByteBuffer.wrap(milter.all('O').get(0).data()).getInt(8) & MDS_256K)
                .as("no MDS offered without data_size").isZero();
    }
}
