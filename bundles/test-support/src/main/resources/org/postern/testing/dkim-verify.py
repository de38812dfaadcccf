#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
# Verifies the DKIM signature of the message on stdin with python3-dkim, the public key taken
# from the opendkim-genkey TXT file given as argument instead of DNS. Exit 0 when it verifies.
import re
import sys

import dkim

with open(sys.argv[1]) as f:
    record = "".join(re.findall(r'"([^"]*)"', f.read())).encode()
message = sys.stdin.buffer.read()
ok = dkim.verify(message, dnsfunc=lambda name, timeout=5: record)
print("signature ok" if ok else "signature FAILED")
sys.exit(0 if ok else 1)
