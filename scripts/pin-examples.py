#!/usr/bin/env python3
"""Writes the messages the fixtures really give into the registry (src/finding/codes.rs).

Run after changing a message:
    rm -f /tmp/pins.jsonl
    NIANBAO_PIN_LOG=/tmp/pins.jsonl cargo test --release --test integration
    python3 scripts/pin-examples.py /tmp/pins.jsonl
then review `git diff src/finding/codes.rs`, regenerate docs/rules.md and the snapshots.
"""
import json
import re
import sys

path = "src/finding/codes.rs"
src = open(path, encoding="utf-8").read()
pins = {}
for line in open(sys.argv[1], encoding="utf-8"):
    p = json.loads(line)
    pins.setdefault(p["code"], p)


def lit(s):
    return json.dumps(s, ensure_ascii=False)


def entry(m):
    code = m.group(1)
    if code not in pins:
        return m.group(0)
    p = pins[code]
    hints = "[" + ", ".join(lit(h) for h in p["hints"]) + "]"
    return f'{m.group(1)} {m.group(2)} {m.group(3)}\n        {m.group(4)}\n        {lit(p["message"])}\n        {hints};'


pattern = re.compile(
    r'([A-Z][0-9]) (\w+) (\w+)\n        ("(?:[^"\\]|\\.)*")\n        "(?:[^"\\]|\\.)*"\n        \[(?:[^\]"]|"(?:[^"\\]|\\.)*")*\];'
)
out, n = pattern.subn(entry, src)
open(path, "w", encoding="utf-8").write(out)
print(f"{len(pins)} codes pinned, {n} entries seen")
