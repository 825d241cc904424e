#!/usr/bin/env python3
"""Pillow 9.4's answers on small BMP RLE8/RLE4 files, printed as the rows of io.clip4j.image.BmpRleTest.

Run with the Python that has Pillow 9.4.0 (Debian 12: apt-get install python3-pil; /usr/bin/python3).
Each row: name, width, height, bits, compression (1 RLE8, 2 RLE4), palette, top-down, data offset (-1: right
after the palette), RLE data (hex), and what Pillow does: "MODE PIXELS-HEX" or "error <what clip4j says>".
The BMP around the data is built the same way by the test (BmpRleTest.bmp).
"""
import io
import struct

import PIL
from PIL import Image

PALETTES = {
    "colour": [(10, 20, 30), (200, 0, 0), (0, 200, 0), (0, 0, 200), (50, 60, 70), (80, 90, 100), (1, 2, 3),
               (4, 5, 6), (7, 8, 9), (11, 12, 13), (14, 15, 16), (17, 18, 19), (21, 22, 23), (24, 25, 26),
               (27, 28, 29), (31, 32, 33)],
    "grey256": [(i, i, i) for i in range(256)],
    "grey16": [(i, i, i) for i in range(16)],
    "bw": [(0, 0, 0), (255, 255, 255)],
}
# Pillow's errors, and the words of clip4j's refusal for each
ERRORS = {"not enough image data": "truncated BMP RLE data", "not enough values to unpack": "delta escape cut short",
          "unknown raw mode": "black-and-white"}


def bmp(w, h, bits, comp, palette, top_down, offset, data):
    pal = b"".join(bytes([b, g, r, 0]) for (r, g, b) in PALETTES[palette])
    off = 14 + 40 + len(pal) if offset < 0 else offset
    info = struct.pack("<IiiHHIIiiII", 40, w, -h if top_down else h, 1, bits, comp, len(data), 2835, 2835,
                       len(PALETTES[palette]), 0)
    return b"BM" + struct.pack("<IHHI", 14 + len(info) + len(pal) + len(data), 0, 0, off) + info + pal + data


CASES = [
    # name, w, h, bits, comp, palette, top-down, offset, data
    ("runs and end of line", 4, 2, 8, 1, "colour", False, -1, [1, 3, 0, 0, 4, 2, 0, 1]),
    ("literal run of odd length, padded", 5, 2, 8, 1, "colour", False, -1, [0, 3, 1, 2, 3, 0, 2, 4, 0, 0, 5, 5, 0, 1]),
    ("run longer than its row is cut", 3, 2, 8, 1, "colour", False, -1, [9, 1, 0, 0, 3, 2, 0, 1]),
    ("delta reads two bytes late", 4, 3, 8, 1, "colour", False, -1, [1, 1, 0, 2, 1, 1, 2, 3, 0, 0, 4, 4, 0, 1]),
    ("top-down", 2, 2, 8, 1, "colour", True, -1, [2, 1, 0, 0, 2, 2, 0, 1]),
    ("grey palette is L", 3, 1, 8, 1, "grey256", False, -1, [3, 77, 0, 1]),
    ("data after the last pixel", 2, 1, 8, 1, "colour", False, -1, [2, 5, 0, 1, 9, 9, 9]),
    ("offset 0: after the palette", 2, 1, 8, 1, "colour", False, 0, [2, 3, 0, 1]),
    ("odd offset: alignment on the file position", 3, 1, 8, 1, "colour", False, 14 + 40 + 64 + 1, [0, 0, 3, 1, 2, 3, 0, 0, 0, 1]),
    ("rle4 runs and literals", 5, 2, 4, 2, "colour", False, -1, [5, 0x12, 0, 0, 0, 4, 0x34, 0x56, 1, 7, 0, 1]),
    ("rle4 grey ramp is L", 4, 1, 4, 2, "grey16", False, -1, [4, 0x01, 0, 1]),
    ("ends before the last row", 4, 3, 8, 1, "colour", False, -1, [4, 1, 0, 0, 4]),
    ("end of bitmap before the last row", 4, 3, 8, 1, "colour", False, -1, [4, 1, 0, 0, 0, 1]),
    ("literal run cut by the end of the file", 4, 2, 8, 1, "colour", False, -1, [4, 1, 0, 4, 1, 2]),
    ("literal run flows into the next row", 3, 2, 8, 1, "colour", False, -1, [0, 5, 1, 2, 3, 4, 5, 0, 0, 0, 0, 1]),
    ("delta cut short", 4, 3, 8, 1, "colour", False, -1, [1, 1, 0, 2, 1, 1, 2]),
    ("rle4 odd literal loses a pixel", 4, 1, 4, 2, "colour", False, -1, [0, 3, 0x9A, 0xB0, 0, 0, 0, 1]),
    ("rle4 ends early", 4, 2, 4, 2, "colour", False, -1, [4, 0x12, 0, 0, 2]),
    ("black and white", 3, 1, 8, 1, "bw", False, -1, [3, 1, 0, 1]),
]

assert PIL.__version__ == "9.4.0", PIL.__version__
for name, w, h, bits, comp, palette, top_down, offset, data in CASES:
    try:
        im = Image.open(io.BytesIO(bmp(w, h, bits, comp, palette, top_down, offset, bytes(data))))
        im.load()
        answer = im.mode + " " + im.tobytes().hex()
    except Exception as e:
        answer = "error " + next(ours for theirs, ours in ERRORS.items() if str(e).startswith(theirs))
    print('            {"%s", %d, %d, %d, %d, "%s", %s, %d, "%s", "%s"},'
          % (name, w, h, bits, comp, palette, "true" if top_down else "false", offset, bytes(data).hex(), answer))
