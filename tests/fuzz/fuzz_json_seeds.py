#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Write the small seed inputs of tests/fuzz/corpus/fuzz_json/.

Input: two bytes of buffer size (mod 2048), then writer ops, one byte each
(mod 14): 0 { 1 } 2 [ 3 ] 4 key 5 string 6 int 7 uint 8 bool 9 null
10 string(NULL) 11 key+string 12 number token 13 double; key, string and
token ops take a length byte and that many bytes; ints and doubles take
8 bytes (a double's bits, big-endian). The same program also runs in the
indented layout, indent 1 + first byte % 4. Run from anywhere:
    tests/fuzz/fuzz_json_seeds.py
"""
import os
import struct

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "corpus", "fuzz_json")


def s(op, b):
    return bytes([op, len(b)]) + b


RECORD = (bytes([0]) + s(4, b"v") + bytes([6]) + (1).to_bytes(8, "big") +
          s(4, b"path") + s(5, "/tmp/t\u00e9st/\u20ac".encode() + b"\"\\\x01\x7f\xff\xc0\x80") +
          s(4, b"argv") + bytes([2]) + s(5, b"./pkg.test") + s(5, b"\xed\xa0\x80\xf4\x90\x80\x80") +
          bytes([3]) + s(4, b"ok") + bytes([8, 1]) + s(4, b"n") + bytes([9]) +
          s(11, b"k\n") + bytes([1]))
SEEDS = {
    "record-fits": b"\x07\xff" + RECORD,
    "record-tight": b"\x00\x40" + RECORD,
    "misuse": b"\x01\x00" + bytes([0, 6]) + bytes(8) + bytes([1, 3, 3]),
    "deep": b"\x04\x00" + bytes([2] * 20 + [3] * 20),
    "numbers": b"\x01\x00" + bytes([2, 6]) + b"\x80" + bytes(7) + bytes([7]) + b"\xff" * 8 +
               bytes([10, 3]),
    "reals": b"\x01\x00" + bytes([0]) + s(4, b"page_size") + bytes([13]) +
             struct.pack(">d", 4096.5) + s(4, b"t") + s(12, b"-2.5e-08") + s(4, b"bad") +
             s(12, b"01") + bytes([1]),
    "reals-good": b"\x02\x00" + bytes([2, 13]) + struct.pack(">d", 1e20) + bytes([13]) +
                  struct.pack(">d", -0.0) + s(12, b"1E+5") + bytes([0, 1, 2, 3, 3]),
}

os.makedirs(OUT, exist_ok=True)
for name, data in SEEDS.items():
    with open(os.path.join(OUT, "seed-" + name), "wb") as f:
        f.write(data)
