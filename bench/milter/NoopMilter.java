// SPDX-License-Identifier: Apache-2.0
import java.io.*;
import java.net.*;
import java.nio.ByteBuffer;
/** A no-op milter for the accept-rate figure: version 6, no actions, continue to every event. */
public class NoopMilter {
    public static void main(String[] a) throws Exception {
        ServerSocket server = new ServerSocket(Integer.parseInt(a[0]), 100, InetAddress.getLoopbackAddress());
        while (true) {
            Socket s = server.accept();
            new Thread(() -> {
                try (s) {
                    DataInputStream in = new DataInputStream(new BufferedInputStream(s.getInputStream()));
                    OutputStream out = new BufferedOutputStream(s.getOutputStream());
                    while (true) {
                        byte[] p = new byte[in.readInt()];
                        in.readFully(p);
                        switch (p[0]) {
                            case 'O' -> out.write(ByteBuffer.allocate(17).putInt(13).put((byte) 'O').putInt(6).putInt(0).putInt(0).array());
                            case 'D', 'A' -> { continue; }
                            case 'Q' -> { return; }
                            default -> out.write(new byte[] {0, 0, 0, 1, 'c'});
                        }
                        out.flush();
                    }
                } catch (IOException e) { }
            }).start();
        }
    }
}
