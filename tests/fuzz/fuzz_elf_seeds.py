#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Write the small hand-made seed inputs of tests/fuzz/corpus/fuzz_elf/.

Each seed is an ELF header with a few program headers (PT_LOAD, PT_INTERP,
PT_DYNAMIC) and, for some, section headers with a .go.buildinfo section, in
both classes and byte orders: enough structure for the fuzzer to reach
every branch of lib/elf.c quickly, and well under 1 KiB each (real
binaries are far too big for a seed). Run from anywhere:
    tests/fuzz/fuzz_elf_seeds.py
"""
import os
import struct

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "corpus", "fuzz_elf")
PT_LOAD, PT_DYNAMIC, PT_INTERP = 1, 2, 3
DT_FLAGS_1, DF_1_PIE = 0x6FFFFFFB, 0x08000000


def elf(cls, data, etype, machine, flags, phdrs=(), blobs=(), sections=None,
        osabi=0):
    """phdrs: (type, offset, filesz); blobs: (offset, bytes);
    sections: (shoff, strndx, [(name_off, type, offset, size, link)])."""
    is64 = cls == 2
    e = "<" if data == 1 else ">"
    w = "Q" if is64 else "I"
    ehsize, phent, shent = (64, 56, 64) if is64 else (52, 32, 40)
    phoff = 64
    shoff, shnum, strndx = 0, 0, 0
    if sections:
        shoff, strndx, secs = sections
        shnum = len(secs)
    ident = b"\x7fELF" + bytes([cls, data, 1, osabi]) + bytes(8)
    hdr = ident + struct.pack(e + "HHI" + w * 3 + "IHHHHHH", etype, machine,
                              1, 0x10000, phoff if phdrs else 0, shoff,
                              flags, ehsize, phent, len(phdrs), shent,
                              shnum, strndx)
    img = bytearray(max(len(hdr), 64))
    img[:len(hdr)] = hdr

    def put(off, b):
        if len(img) < off + len(b):
            img.extend(bytes(off + len(b) - len(img)))
        img[off:off + len(b)] = b

    for i, (t, off, sz) in enumerate(phdrs):
        if is64:
            p = struct.pack(e + "IIQQQQQQ", t, 5, off, 0, 0, sz, sz, 0x1000)
        else:
            p = struct.pack(e + "IIIIIIII", t, off, 0, 0, sz, sz, 5, 0x1000)
        put(phoff + i * phent, p)
    for off, b in blobs:
        put(off, b)
    if sections:
        for i, (name, t, off, sz, link) in enumerate(secs):
            if is64:
                s = struct.pack(e + "IIQQQQIIQQ", name, t, 0, 0, off, sz,
                                link, 0, 1, 0)
            else:
                s = struct.pack(e + "IIIIIIIIII", name, t, 0, 0, off, sz,
                                link, 0, 1, 0)
            put(shoff + i * shent, s)
    return bytes(img)


def interp(path):
    return path.encode() + b"\0"


def dyn(cls, data, pairs):
    e = "<" if data == 1 else ">"
    w = "Q" if cls == 2 else "I"
    return b"".join(struct.pack(e + w + w, t, v) for t, v in pairs)


def seeds():
    hf = interp("/lib/ld-linux-armhf.so.3")
    yield "armhf-dynamic", elf(1, 1, 3, 40, 0x05000400,
                               [(PT_LOAD, 0, 0x200), (PT_INTERP, 0x100, len(hf))],
                               [(0x100, hf)])
    yield "armel-static", elf(1, 1, 2, 40, 0x05000200, [(PT_LOAD, 0, 0x100)])
    yield "s390x-static", elf(2, 2, 2, 22, 0, [(PT_LOAD, 0, 0x100)], osabi=3)
    ld = interp("/lib/ld.so.1")
    yield "mips-o32-dynamic", elf(1, 2, 2, 8, 0x70001007,
                                  [(PT_INTERP, 0x80, len(ld))], [(0x80, ld)])
    yield "mipsn32el-r6", elf(1, 1, 2, 8, 0xA0000427, [(PT_LOAD, 0, 0x100)])
    d = dyn(2, 1, [(1, 1), (DT_FLAGS_1, DF_1_PIE), (0, 0)])
    yield "aarch64-static-pie", elf(2, 1, 3, 183, 0,
                                    [(PT_LOAD, 0, 0x200), (PT_DYNAMIC, 0x100, len(d))],
                                    [(0x100, d)])
    d = dyn(1, 2, [(1, 1), (0, 0)])
    yield "ppc-shared", elf(1, 2, 3, 20, 0, [(PT_DYNAMIC, 0x80, len(d))],
                            [(0x80, d)])
    strtab = b"\0.text\0.go.buildinfo\0.shstrtab\0"
    secs = [(0, 0, 0, 0, 0), (1, 1, 0x100, 0x40, 0), (7, 1, 0x140, 0x20, 0),
            (21, 3, 0x180, len(strtab), 0)]
    yield "riscv64-sections", elf(2, 1, 2, 243, 5, [(PT_LOAD, 0, 0x100)],
                                  [(0x140, b"\xff Go buildinf:\x08\x02"),
                                   (0x180, strtab)], (0x1c0, 3, secs))
    secs32 = [(0, 0, 0, 0, 4 | 0), (1, 1, 0x100, 0x40, 0),
              (7, 1, 0x140, 0x20, 0), (21, 3, 0x180, len(strtab), 0)]
    # Extended numbering: e_shnum 0, count in section 0's sh_size.
    img = bytearray(elf(1, 2, 2, 8, 0x20, [(PT_LOAD, 0, 0x100)],
                        [(0x180, strtab)], (0x1c0, 3, secs32)))
    img[48:50] = b"\0\0"                      # e_shnum = 0 (ELF32, MSB)
    img[0x1c0 + 20:0x1c0 + 24] = struct.pack(">I", 4)   # sh_size of [0]
    yield "mipsn32-extnum", bytes(img)
    yield "x32-exec", elf(1, 1, 2, 62, 0, [(PT_LOAD, 0, 0x100)])
    yield "ppc64le-elfv2-cut", elf(2, 1, 2, 21, 2, [(PT_LOAD, 0, 0x100)])[:90]
    # What qemu runs and the kernel would not (lib/elf.c): a file that
    # ends inside its PT_INTERP path in the first KiB (zeros follow), a
    # PT_INTERP segment longer than its path, a path of 600 bytes.
    a64 = interp("/lib/ld-linux-aarch64.so.1")
    yield "aarch64-interp-cut", elf(2, 1, 2, 183, 0,
                                    [(PT_LOAD, 0, 0x200), (PT_INTERP, 0x100, len(a64))],
                                    [(0x100, a64)])[:0x105]
    yield "riscv64-interp-segment-long", elf(2, 1, 2, 243, 5,
                                             [(PT_INTERP, 0x100, 64)],
                                             [(0x100, ld.ljust(64, b"\0"))])
    lp = interp("/" + "l" * 600)
    yield "s390x-interp-600", elf(2, 2, 2, 22, 0, [(PT_INTERP, 0x80, len(lp))],
                                  [(0x80, lp)])


def main():
    os.makedirs(OUT, exist_ok=True)
    for name, data in seeds():
        with open(os.path.join(OUT, "seed-" + name), "wb") as f:
            f.write(data)


if __name__ == "__main__":
    main()
