#!/usr/bin/env python3
"""Rewrite NDJSON agent events in another input form that agentev reads.

    reshape.py [--page-size N] FORM < in.ndjson > out

FORM is one of:

  pretty      each event indented by 2 spaces, one after another
  firehose    the events concatenated with no delimiter (Firehose in S3)
  array       one pretty-printed JSON array of all the events
  getrecords  pages as `aws kinesis get-records` (CLI v2) prints them, one
              after another as a shell loop appends them, N records a page,
              then an empty page
  lambda      one Lambda Kinesis trigger payload per page of N records
  crlf        NDJSON with CRLF line ends
  bom         a UTF-8 BOM, then the input unchanged

In firehose, getrecords, lambda and crlf the bytes of every input line are
kept exactly (inside base64 for getrecords and lambda), so a line that is not
valid JSON, or not valid UTF-8, passes through as it is.  pretty and array
re-serialise each event (same keys, order and values); a line that does not
parse is copied unchanged.  Except in bom, empty lines are dropped and a
CR before a line's LF is dropped.  The output depends only on the input: the
same input gives the same bytes.
"""

import argparse
import base64
import calendar
import hashlib
import json
import re
import signal
import sys
import time

FORMS = ("pretty", "firehose", "array", "getrecords", "lambda", "crlf", "bom")
SHARD = "shardId-000000000000"
STREAM_ARN = ("arn:aws:kinesis:us-east-1:123456789012:stream/"
              "connect-agent-events")
ROLE_ARN = "arn:aws:iam::123456789012:role/agentev-kinesis-reader"
# A Kinesis sequence number: 56 decimal digits, growing with each record.
SEQUENCE_BASE = 49656890155123987651234567890123456789012345678900000000

TIMESTAMP = re.compile(
    r"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d+))?(Z|[+-]\d\d:\d\d)$")


def split_lines(data):
    lines = []
    for line in data.split(b"\n"):
        if line.endswith(b"\r"):
            line = line[:-1]
        if line.strip():
            lines.append(line)
    return lines


def parse(line):
    try:
        value = json.loads(line.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return None
    return value


def event_millis(event):
    """EventTimestamp of a parsed event in epoch ms, or None."""
    if not isinstance(event, dict):
        return None
    text = event.get("EventTimestamp")
    if not isinstance(text, str):
        return None
    m = TIMESTAMP.match(text)
    if not m:
        return None
    try:
        seconds = calendar.timegm(time.strptime(m.group(1),
                                                "%Y-%m-%dT%H:%M:%S"))
    except ValueError:
        return None
    millis = int((m.group(2) or "0")[:3].ljust(3, "0"))
    if m.group(3) != "Z":
        sign = 1 if m.group(3)[0] == "+" else -1
        seconds -= sign * (int(m.group(3)[1:3]) * 3600 +
                           int(m.group(3)[4:6]) * 60)
    return seconds * 1000 + millis


class Record:
    """One Kinesis record: the line's bytes, partition key (agent ARN),
    sequence number and arrival time."""

    def __init__(self, number, line, previous_arrival):
        event = parse(line)
        self.data = base64.b64encode(line).decode("ascii")
        key = event.get("AgentARN") if isinstance(event, dict) else None
        self.partition_key = key if isinstance(key, str) else "unknown"
        self.sequence = str(SEQUENCE_BASE + number * 10000000 +
                            int(hashlib.sha1(line).hexdigest()[:5], 16))
        # Kinesis stamps a record when it arrives, a little after the
        # event, and never earlier than the record before it.
        delay = 80 + int(hashlib.sha1(line).hexdigest()[5:8], 16) % 900
        t = event_millis(event)
        arrival = previous_arrival if t is None else t + delay
        if previous_arrival is not None and (arrival is None or
                                             arrival < previous_arrival):
            arrival = previous_arrival
        if arrival is None:
            arrival = 1793772000000
        self.arrival = arrival

    def iso_arrival(self):
        seconds, millis = divmod(self.arrival, 1000)
        return (time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(seconds)) +
                ".%03d000+00:00" % millis)


def records(lines):
    out = []
    previous = None
    for number, line in enumerate(lines):
        r = Record(number, line, previous)
        previous = r.arrival
        out.append(r)
    return out


def pages(items, size):
    return [items[i:i + size] for i in range(0, len(items), size)]


def shard_iterator(page_number):
    """An opaque iterator string like the ones Kinesis hands out."""
    digest = b""
    seed = b"agentev-shard-iterator-%d" % page_number
    while len(digest) < 210:
        seed = hashlib.sha256(seed).digest()
        digest += seed
    return "AAAAAAAAAAE" + base64.b64encode(digest[:210]).decode("ascii")


def dumps(value, indent):
    return json.dumps(value, indent=indent, ensure_ascii=False)


def form_pretty(lines, out, size):
    for line in lines:
        event = parse(line)
        if event is None:
            out.write(line + b"\n")
        else:
            out.write(dumps(event, 2).encode("utf-8") + b"\n")


def form_array(lines, out, size):
    parts = []
    for line in lines:
        event = parse(line)
        if event is None:
            parts.append(b"  " + line)
        else:
            text = dumps(event, 2).replace("\n", "\n  ")
            parts.append(b"  " + text.encode("utf-8"))
    if not parts:
        out.write(b"[]\n")
        return
    out.write(b"[\n" + b",\n".join(parts) + b"\n]\n")


def form_getrecords(lines, out, size):
    recs = records(lines)
    last_arrival = recs[-1].arrival if recs else 0
    groups = pages(recs, size) + [[]]
    for number, group in enumerate(groups):
        behind = (last_arrival - group[-1].arrival) if group else 0
        page = {
            "Records": [{
                "SequenceNumber": r.sequence,
                "ApproximateArrivalTimestamp": r.iso_arrival(),
                "Data": r.data,
                "PartitionKey": r.partition_key,
            } for r in group],
            "NextShardIterator": shard_iterator(number + 1),
            "MillisBehindLatest": behind,
        }
        out.write(dumps(page, 4).encode("utf-8") + b"\n")


def form_lambda(lines, out, size):
    for group in pages(records(lines), size):
        payload = {"Records": [{
            "kinesis": {
                "kinesisSchemaVersion": "1.0",
                "partitionKey": r.partition_key,
                "sequenceNumber": r.sequence,
                "data": r.data,
                "approximateArrivalTimestamp": r.arrival / 1000,
            },
            "eventSource": "aws:kinesis",
            "eventVersion": "1.0",
            "eventID": SHARD + ":" + r.sequence,
            "eventName": "aws:kinesis:record",
            "invokeIdentityArn": ROLE_ARN,
            "awsRegion": "us-east-1",
            "eventSourceARN": STREAM_ARN,
        } for r in group]}
        out.write(dumps(payload, 2).encode("utf-8") + b"\n")


def form_firehose(lines, out, size):
    out.write(b"".join(lines))


def form_crlf(lines, out, size):
    out.write(b"".join(line + b"\r\n" for line in lines))


def form_bom(data, out, size):
    out.write(b"\xef\xbb\xbf" + data)


def main():
    p = argparse.ArgumentParser(
        description="Rewrite NDJSON agent events in another input form.")
    p.add_argument("form", choices=FORMS)
    p.add_argument("--page-size", type=int, default=7,
                   help="records per get-records page or Lambda payload "
                   "(default 7)")
    args = p.parse_args()
    signal.signal(signal.SIGPIPE, signal.SIG_DFL)
    if args.page_size < 1:
        p.error("--page-size must be at least 1")
    data = sys.stdin.buffer.read()
    if args.form != "bom":
        data = split_lines(data)
    globals()["form_" + args.form](data, sys.stdout.buffer, args.page_size)
    sys.stdout.buffer.flush()


if __name__ == "__main__":
    main()
