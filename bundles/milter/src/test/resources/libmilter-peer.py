#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
# A milter on Debian's python3-milter (libmilter underneath), the independent peer of
# LibmilterPeerTest. Usage: libmilter-peer.py PORT LOGFILE. It writes what it saw as JSON
# lines to LOGFILE and acts on the recipient's local part:
#   reject@      -> 550 5.7.1 multi-line reply (setreply)
#   tempfail@    -> TEMPFAIL
#   discard@     -> DISCARD at end of message
#   modify@      -> every end-of-message modification
#   quarantine@  -> quarantine with a reason
# It asks for SMFIP_RCPT_REJ, and notes every recipient with its parameters and macros.
import json
import sys

import Milter

PORT, LOG = sys.argv[1], sys.argv[2]


def note(**what):
    with open(LOG, "a") as f:
        f.write(json.dumps(what) + "\n")


class Peer(Milter.Base):
    def __init__(self):
        self.headers = []
        self.rcpts = []
        self.content = b""

    def negotiate(self, opts):
        # Milter.Base.negotiate with a SETSYMLIST list: Debian's python3-milter 1.0.5 @symlist hands
        # its C module bytes where it wants str, so the list is set here directly.
        offered = list(opts)
        self._actions, steps = opts[0], opts[1]
        self._ctx.setsymlist(Milter.M_ENVFROM, "{mail_addr} i")
        opts[1] = self._protocol = steps & ~self.protocol_mask()
        opts[2] = 0
        opts[3] = 0
        note(event="negotiate", offered=offered, replied=list(opts))
        return Milter.CONTINUE

    def connect(self, hostname, family, hostaddr):
        note(event="connect", hostname=hostname, hostaddr=list(hostaddr) if hostaddr else None,
             j=self.getsymval("j"), daemon_name=self.getsymval("{daemon_name}"))
        return Milter.CONTINUE

    def hello(self, helo):
        note(event="helo", helo=helo)
        return Milter.CONTINUE

    def envfrom(self, sender, *params):
        self.headers, self.rcpts, self.content = [], [], b""
        note(event="mail", sender=sender, params=list(params), mail_addr=self.getsymval("{mail_addr}"))
        return Milter.CONTINUE

    def envrcpt(self, rcpt, *params):
        # With SMFIP_RCPT_REJ the MTA's own refusals come here too, as Sendmail's error mailer.
        note(event="rcpt", rcpt=rcpt, params=list(params), rcpt_mailer=self.getsymval("{rcpt_mailer}"),
             rcpt_host=self.getsymval("{rcpt_host}"), rcpt_addr=self.getsymval("{rcpt_addr}"))
        if self.getsymval("{rcpt_mailer}") == "error":
            return Milter.CONTINUE
        self.rcpts.append(rcpt)
        if rcpt.startswith("<reject@"):
            self.setreply("550", "5.7.1", "first line", "second line")
            return Milter.REJECT
        if rcpt.startswith("<tempfail@"):
            return Milter.TEMPFAIL
        return Milter.CONTINUE

    @Milter.noreply
    def header(self, name, value):
        self.headers.append([name, value])
        return Milter.CONTINUE

    def body(self, chunk):
        self.content += chunk
        return Milter.CONTINUE

    def eom(self):
        note(event="eom", headers=self.headers, body=self.content.decode("latin-1"), i=self.getsymval("i"))
        first = self.rcpts[0] if self.rcpts else ""
        if first.startswith("<discard@"):
            return Milter.DISCARD
        if first.startswith("<quarantine@"):
            self.quarantine("peer says hold")
            return Milter.ACCEPT
        if first.startswith("<modify@"):
            self.addheader("X-Peer", "added")
            self.addheader("X-Peer-First", "inserted", 0)
            self.chgheader("Subject", 1, "changed by peer")
            self.chgheader("X-Folded", 1, "")
            self.chgfrom("<new@example.org>", "RET=HDRS")
            self.addrcpt("<added@example.test>", "NOTIFY=NEVER")
            self.delrcpt(first)
            self.replacebody(b"replaced body\r\n")
        return Milter.ACCEPT


Milter.enable_protocols(Peer, Milter.P_HDR_LEADSPC | Milter.P_RCPT_REJ)
Milter.factory = Peer
Milter.set_flags(Milter.ADDHDRS | Milter.CHGHDRS | Milter.ADDRCPT | Milter.ADDRCPT_PAR | Milter.DELRCPT
                 | Milter.CHGFROM | Milter.CHGBODY | Milter.QUARANTINE | Milter.SETSYMLIST)
Milter.runmilter("libmilter-peer", "inet:%s@127.0.0.1" % PORT, 60)
