#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Write the small hand-made seed inputs of tests/fuzz/corpus/fuzz_format/.

One header per format lib/format.c knows (Mach-O thin in both byte orders,
fat 32/64, a Java class, PE32+/PE32, a DOS-only MZ, #! lines, wasm, ELF),
each well under 1 KiB. Run from anywhere: tests/fuzz/fuzz_format_seeds.py
"""
import os
import struct

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "corpus", "fuzz_format")


def pe(machine, magic, subsystem, chars=0x22, lfanew=0x80):
    img = bytearray(0x180)
    img[0:2] = b"MZ"
    struct.pack_into("<I", img, 0x3C, lfanew)
    struct.pack_into("<4sHHIIIHH", img, lfanew, b"PE\0\0", machine, 3, 0, 0, 0,
                     0xF0 if magic == 0x20B else 0xE0, chars)
    struct.pack_into("<H", img, lfanew + 24, magic)
    struct.pack_into("<H", img, lfanew + 24 + 68, subsystem)
    return bytes(img)


def fat(archs, is64=False):
    out = struct.pack(">II", 0xCAFEBABF if is64 else 0xCAFEBABE, len(archs))
    for i, cpu in enumerate(archs):
        if is64:
            out += struct.pack(">IIQQII", cpu, 0, 0x4000 * (i + 1), 0x1000, 14, 0)
        else:
            out += struct.pack(">IIIII", cpu, 0, 0x4000 * (i + 1), 0x1000, 14)
    return out


SEEDS = {
    "macho-arm64": struct.pack("<IIIIIIII", 0xFEEDFACF, 0x0100000C, 0, 2, 16, 0x1000, 0x85, 0),
    "macho-ppc-be": struct.pack(">IIIIIII", 0xFEEDFACE, 18, 0, 2, 0, 0, 0),
    "fat-x86_64-arm64": fat([0x01000007, 0x0100000C]),
    "fat64-arm64": fat([0x0100000C], is64=True),
    "java-17": b"\xca\xfe\xba\xbe\x00\x00\x00\x3d\x00\x1d\x0a\x00\x02",
    "pe32plus-x86-64": pe(0x8664, 0x20B, 3),
    "pe32-dll-arm": pe(0x01C4, 0x10B, 2, chars=0x2102, lfanew=0x40),
    "mz-dos": b"MZ\x90\x00" + b"\0" * 56 + struct.pack("<I", 0x1000),
    "script-crlf": b"#!/bin/sh -e\r\necho hi\r\n",
    "script-env": b"#! /usr/bin/env python3\nprint()\n",
    "wasm": b"\0asm\x01\x00\x00\x00\x01\x04\x01\x60\x00\x00",
    "elf": b"\x7fELF\x02\x01\x01" + b"\0" * 9 + struct.pack("<HH", 2, 183),
}

os.makedirs(OUT, exist_ok=True)
for name, data in SEEDS.items():
    with open(os.path.join(OUT, "seed-" + name), "wb") as f:
        f.write(data)
