"""Streaming gzip inflate with Python's zlib, 1 MiB reads: a reference for
how fast zlib inflates on one core. Python allocates a new bytes object for
each output block, so a caller that reuses its buffer can be a little faster.

Concatenated gzip members are all inflated: when one member ends, a new
decompressor starts on the bytes left over. Prints the inflated byte count.

Usage: zlib_inflate.py FILE.gz
"""

import sys
import zlib

BLOCK_SIZE = 1 << 20

# 32 + 15: accept a zlib or gzip header, with the largest (32 KiB) window.
WINDOW_BITS = 47


def main():
    inflated_bytes = 0
    decompressor = zlib.decompressobj(WINDOW_BITS)
    member_started = False
    with open(sys.argv[1], "rb") as file:
        while block := file.read(BLOCK_SIZE):
            while block:
                member_started = True
                inflated_bytes += len(decompressor.decompress(block))
                if not decompressor.eof:
                    break
                block = decompressor.unused_data
                decompressor = zlib.decompressobj(WINDOW_BITS)
                member_started = False
    if member_started:
        sys.exit(f"zlib_inflate: {sys.argv[1]} is truncated: it ends inside a gzip member")
    print(inflated_bytes)


if __name__ == "__main__":
    main()
