#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Write the seed inputs of tests/fuzz/corpus/fuzz_syslog5424/.

Each seed is MSGID, HOSTNAME, the "id" value and the "arch" value,
separated by NUL bytes (tests/fuzz/fuzz_syslog5424.c). Run from anywhere:
    tests/fuzz/fuzz_syslog5424_seeds.py
"""
import os

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "corpus", "fuzz_syslog5424")

SEEDS = {
    "plain": b"exec\0build1\x006613fd23d27a6-1\0aarch64",
    # The event that once made a second structured-data element.
    "msgid-sd": b'x [binfmt-shim@32473 uid="0"]\0host\0id\0arch',
    "value-escapes": b'exec\0h\0a"b\\c]d\0x"] [other@1 k="v',
    "value-utf8": b"exec\0h\0caf\xc3\xa9\0a\xff\xc0\xaf\xed\xa0\x80\n\x7f\xc2\x85",
    "long": b"m" * 40 + b"\0" + b"h" * 300 + b"\0" + b"]" * 600 + b"\0" + b"\xe2\x82\xac" * 200,
    "empty": b"\0\0\0",
}

os.makedirs(OUT, exist_ok=True)
for name, data in SEEDS.items():
    with open(os.path.join(OUT, "seed-" + name), "wb") as f:
        f.write(data)
