#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Write the small seed inputs of tests/fuzz/corpus/fuzz_binfmt/.

The target splits its input at NUL bytes: register strings first, then
"<file name>\\n<first bytes of the file>". Seeds: Debian-style ELF entries
(mips with its e_flags test), an extension entry, odd delimiters, status
texts as the kernel writes them, and headers that the entries match.
Run from anywhere: tests/fuzz/fuzz_binfmt_seeds.py
"""
import os
import struct

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "corpus", "fuzz_binfmt")


def esc(b):
    return "".join("\\x%02x" % c for c in b)


def ehdr(cls, data, etype, machine, flags=0, osabi=0):
    e = "<" if data == 1 else ">"
    h = b"\x7fELF" + bytes([cls, data, 1, osabi]) + bytes(8)
    h += struct.pack(e + "HHI", etype, machine, 1)
    h = h.ljust(36 if cls == 1 else 48, b"\0") + struct.pack(e + "I", flags)
    return h.ljust(52 if cls == 1 else 64, b"\0")


AARCH64 = (":qemu-aarch64:M::" + esc(ehdr(2, 1, 2, 183)[:20]) + ":" +
           esc(bytes([0xff] * 7 + [0] + [0xff] * 8 + [0xfe, 0xff, 0xff, 0xff])) +
           ":/usr/libexec/qemu-binfmt/aarch64-binfmt-P:OPF")
MIPS = (":qemu-mips:M::" + esc(ehdr(1, 2, 2, 8)[:40]) + ":" +
        esc(bytes([0xff] * 7 + [0, 0xfe] + [0xff] * 7 + [0xff, 0xfe, 0xff, 0xff] +
                  [0] * 19 + [0x20])) + ":/usr/libexec/qemu-binfmt/mips-binfmt-P:OPF")
MIPSN32 = MIPS.replace("qemu-mips:", "qemu-mipsn32:").replace(
    esc(ehdr(1, 2, 2, 8)[:40]), esc(ehdr(1, 2, 2, 8, 0x20)[:40]))
SEEDS = {
    "register-aarch64": AARCH64.encode(),
    "register-ext": b":Java:E::class::/usr/bin/javawrapper:\n",
    "register-delim": b"|a b|M|3|\\x3a:\\a|\\xff\\x0f\\xff\\xff|/opt/x:y|C",
    "status-magic": b"enabled\ninterpreter /usr/libexec/qemu-binfmt/aarch64-binfmt-P\n"
                    b"flags: POF\noffset 0\nmagic 7f454c460201010000000000000000000200b700\n"
                    b"mask ffffffffffffff00fffffffffffffffffeffffff\n",
    "status-ext": b"disabled\ninterpreter /usr/bin/wine\nflags: \nextension .exe\n",
    "match-aarch64": AARCH64.encode() + b"\0" + b":sh:M::#!::/bin/sh:" + b"\0" +
                     b"/tmp/prog\n" + ehdr(2, 1, 3, 183, 0, 3),
    "match-mips": MIPS.encode() + b"\0" + MIPSN32.encode() + b"\0" +
                  b"a.out\n" + ehdr(1, 2, 2, 8, 0x80000027),
    "match-ext": b":py:E::py::/usr/bin/python3:\0:old:M:2:\\x00::/x:\0/a/b.py\n\x01\x02",
}

os.makedirs(OUT, exist_ok=True)
for name, data in SEEDS.items():
    with open(os.path.join(OUT, "seed-" + name), "wb") as f:
        f.write(data)
