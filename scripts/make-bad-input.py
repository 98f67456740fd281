"""Write fixtures/bad-input.jsonl: simulated lines with damage mixed in, for the rejected-line accounting.

Every kind of bad line appears: invalid JSON, non-object JSON, a truncated line, a raw control character,
blank and whitespace-only lines, CRLF endings, a byte order mark, an unknown cohort, wrong field types.
Tooling only: graygate never runs Python.
"""
import sys

lines = open(sys.argv[1], encoding="utf-8").read().splitlines()
damage = {
    5: '{not json',
    17: '[1, 2, 3]',
    29: '"just a string"',
    41: lines[41][: len(lines[41]) // 2],  # cut in the middle, as a crash mid-write leaves it
    53: '{"cohort": "gray", "latency_ms": 12.5, "note": "raw \x01 control"}',
    65: '{"cohort": "gray", "latency_ms": 01}',
    77: '{"cohort": "normal", "latency_ms": 90,}',
    89: '{"cohort": "normal" "latency_ms": 90}',
    101: '{"cohort": "gray", "latency_ms": tru}',
    113: '{"cohort": "gray"}}',
}
out = sys.stdout.buffer
out.write(b"\xef\xbb\xbf")  # a byte order mark before the first line
for index, line in enumerate(lines):
    if index in damage:
        out.write(damage[index].encode("utf-8") + b"\n")
        continue
    if index == 7:
        out.write(b"\n   \n\t\n")  # blank and whitespace-only lines
    if index == 9:
        line = line.replace('"cohort":"gray"', '"cohort":"canary-2"').replace('"cohort":"normal"', '"cohort":"canary-2"')
    if index == 11:
        line = line.replace('"latency_ms":', '"latency_ms":"x', 1).replace(',"status"', '","status"', 1)
    if index == 13:
        line = line.replace('"latency_ms":', '"latency_ms":"', 1).replace(',"status"', '","status"', 1)
    ending = b"\r\n" if index % 10 == 3 else b"\n"
    out.write(line.encode("utf-8") + ending)
