#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Write the small hand-made seed inputs of tests/fuzz/corpus/fuzz_kclassify/.

What binfmt_shim.ko sees in bprm->buf when no handler took an exec: foreign
and host-family ELF headers, ET_REL, x32, Mach-O thin and fat, a Java class,
PE and a bare MZ, a CRLF script, text and garbage. Each is under 256 bytes
(BINPRM_BUF_SIZE). Run from anywhere: tests/fuzz/fuzz_kclassify_seeds.py
"""
import os
import struct

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "corpus", "fuzz_kclassify")


def elf(cls, data, etype, machine, flags=0):
    e = "<" if data == 1 else ">"
    ident = b"\x7fELF" + bytes([cls, data, 1]) + bytes(9)
    if cls == 2:
        return ident + struct.pack(e + "HHIQQQIHHHHHH", etype, machine, 1, 0, 0, 0,
                                   flags, 64, 0, 0, 0, 0, 0)
    return ident + struct.pack(e + "HHIIIIIHHHHHH", etype, machine, 1, 0, 0, 0,
                               flags, 52, 0, 0, 0, 0, 0)


def pe(machine, lfanew=0x80):
    img = bytearray(lfanew + 24)
    img[0:2] = b"MZ"
    struct.pack_into("<I", img, 0x3C, lfanew)
    struct.pack_into("<4sH", img, lfanew, b"PE\0\0", machine)
    return bytes(img)


SEEDS = {
    "elf-aarch64": elf(2, 1, 2, 183),
    "elf-s390x": elf(2, 2, 2, 22),
    "elf-mipsn32": elf(1, 2, 2, 8, 0x20),
    "elf-i386": elf(1, 1, 2, 3),
    "elf-x32": elf(1, 1, 2, 62),
    "elf-rel": elf(2, 1, 1, 62),
    "elf-unknown-machine": elf(2, 1, 2, 0x1234),
    "macho-arm64": struct.pack("<IIII", 0xFEEDFACF, 0x0100000C, 0, 2),
    "macho-fat": struct.pack(">IIIIIII", 0xCAFEBABE, 2, 0x01000007, 3, 0x1000, 0x1000, 12),
    "java": struct.pack(">IHH", 0xCAFEBABE, 0, 61),
    "pe-amd64": pe(0x8664),
    "mz-dos": b"MZ" + bytes(62),
    "script-crlf": b"#!/bin/sh\r\necho hi\r\n",
    "text": b"hello, world\n",
    "garbage": bytes([0, 1, 2, 3, 0xDE, 0xAD, 0xBE, 0xEF]),
}


def main():
    os.makedirs(OUT, exist_ok=True)
    for name, blob in SEEDS.items():
        with open(os.path.join(OUT, "seed-" + name), "wb") as f:
            f.write(blob)


if __name__ == "__main__":
    main()
