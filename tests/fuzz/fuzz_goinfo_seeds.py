#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Write the small hand-made seed inputs of tests/fuzz/corpus/fuzz_goinfo/.

.go.buildinfo blobs as the Go linker lays them out (see lib/goinfo.c): the
inline format with framed modinfo, the old pointer format, a big-endian
flag, quoted values, a tiny ELF64 whose section headers name a
.go.buildinfo section, and a blob 16-aligned inside a file for the scan.
Each well under 1 KiB. Run from anywhere: tests/fuzz/fuzz_goinfo_seeds.py
"""
import os
import struct

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "corpus", "fuzz_goinfo")
MAGIC = b"\xff Go buildinf:"
START = bytes.fromhex("3077af0c9274080241e1c107e6d618e6")  # modload infoStart
END = bytes.fromhex("f932433186182072008242104116d8f2")    # modload infoEnd


def uvarint(n):
    out = bytearray()
    while n >= 0x80:
        out.append(n & 0x7F | 0x80)
        n >>= 7
    out.append(n)
    return bytes(out)


def blob(version, mod, ptrsize=8, flags=2, framed=True):
    if framed:
        mod = START + mod + END
    hdr = MAGIC + bytes([ptrsize, flags]) + b"\0" * 16
    return hdr + uvarint(len(version)) + version + uvarint(len(mod)) + mod


ARM64 = (b"path\texample.com/hello\nmod\texample.com/hello\t(devel)\t\n"
         b"build\t-compiler=gc\nbuild\tCGO_ENABLED=0\nbuild\tGOARCH=arm64\n"
         b"build\tGOOS=linux\n")


def elf_with_section(data):
    """ELF64 LSB: header, the blob at 0x40, .shstrtab, 3 section headers."""
    names = b"\0.go.buildinfo\0.shstrtab\0"
    boff = 0x40
    soff = boff + len(data)
    shoff = (soff + len(names) + 7) & ~7
    ident = b"\x7fELF\x02\x01\x01" + b"\0" * 9
    eh = ident + struct.pack("<HHIQQQIHHHHHH", 2, 183, 1, 0x401000, 0, shoff,
                             0, 64, 56, 0, 64, 3, 2)
    body = eh + data + names
    body += b"\0" * (shoff - len(body))

    def sh(name, typ, off, size):
        return struct.pack("<IIQQQQIIQQ", name, typ, 0, 0, off, size, 0, 0, 1, 0)
    return body + sh(0, 0, 0, 0) + sh(1, 1, boff, len(data)) + sh(15, 3, soff, len(names))


SEEDS = {
    "inline-linux-arm64": blob(b"go1.19.8", ARM64),
    "inline-arm-goarm7-be": blob(b"go1.21.0", b"path\tcmd/x\nbuild\tGOARCH=arm\n"
                                 b"build\tGOOS=linux\nbuild\tGOARM=7\n", 4, 3),
    "inline-quoted": blob(b"go1.22.1", b"build\tGOOS=\"linux\"\nbuild\t-ldflags=\"-s -w\"\n"
                          b"build\tGOAMD64=v3\n"),
    "inline-unframed": blob(b"go1.18", b"", framed=False),
    "old-pointers": MAGIC + b"\x08\x00" + struct.pack("<QQ", 0x4d2000, 0x4d2010),
    "elf-go-section": elf_with_section(blob(b"go1.19.8", ARM64)),
    "scan-aligned": b"\xcf\xfa\xed\xfe" + b"\0" * 60 + blob(b"go1.20", b"build\tGOOS=darwin\n"),
}

os.makedirs(OUT, exist_ok=True)
for name, data in SEEDS.items():
    with open(os.path.join(OUT, "seed-" + name), "wb") as f:
        f.write(data)
