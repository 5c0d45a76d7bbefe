#!/usr/bin/env python3
"""Build samples/broken.ndjson, broken.README and broken.expect/acw.csv.

    python3 samples/mkbroken.py

Good events are the seed's two ACW events and the first session of one
agent of samples/shift.ndjson (mei.chen: LOGIN to LOGOUT and the heartbeats
after it).  Between them sit exactly one broken record of each kind; every
broken record is a copy of a good event with a fresh EventId and exactly one
thing wrong.  The last record is cut short and has no newline.
"""

import csv
import io
import json
import os
import random
import uuid

HERE = os.path.dirname(os.path.abspath(__file__))
AGENT_USER = "mei.chen"


def compact(event):
    return json.dumps(event, ensure_ascii=False,
                      separators=(",", ":")).encode("utf-8")


def main():
    rng = random.Random("agentev:broken")

    def fresh_id():
        return str(uuid.UUID(int=rng.getrandbits(128), version=4))

    with open(os.path.join(HERE, "seed-acw.ndjson"), "rb") as f:
        seed = f.read().split(b"\n")[:-1]
    with open(os.path.join(HERE, "shift.ndjson"), "rb") as f:
        shift = f.read().split(b"\n")[:-1]

    # Mei's first session: her events up to (not including) her second
    # LOGIN, each EventId once.
    mei = []
    seen = set()
    logins = 0
    for line in shift:
        event = json.loads(line)
        snap = event["CurrentAgentSnapshot"]
        if snap["Configuration"]["Username"] != AGENT_USER:
            continue
        if event["EventType"] == "LOGIN":
            logins += 1
            if logins == 2:
                break
        if event["EventId"] in seen:
            continue
        seen.add(event["EventId"])
        mei.append((line, event))

    def template(predicate):
        for line, event in mei:
            if predicate(event):
                copy = json.loads(line)
                copy["EventId"] = fresh_id()
                return copy
        raise SystemExit("mkbroken: no template event found")

    def with_contact(e):
        return (e["EventType"] == "STATE_CHANGE" and
                e["CurrentAgentSnapshot"]["Contacts"])

    def incoming(e):
        c = e["CurrentAgentSnapshot"]["Contacts"]
        return (e["EventType"] == "STATE_CHANGE" and c and
                c[0]["State"] == "INCOMING")

    broken = []   # (bytes, field, severity, description)

    broken.append((b'{"EventId": "x",,}', "-", "error",
                   "JSON syntax error: two commas in a row"))

    e = template(with_contact)
    e["EventTimestamp"] = 1793772660123
    broken.append((compact(e), "EventTimestamp", "error",
                   "wrong type: a number (1793772660123), not a string"))

    e = template(with_contact)
    del e["AgentARN"]
    broken.append((compact(e), "AgentARN", "error",
                   "required field missing"))

    # The unknown channel goes to an agent seen nowhere else, so the event
    # (used, with a warning) changes no other agent's rows.
    e = template(incoming)
    agent_id = e["AgentARN"].rsplit("/", 1)[1]
    other_id = fresh_id()
    text = json.dumps(e, ensure_ascii=False).replace(agent_id, other_id)
    text = text.replace('"Username": "mei.chen"', '"Username": "kwame.okafor"')
    text = text.replace('"FirstName": "Mei"', '"FirstName": "Kwame"')
    text = text.replace('"LastName": "\\u9648"', '"LastName": "Okafor"')
    text = text.replace('"LastName": "陈"', '"LastName": "Okafor"')
    e = json.loads(text)
    e["CurrentAgentSnapshot"]["Contacts"][0]["Channel"] = "FAX"
    fax_line = compact(e)
    broken.append((fax_line, "CurrentAgentSnapshot.Contacts[0].Channel",
                   "warning",
                   'unknown enumeration value "FAX" (an error with -s); '
                   "the event is used: agent kwame.okafor, seen in no "
                   "other event, gets an INCOMING contact"))

    e = template(with_contact)
    e["EventTimestamp"] = "2026-02-30T10:00:00.000Z"
    broken.append((compact(e), "EventTimestamp", "error",
                   "impossible date 2026-02-30"))

    e = template(with_contact)
    e["AgentARN"] = "arn:aws:s3:::bucket"
    broken.append((compact(e), "AgentARN", "error",
                   'not an Amazon Connect agent ARN: "arn:aws:s3:::bucket"'))

    e = template(with_contact)
    e["AWSAccountId"] = "12345"
    broken.append((compact(e), "AWSAccountId", "error",
                   'not 12 digits: "12345"'))

    e = template(with_contact)
    name = "mei.chen." + "x" * 92
    assert len(name) == 101
    e["CurrentAgentSnapshot"]["Configuration"]["Username"] = name
    broken.append((compact(e), "CurrentAgentSnapshot.Configuration.Username",
                   "error", "101 characters, longer than 100"))

    e = template(with_contact)
    e["CurrentAgentSnapshot"]["Configuration"]["FirstName"] = "Me@@FF@@i"
    raw = compact(e).replace(b"Me@@FF@@i", b"Me\xffi")
    broken.append((raw, "CurrentAgentSnapshot.Configuration.FirstName",
                   "error", "invalid UTF-8: raw byte 0xff inside the string "
                   '"Me\\xffi"'))

    broken.append((b"42", "-", "error",
                   "not an object: the number 42"))

    # Interleave: the seed's events, then Mei's, one broken record after
    # every second good line; the truncated record comes last.
    good = seed + [line for line, _ in mei]
    lines = []
    notes = []
    queue = list(broken)
    for i, line in enumerate(good):
        lines.append(line)
        notes.append(None)
        if i % 2 == 1 and queue:
            item = queue.pop(0)
            lines.append(item[0])
            notes.append(item[1:])
    while queue:
        item = queue.pop(0)
        lines.append(item[0])
        notes.append(item[1:])
    last = template(lambda ev: ev["EventType"] == "HEART_BEAT" and
                    ev["CurrentAgentSnapshot"]["AgentStatus"]["Name"] ==
                    "Offline")
    cut = compact(last)
    cut = cut[:len(cut) * 2 // 5]
    lines.append(cut)
    notes.append(("-", "error", "truncated record: the input ends in the "
                  "middle of an object, with no newline"))

    with open(os.path.join(HERE, "broken.ndjson"), "wb") as f:
        f.write(b"\n".join(lines))

    out = io.StringIO()
    out.write(
        "broken.ndjson: good agent events with exactly one broken record of\n"
        "each kind.  Made by `python3 samples/mkbroken.py` from\n"
        "seed-acw.ndjson and the first session of mei.chen in shift.ndjson.\n"
        "One record a line; every broken record but the syntax error, the\n"
        "number and the truncated one is a good event with a fresh EventId\n"
        "and exactly one thing wrong.  The file does not end in a newline.\n"
        "\n"
        "line  severity  field  what is wrong\n")
    for number, note in enumerate(notes, 1):
        if note is not None:
            out.write("%d  %s  %s  %s\n" % (number, note[1], note[0],
                                            note[2]))
    out.write(
        "\nAll other lines (%d) are good events.  Expected: %d events\n"
        "rejected (errors), 1 warning, exit status 1; `-s` makes the\n"
        "warning an error too (%d rejected).  broken.expect/acw.csv holds\n"
        "the ACW rows of the good events (and of the FAX event, which has\n"
        "none), sorted like shift.expect.\n" %
        (len(good), len(broken), len(broken) + 1))
    with open(os.path.join(HERE, "broken.README"), "w",
              encoding="utf-8") as f:
        f.write(out.getvalue())

    # Expected ACW rows: the seed's contact, and mei.chen's contacts of her
    # first session, taken from the shift's ground truth.
    with open(os.path.join(HERE, "shift.expect", "acw.csv"), "rb") as f:
        shift_acw = f.read().split(b"\n")[:-1]
    logout = [ev for _, ev in mei if ev["EventType"] == "LOGOUT"][0]
    rows = []
    for row in shift_acw[1:]:
        fields = next(csv.reader([row.decode("utf-8")]))
        if fields[1] == AGENT_USER and fields[6] <= logout["EventTimestamp"]:
            rows.append(row)
    seed_agent = json.loads(seed[0])["AgentARN"]
    rows.append((seed_agent + ",(Removed),ContactId-1,VOICE,OUTBOUND,"
                 "BasicQueue,2018-10-25T18:55:27.027Z,"
                 "2018-10-25T18:55:32.032Z,5.005,CLEARED").encode("utf-8"))
    os.makedirs(os.path.join(HERE, "broken.expect"), exist_ok=True)
    with open(os.path.join(HERE, "broken.expect", "acw.csv"), "wb") as f:
        f.write(shift_acw[0] + b"\n")
        for row in sorted(rows):
            f.write(row + b"\n")


if __name__ == "__main__":
    main()
