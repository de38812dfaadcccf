#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
#
# tls-sink.py: an SMTP sink with STARTTLS for tls-relay-rate.sh (Postfix's smtp-sink has no TLS).
#
# Listens on 127.0.0.1:PORT, offers STARTTLS (the certificate and key given, OpenSSL through
# Python's ssl module, session tickets on), accepts every command with 250 and every message
# with 250, keeps nothing, and exits when it has received MESSAGES messages, printing how many
# sessions it saw and how many of them used TLS. Same sink for both MTAs, so its own cost
# weighs the same on both sides.
#
# usage: tls-sink.py PORT MESSAGES CERT KEY
import asyncio
import ssl
import sys


class Sink:
    def __init__(self, wanted, context):
        self.wanted = wanted
        self.context = context
        self.received = 0
        self.sessions = 0
        self.tls_sessions = 0
        self.done = asyncio.Event()

    async def session(self, reader, writer):
        self.sessions += 1
        tls = False
        try:
            writer.write(b"220 sink.localdomain ESMTP\r\n")
            await writer.drain()
            while True:
                line = await reader.readline()
                if not line:
                    return
                verb = line[:4].upper()
                if verb in (b"EHLO", b"LHLO"):
                    writer.write(b"250-sink.localdomain\r\n250-PIPELINING\r\n250-8BITMIME\r\n250-SIZE 0\r\n"
                                 + (b"" if tls else b"250-STARTTLS\r\n") + b"250 ENHANCEDSTATUSCODES\r\n")
                elif verb == b"STAR" and not tls:
                    writer.write(b"220 2.0.0 Ready to start TLS\r\n")
                    await writer.drain()
                    await writer.start_tls(self.context)
                    tls = True
                    self.tls_sessions += 1
                    continue
                elif verb == b"DATA":
                    writer.write(b"354 End data with <CR><LF>.<CR><LF>\r\n")
                    await writer.drain()
                    await reader.readuntil(b"\r\n.\r\n")
                    self.received += 1
                    writer.write(b"250 2.0.0 Ok: queued\r\n")
                    if self.received >= self.wanted:
                        self.done.set()
                elif verb == b"QUIT":
                    writer.write(b"221 2.0.0 Bye\r\n")
                    await writer.drain()
                    return
                else:
                    writer.write(b"250 2.0.0 Ok\r\n")
                await writer.drain()
        except (ConnectionError, asyncio.IncompleteReadError, asyncio.CancelledError, ssl.SSLError):
            return   # the client went away, or the sink is done and stops
        finally:
            writer.close()


async def main(port, wanted, cert, key):
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    sink = Sink(wanted, context)
    server = await asyncio.start_server(sink.session, "127.0.0.1", port, limit=1 << 20, backlog=256)
    async with server:
        await sink.done.wait()
    print(f"tls-sink: {sink.received} messages, {sink.sessions} sessions, {sink.tls_sessions} with TLS", flush=True)


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1]), int(sys.argv[2]), sys.argv[3], sys.argv[4]))
