#!/usr/bin/env python3
"""mkcorpus.py: seed a libFuzzer corpus for fuzz_record from samples/.

usage: python3 fuzz/mkcorpus.py OUTDIR

Each file is one byte that picks the command, format and chunking (see
fuzz_record.c) followed by agentev input: single records of the NDJSON
samples (good and broken), short runs of one agent's consecutive events
(so the engine has state to work on), the first records of the
get-records, Lambda and Firehose samples, and every file in fuzz/seeds/
and fuzz/crashers/ (which already carry their mode byte).  Existing
files are left alone.
"""

import base64
import hashlib
import json
import os
import sys

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SAMPLES = os.path.join(TOP, "samples")
SEEDS = os.path.join(TOP, "fuzz", "seeds")
CRASHERS = os.path.join(TOP, "fuzz", "crashers")


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: mkcorpus.py OUTDIR")
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    count = 0
    mode = 0

    def put(data):
        nonlocal count, mode
        data = bytes([mode % 256]) + data
        mode += 37  # walk all 256 modes, commands change fastest
        name = hashlib.sha1(data).hexdigest()
        path = os.path.join(out, name)
        if not os.path.exists(path):
            with open(path, "wb") as f:
                f.write(data)
            count += 1

    def lines(name):
        path = os.path.join(SAMPLES, name)
        if not os.path.exists(path):
            return []
        with open(path, "rb") as f:
            return [l for l in f.read().split(b"\n") if l.strip()]

    # single records, good and broken (the truncated last one included)
    for name in ("seed-acw.ndjson", "shift.ndjson", "broken.ndjson"):
        for line in lines(name):
            put(line + b"\n")

    # the seed pair in every command, and runs of one agent's events
    seed = b"\n".join(lines("seed-acw.ndjson")) + b"\n"
    for _ in range(12):
        put(seed)
    by_agent = {}
    for line in lines("shift.ndjson"):
        try:
            arn = json.loads(line).get("AgentARN", "")
        except ValueError:
            continue
        by_agent.setdefault(arn, []).append(line)
    for events in by_agent.values():
        for i in range(0, len(events), 4):
            put(b"\n".join(events[i:i + 6]) + b"\n")

    def values(name, limit):
        """The first JSON values of a file of concatenated values."""
        path = os.path.join(SAMPLES, name)
        if not os.path.exists(path):
            return []
        with open(path, "rb") as f:
            text = f.read().decode("utf-8")
        decoder = json.JSONDecoder()
        pos, found = 0, []
        while len(found) < limit:
            while pos < len(text) and text[pos].isspace():
                pos += 1
            if pos == len(text):
                break
            _, end = decoder.raw_decode(text, pos)
            found.append(text[pos:end])
            pos = end
        return found

    # pages: the first few records of each layout (pages are appended
    # one after another, as a shell loop writes them)
    for name in ("shift.getrecords.json", "shift.lambda.json"):
        pages = values(name, 2)
        for doc in (json.loads(p) for p in pages):
            for i in range(0, 9, 3):
                small = dict(doc)
                small["Records"] = doc["Records"][i:i + 3]
                put(json.dumps(small, indent=4).encode())
                put(json.dumps(small, separators=(",", ":")).encode() +
                    b"\n")
        if len(pages) == 2:
            put(b"\n".join(json.dumps(dict(json.loads(p), Records=json.loads(
                p)["Records"][:2])).encode() for p in pages) + b"\n")

    firehose = values("shift.firehose", 12)
    for i in range(0, len(firehose), 3):
        put("".join(firehose[i:i + 3]).encode())

    # a get-records page made of the seed events, and one of broken data
    records = [{"Data": base64.b64encode(l).decode()} for l in
               lines("seed-acw.ndjson")]
    put(json.dumps({"Records": records}).encode() + b"\n")
    put(json.dumps({"Records": [{"Data": "e30="}, {"Data": "!!!="},
                                {"Data": "bm90IGpzb24="}, {}]}).encode())

    for where in (SEEDS, CRASHERS):
        if not os.path.isdir(where):
            continue
        for name in sorted(os.listdir(where)):
            with open(os.path.join(where, name), "rb") as f:
                data = f.read()
            path = os.path.join(out, hashlib.sha1(data).hexdigest())
            if not os.path.exists(path):
                with open(path, "wb") as f:
                    f.write(data)
                count += 1
    print("mkcorpus: %d new seeds in %s" % (count, out))


main()
