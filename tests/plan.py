#!/usr/bin/env python3
"""plan.py: agent events from a hand-written plan, for golden cases.

Each line of the plan (standard input) is one event:

    HH:MM[:SS] AGENT TYPE [STATUS [CONTACT]]

TYPE is LOGIN, LOGOUT, STATE_CHANGE or HEART_BEAT; STATUS an agent
status name (Available is ROUTABLE, Offline OFFLINE, any other CUSTOM),
which starts at the event's time when it differs from the agent's
status before, and CONTACT a contact state (CONNECTED, ENDED, ...) of
the agent's one VOICE contact.  Times are on 2026-11-04, UTC.  Lines
starting with # are comments.  Writes NDJSON on standard output in time
order (lines with the same time in plan order), each event with the
agent's previous snapshot.  Standard library only.
"""

import json
import sys

DAY = "2026-11-04T"
INSTANCE = "arn:aws:connect:us-east-1:123456789012:instance/" \
    "00000000-0000-4000-8000-000000000001"


def ts(hms):
    parts = hms.split(":")
    if len(parts) == 2:
        parts.append("00")
    return DAY + ":".join("%02d" % int(p) for p in parts) + ".000Z"


def status_type(name):
    return {"Available": "ROUTABLE", "Offline": "OFFLINE"}.get(name, "CUSTOM")


def snapshot(agent, st):
    contacts = []
    if st.get("contact"):
        contacts.append({
            "Channel": "VOICE", "ConnectedToAgentTimestamp": st["since"],
            "ContactId": "contact-%s" % agent, "InitialContactId": None,
            "InitiationMethod": "INBOUND",
            "Queue": {"ARN": INSTANCE + "/queue/q1", "Name": "Support"},
            "QueueTimestamp": st["since"], "State": st["contact"],
            "StateStartTimestamp": st["contact_since"]})
    return {
        "AgentStatus": {"ARN": INSTANCE + "/agent-state/" + st["status"],
                        "Name": st["status"], "StartTimestamp": st["since"],
                        "Type": status_type(st["status"])},
        "Configuration": {
            "AgentHierarchyGroups": None, "FirstName": agent.title(),
            "LastName": "Test",
            "RoutingProfile": {
                "ARN": INSTANCE + "/routing-profile/rp1",
                "DefaultOutboundQueue": {"ARN": INSTANCE + "/queue/q1",
                                         "Name": "Support"},
                "InboundQueues": [{"ARN": INSTANCE + "/queue/q1",
                                   "Name": "Support"}],
                "Name": "Support"},
            "Username": agent},
        "Contacts": contacts}


def main():
    state = {}
    plan = [(ts(line.split()[0]), n, line.split())
            for n, line in enumerate(sys.stdin, 1)
            if line.split() and not line.startswith("#")]
    for t, n, words in sorted(plan):
        agent, kind = words[1], words[2]
        old = state.get(agent)
        st = dict(old) if old else {"status": "Offline", "since": t}
        if len(words) > 3 and words[3] != st["status"]:
            st["status"], st["since"] = words[3], t
        contact = words[4] if len(words) > 4 else None
        if contact != st.get("contact"):
            st["contact"], st["contact_since"] = contact, t
        event = {
            "AWSAccountId": "123456789012",
            "AgentARN": INSTANCE + "/agent/" + agent,
            "CurrentAgentSnapshot": snapshot(agent, st),
            "EventId": "%s-%d" % (agent, n), "EventTimestamp": t,
            "EventType": kind, "InstanceARN": INSTANCE,
            "PreviousAgentSnapshot": snapshot(agent, old) if old else None,
            "Version": "2019-05-25"}
        print(json.dumps(event, separators=(",", ":")))
        state[agent] = st


if __name__ == "__main__":
    main()
