#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Write the small seed inputs of tests/fuzz/corpus/fuzz_shimmsg/.

Each seed is a whole collector message: the 8-byte header (magic "BSHM"
as a little-endian u32, version 1, flags) then a record. Run from anywhere:
    tests/fuzz/fuzz_shimmsg_seeds.py
"""
import os
import struct

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "corpus", "fuzz_shimmsg")


def msg(body, flags=3, version=1):
    return struct.pack("<IHH", 0x4D485342, version, flags) + body


RECORD = (b'{"v":1,"time":"2026-11-27T10:30:52.393774Z","event":"exec","pid":12313,'
          b'"ppid":12227,"uid":1000,"gid":1000,"cwd":"/src/app","path":"./a b\\n\\"c\\"'
          b'\\u00ff\\u00fe\xc3\xa9.bin","argv0":"./pkg.test","argc":2,"format":"elf",'
          b'"arch":"aarch64","host_arch":"x86_64","elf":{"class":"ELF64","data":"LSB",'
          b'"machine":183,"machine_name":"AArch64","type":"EXEC","flags":0,"interp":null,'
          b'"link":"static","abi":null},"go":{"version":"go1.19.8","goos":"linux",'
          b'"goarch":"arm64","inferred":true},"emulator":"/usr/bin/qemu-aarch64-static",'
          b'"sysroot":null,"decision":"run","reason_code":"ok","reason":"emulated",'
          b'"binfmt":{"preserve_argv0":true,"execfd":false,"secure":false},'
          b'"sink":"collector"}\n')
SEEDS = {
    "record": msg(RECORD),
    "surrogates": msg(b'{"v":1,"event":"fail","s":"\\ud83d\\ude00 \\u20ac \\/ \\b\\f\\t\\r \\u0000",'
                      b'"n":-9223372036854775808,"m":9223372036854775807}'),
    "reserved": msg(b'{"v":1,"event":"exec","source":"collector"}'),
    "duplicate": msg(b'{"v":1,"event":"exec","pid":1,"pid":2}'),
    "deep": msg(b'{"v":1,"event":"exec","a":{"b":{"c":1}}}'),
    "bad-version": msg(b'{"v":1,"event":"exec"}', version=2),
    "lone-surrogate": msg(b'{"v":1,"event":"exec","p":"\\udc00"}'),
    "float": msg(b'{"v":1,"event":"exec","pid":1.5}'),
}

os.makedirs(OUT, exist_ok=True)
for name, data in SEEDS.items():
    with open(os.path.join(OUT, "seed-" + name), "wb") as f:
        f.write(data)
