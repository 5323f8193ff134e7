#!/usr/bin/env python3
"""Writes the seed corpus of the `import_files` target to corpus/import_files/ (git-ignored,
as every corpus here): one small valid input per reader. Byte 0 picks the reader (see
fuzz_targets/import_files.rs)."""

import os
import struct

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "corpus", "import_files")


def npy(descr, shape, data):
    """A .npy 1.0 file: magic, version, u16 header length, header padded to 64 bytes."""
    header = ("{'descr': '%s', 'fortran_order': False, 'shape': %s, }" % (descr, shape)).encode()
    while (10 + len(header) + 1) % 64:
        header += b" "
    header += b"\n"
    return b"\x93NUMPY\x01\x00" + struct.pack("<H", len(header)) + header + data


SEEDS = {
    # 0: .fvecs, two 3-d vectors.
    "fvecs": b"\x00" + struct.pack("<i3f", 3, 1, 2, 3) + struct.pack("<i3f", 3, -0.5, 0, 1e3),
    # 1: .npy <f4 and <f8, shape (2, 2) (1e40 becomes inf as f32).
    "npy_f4": b"\x01" + npy("<f4", "(2, 2)", struct.pack("<4f", 1, 2, 3, 4)),
    "npy_f8": b"\x01" + npy("<f8", "(2, 2)", struct.pack("<4d", 1, 2.5, -3, 1e40)),
    # 2 and 3: the target writes the preamble of a (rows, dim) array (bytes 1 and 2).
    "npy_f4_preamble": b"\x02\x02\x02" + struct.pack("<4f", 1, 2, 3, 4),
    "npy_f8_preamble": b"\x03\x01\x03" + struct.pack("<3d", 1, 2, 3),
    # 4 to 9: ids, payloads, labels, u32, i32 and f32 range values.
    "ids": b"\x04" + b"10\r\n 2 \n18446744073709551615\n",
    "payloads": b"\x05" + b'{"a": 1}\n\nplain text\r\n',
    "labels": b"\x06" + b"1,2 3\n\n18446744073709551615\n",
    "range_u32": b"\x07" + b"7\n\n4294967295\n",
    "range_i32": b"\x08" + b"-1\n5\n\n",
    "range_f32": b"\x09" + b"\n-0.5\n1e3\ninf\n",
    # 10: label columns: a labels file and two range files, u32 field 0 (0 = 0 * 3 + 0) and
    # f32 field 9 (29 = 9 * 3 + 2); the files separated by NUL bytes.
    "label_columns": bytes([10, 2 << 1 | 1, 0, 29])
    + b"1,2\n\n3\n\x007\n\n4294967295\n\x00\n-0.5\n1e3\n",
}

os.makedirs(OUT, exist_ok=True)
for name, data in SEEDS.items():
    with open(os.path.join(OUT, name), "wb") as f:
        f.write(data)
print(f"{len(SEEDS)} seeds in {OUT}")
