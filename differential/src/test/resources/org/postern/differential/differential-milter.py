# SPDX-License-Identifier: Apache-2.0
# A filter for the differential SMTP tests, on Debian's python3-milter (libmilter underneath):
# Postfix and Postern talk to the same process, so their replies can be compared.
#
#   python3 differential-milter.py PORT MODE
#
# MODE connect-reject, connect-tempfail, helo-reject: refuses that stage.
# MODE envelope: decides by the address's local part or the Subject:
#   MAIL  mail-reject, mail-tempfail, mail-custom (553 5.7.2, two lines), mail-discard
#   RCPT  rcpt-reject, rcpt-tempfail, rcpt-custom (551 5.1.6), rcpt-discard
#   EOM   Subject: eom-reject, eom-tempfail, eom-custom (554 5.7.0, two lines), eom-discard
# Anything else continues. Listens on 127.0.0.1 only and stops when its parent test kills it.
import sys

import Milter

PORT, MODE = sys.argv[1], sys.argv[2]


def local_part(address):
    return address.strip("<>").split("@")[0].lower()


class DifferentialMilter(Milter.Base):

    def __init__(self):
        self.subject = ""

    def connect(self, hostname, family, hostaddr):
        if MODE == "connect-reject":
            self.setreply("554", "5.7.1", "go away at connect")
            return Milter.REJECT
        if MODE == "connect-tempfail":
            return Milter.TEMPFAIL
        return Milter.CONTINUE

    def hello(self, hostname):
        if MODE == "helo-reject":
            self.setreply("550", "5.7.1", "bad helo")
            return Milter.REJECT
        return Milter.CONTINUE

    def envfrom(self, sender, *params):
        self.subject = ""
        return self.decide(local_part(sender), "mail", ("553", "5.7.2", "sender refused", "by the filter"))

    def envrcpt(self, recipient, *params):
        return self.decide(local_part(recipient), "rcpt", ("551", "5.1.6", "moved away"))

    def header(self, name, value):
        if name.lower() == "subject":
            self.subject = value.strip().lower()
        return Milter.CONTINUE

    def eom(self):
        return self.decide(self.subject, "eom", ("554", "5.7.0", "message refused", "second line"))

    def decide(self, word, stage, custom):
        if MODE != "envelope" or not word.startswith(stage + "-"):
            return Milter.CONTINUE
        what = word[len(stage) + 1:]
        if what == "reject":
            return Milter.REJECT
        if what == "tempfail":
            return Milter.TEMPFAIL
        if what == "discard":
            return Milter.DISCARD
        if what == "custom":
            self.setreply(*custom)
            return Milter.REJECT
        return Milter.CONTINUE


Milter.factory = DifferentialMilter
Milter.runmilter("differential", "inet:%s@127.0.0.1" % PORT, 30)
