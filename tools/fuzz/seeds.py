#!/usr/bin/env python3
"""Writes the seed corpora (git-ignored, as every corpus here): corpus/import_files/, one small
valid input per reader (byte 0 picks the reader, see fuzz_targets/import_files.rs), and
corpus/config_files/, the example configuration files (byte 0: 0 serve, 1 route), and
corpus/command_lines/, a few command lines and flag values."""

import os
import struct

HERE = os.path.dirname(os.path.abspath(__file__))


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

ROUTER = b"""listen = "127.0.0.1:7718"
cores = [0, 1]
map_version = 3
partitions = 64
replication = 2
write_quorum = "quorum"
hedge_delay_ms = 15
metrics_listen = "127.0.0.1:9718"
log_level = "warn,corevec_net=debug"

[[nodes]]
name = "a"
addr = "10.0.0.2:7717"
[[nodes]]
name = "b"
addr = "[::1]:7717"

[collections.logs]
replication = 1
write_quorum = "one"
"""

with open(os.path.join(HERE, "..", "corevec.example.toml"), "rb") as f:
    SERVE = f.read()
CONFIG_SEEDS = {
    "serve_example": b"\x00" + SERVE,
    "serve_interval": b"\x00durability = \"interval=5\"\ncores = \"0,1\"\nlog_format = \"json\"\n",
    "route": b"\x01" + ROUTER,
}

# The arguments after `corevec`, separated by NUL bytes (fuzz_targets/command_lines.rs).
COMMAND_LINE_SEEDS = {
    "search": b"search\0docs\0-k\0" b"5\0--range-f32\0" b"0:10..=99.5\0--any-of\0" b"3,4\0--none-of\0" b"9",
    "serve": b"serve\0--cores\0" b"0-1\0--durability\0interval=5\0--log-level\0warn,corevec_net=debug",
    "import": b"import\0docs\0base.fvecs\0--range-i32\0" b"2:ints.txt\0--start-id\0" b"7",
    "list": b"list\0docs\0--page\0" b"100\0--range-u32\0" b"1:..=20",
    "create": b"collection\0create\0docs\0--dim\0" b"384\0--metric\0cos",
    "range_text": b"1:-2.5..=1e3",
    "vector_text": b"[0.5, -1e-3, 2]",
}

for target, seeds in (
    ("import_files", SEEDS),
    ("config_files", CONFIG_SEEDS),
    ("command_lines", COMMAND_LINE_SEEDS),
):
    out = os.path.join(HERE, "corpus", target)
    os.makedirs(out, exist_ok=True)
    for name, data in seeds.items():
        with open(os.path.join(out, name), "wb") as f:
            f.write(data)
    print(f"{len(seeds)} seeds in {out}")
