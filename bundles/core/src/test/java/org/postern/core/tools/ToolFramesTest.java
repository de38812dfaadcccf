// SPDX-License-Identifier: Apache-2.0
package org.postern.core.tools;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

class ToolFramesTest {

    @Test
    void framesRoundTrip() throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        ToolFrames.write(out, ToolFrames.ARGUMENT, "-fjoé@example.org");
        ToolFrames.writeStatus(out, 75);
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes.toByteArray()));
        assertThat(ToolFrames.read(in).text()).isEqualTo("-fjoé@example.org");
        ToolFrames.Frame exit = ToolFrames.read(in);
        assertThat(exit.type()).isEqualTo(ToolFrames.EXIT);
        assertThat(exit.status()).isEqualTo(75);
    }

    @Test
    void anOversizedFrameEndsTheConnection() {
        byte[] hostile = {ToolFrames.INPUT, 0x7f, 0, 0, 0};
        assertThatThrownBy(() -> ToolFrames.read(new DataInputStream(new ByteArrayInputStream(hostile))))
                .isInstanceOf(IOException.class).hasMessageContaining("frame of");
    }

    @Test
    void inputIsAskedForOnceAndEndsAtItsEndFrame() throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream client = new DataOutputStream(bytes);
        byte[] hello = "hello ".getBytes(StandardCharsets.UTF_8);
        byte[] world = "world".getBytes(StandardCharsets.UTF_8);
        ToolFrames.write(client, ToolFrames.INPUT, hello, 0, hello.length);
        ToolFrames.write(client, ToolFrames.INPUT, world, 0, world.length);
        ToolFrames.write(client, ToolFrames.INPUT_END, new byte[0], 0, 0);
        int[] asked = {0};
        InputStream stdin = new FramedStreams.Input(new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())),
                () -> asked[0]++);
        assertThat(new String(stdin.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("hello world");
        assertThat(stdin.read()).isEqualTo(-1);
        assertThat(asked[0]).isEqualTo(1);
    }

    @Test
    void aClientThatGoesAwayMidInputIsNotAnEndOfInput() throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream client = new DataOutputStream(bytes);
        byte[] part = "Subject: half".getBytes(StandardCharsets.UTF_8);
        ToolFrames.write(client, ToolFrames.INPUT, part, 0, part.length);
        InputStream stdin = new FramedStreams.Input(new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())),
                () -> { });
        assertThatThrownBy(stdin::readAllBytes).isInstanceOf(IOException.class).hasMessageContaining("went away");
    }
}
