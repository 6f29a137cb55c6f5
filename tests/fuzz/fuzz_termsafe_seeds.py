#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Write the small seed inputs of tests/fuzz/corpus/fuzz_termsafe/.

Input: one byte (bits 0-2: TS_TAB, TS_NL, TS_BS; bits 3-7: a column
limit, 0 for none), then the text to escape. Run from anywhere:
    tests/fuzz/fuzz_termsafe_seeds.py
"""
import os

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "corpus", "fuzz_termsafe")

TAB, NL, BS = 1, 2, 4


def cols(n):
    return n << 3


SEEDS = {
    "ansi-path": bytes([0]) + b"/tmp/\x1b]0;owned\x07\x1b[2J\x1b[31mred.bin",
    "c1-utf8": bytes([0]) + "/tmp/x\u009b31m\u009d0;t\u009c.bin".encode(),
    "c1-raw": bytes([0]) + b"\x9b31m\x9d\x90\x9f\x80",
    "bidi": bytes([0]) + "evil\u202egnp.exe\u2066\u2069\u200e\u061c\u2028".encode(),
    "backslash": bytes([0]) + b"\\x1b \\u009b \\\\ \\",
    "backslash-as-is": bytes([BS]) + b"sed -i 's/\\r$//' \\x1b",
    "invalid-utf8": bytes([0]) + b"\xff\xfe\xc0\x80\xed\xa0\x80\xf4\x90\x80\x80\xc2",
    "valid-utf8": bytes([0]) + "caf\u00e9 \u20ac \U0001f600 \u00a0".encode(),
    "tab-newline": bytes([TAB | NL]) + b"a\tb\nc\rd\x7f",
    "arch-column": bytes([cols(12)]) + b"arm\x08\x08\x08x86_64",
    "column-c1": bytes([cols(7)]) + "ab\u009bcdef".encode(),
    "column-wide": bytes([cols(3)]) + "\u00e9\u00e9\u00e9\u00e9".encode(),
}

os.makedirs(OUT, exist_ok=True)
for name, data in SEEDS.items():
    with open(os.path.join(OUT, "seed-" + name), "wb") as f:
        f.write(data)
