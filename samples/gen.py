#!/usr/bin/env python3
"""Generate deterministic, realistic Amazon Connect agent event streams.

Writes NDJSON agent events (one compact JSON object per line, keys in the
order the service uses) on standard output, interleaved across agents in
EventTimestamp order.  Each agent is simulated on its own: it logs in, changes
status, handles voice calls, chats and tasks, spends after-contact work (ACW)
on them, gets its configuration changed and logs out.  With --expect-dir the
simulator also writes what it did (acw.csv, status.csv, contacts.csv and
sessions.csv) from its own ground truth, so a tool reading the events can be
checked against it.  --rich-contacts adds calls with several holds, tasks with
several pauses, calls abandoned while ringing and calls that fail after
connecting (without it the events are those of earlier versions).
--schedule FILE also writes a schedule for the day (CSV of username,
activity, start, end, team) made from what the agents did, and with
--expect-dir the adherence truth (adherence.csv, adherence-stretches.csv,
adherence-alert.csv); the events stay the same.

Same seed and arguments give byte-identical output.  Python 3 standard
library only.
"""

import argparse
import bisect
import calendar
import heapq
import json
import os
import random
import re
import signal
import sys
import time
import uuid

ACCOUNT = "123456789012"
REGION = "us-east-1"
ARN_PREFIX = "arn:aws:connect:%s:%s:instance/" % (REGION, ACCOUNT)

SECOND = 1000
MINUTE = 60 * SECOND
HOUR = 60 * MINUTE
HEARTBEAT_PERIOD = 120 * SECOND

# Contact states in which the agent is still working the contact; the others
# (ENDED, MISSED, REJECTED, ERROR) only wait to be cleared.
ACTIVE_STATES = frozenset(("INCOMING", "PENDING", "CONNECTING", "CONNECTED",
                           "CONNECTED_ONHOLD", "PAUSED"))

# Status type as the service reports it in AgentStatus.Type; the same mapping
# is what status.csv uses for agents whose events do not carry the field.
# Which total of a contact's row the time in a state goes to: ring, talk or
# hold (ENDED is ACW, measured on its own; the others count nothing).
STATE_PART = {"INCOMING": 0, "PENDING": 0, "CONNECTING": 0, "CONNECTED": 1,
              "CONNECTED_ONHOLD": 2, "PAUSED": 2}
HOLD_STATES = ("CONNECTED_ONHOLD", "PAUSED")
FATES = ("MISSED", "REJECTED", "ERROR")

STATUS_NAMES = ("Available", "Offline", "Break", "Lunch", "Training",
                'Coaching "1:1"')


def status_type(name):
    if name == "Available":
        return "ROUTABLE"
    if name == "Offline":
        return "OFFLINE"
    return "CUSTOM"


def iso(ms):
    """Format epoch milliseconds as 2026-11-04T06:00:00.123Z."""
    seconds, millis = divmod(ms, 1000)
    t = time.gmtime(seconds)
    return "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ" % (
        t.tm_year, t.tm_mon, t.tm_mday, t.tm_hour, t.tm_min, t.tm_sec, millis)


def parse_iso(text):
    m = re.fullmatch(r"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d{1,3}))?Z",
                     text)
    if not m:
        raise argparse.ArgumentTypeError(
            "expected YYYY-MM-DDTHH:MM:SS[.mmm]Z, got %r" % text)
    seconds = calendar.timegm(time.strptime(m.group(1), "%Y-%m-%dT%H:%M:%S"))
    millis = int((m.group(2) or "0").ljust(3, "0"))
    return seconds * 1000 + millis


def jstr(value):
    """JSON text of a string or None, non-ASCII kept as UTF-8."""
    if value is None:
        return "null"
    return json.dumps(value, ensure_ascii=False)


def jts(ms):
    return "null" if ms is None else '"' + iso(ms) + '"'


def new_uuid(rng):
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


def seconds_text(ms):
    """Integer milliseconds as seconds with exactly three decimals."""
    assert ms >= 0
    return "%d.%03d" % divmod(ms, 1000)


def csv_field(text):
    if any(ch in text for ch in ',"\r\n'):
        return '"' + text.replace('"', '""') + '"'
    return text


class Queue:
    def __init__(self, arn, name, channels):
        self.arn = arn
        self.name = name
        self.channels = channels
        tail = '"Name":' + jstr(name) + "}"
        self.json_2017 = '{"ARN":' + jstr(arn) + "," + tail
        self.json_2019 = ('{"ARN":' + jstr(arn) + ',"Channels":' +
                          json.dumps(channels, separators=(",", ":")) + "," +
                          tail)

    def json(self, new_format):
        return self.json_2019 if new_format else self.json_2017


class Profile:
    def __init__(self, arn, name, outbound, inbound, slots):
        self.arn = arn
        self.name = name
        self.outbound = outbound
        self.inbound = inbound
        self.slots = slots            # [(channel, maximum)], sorted

    def queues_for(self, channel):
        return [q for q in self.inbound if channel in q.channels]


class World:
    """The instance: ARNs, queues, statuses, profiles, and the rows that the
    agents record as ground truth."""

    def __init__(self, seed, start, end, rich=False, varied=False):
        rng = random.Random("agentev:%s:instance" % seed)
        self.seed = seed
        self.rich = rich
        self.start = start
        self.end = end
        self.instance = ARN_PREFIX + new_uuid(rng)
        self.statuses = {}
        for name in STATUS_NAMES:
            self.statuses[name] = (self.instance + "/agent-state/" +
                                   new_uuid(rng))
        queue_specs = (
            ("BasicQueue", ["VOICE", "CHAT", "TASK"]),
            ("Support", ["VOICE"]),
            ("Billing", ["VOICE", "CHAT"]),
            ("Sales, EMEA", ["VOICE"]),
            ("Retention", ["VOICE"]),
            ("Chat Support", ["CHAT"]),
            ("Back Office Tasks", ["TASK"]),
            ("Outbound", ["VOICE"]),
        )
        q = {}
        for name, channels in queue_specs:
            q[name] = Queue(self.instance + "/queue/" + new_uuid(rng), name,
                            channels)
        self.queues = q

        def profile(name, outbound, inbound, slots):
            return Profile(self.instance + "/routing-profile/" +
                           new_uuid(rng), name, q[outbound],
                           [q[n] for n in inbound], slots)

        self.voice_profiles = (
            profile("Voice Support", "Outbound",
                    ("Support", "Billing", "BasicQueue"), [("VOICE", 1)]),
            profile("Voice Sales", "Outbound",
                    ("Sales, EMEA", "Retention", "BasicQueue"),
                    [("VOICE", 1)]),
        )
        self.digital_profiles = (
            profile("Digital Support", "BasicQueue",
                    ("Chat Support", "Billing", "Back Office Tasks"),
                    [("CHAT", 3), ("TASK", 1)]),
            profile("Digital Overflow", "BasicQueue",
                    ("Chat Support", "BasicQueue", "Back Office Tasks"),
                    [("CHAT", 3), ("TASK", 1)]),
        )
        self.hierarchy = []
        for level, names in ((1, ("North America", "EMEA")),
                             (2, ("Seattle", "Dublin", "Austin")),
                             (3, ("Team Alpha", "Team Beta", "Team Gamma",
                                  "Nightingale"))):
            self.hierarchy.append([(self.instance + "/agent-group/" +
                                    new_uuid(rng), n) for n in names])
        self.proficiencies = PROFICIENCIES
        self.varied = varied
        if varied:
            self.make_varied(rng)
        self.acw_rows = []
        self.status_rows = []
        self.contact_rows = []
        self.session_rows = []
        self.open_contacts = []       # (agent, contact) at the end
        self.hidden = []              # (agent index, status start, reveal)
        self.clock = None             # the newest EventTimestamp written

    def make_varied(self, rng):
        """--varied: many queues for agents to have profiles of their own
        made from, five levels of hierarchy groups, many proficiencies."""
        channel_sets = (["VOICE"], ["CHAT"], ["TASK"], ["VOICE", "CHAT"],
                        ["CHAT", "TASK"], ["VOICE", "CHAT", "TASK"])
        self.varied_queues = [
            Queue(self.instance + "/queue/" + new_uuid(rng),
                  "%s %02d" % (rng.choice(("Support", "Sales", "Billing",
                                           "Claims", "Renewals", "Tier 2",
                                           "Escalations", "VIP")), i),
                  rng.choice(channel_sets)) for i in range(48)]
        self.hierarchy = [
            [(self.instance + "/agent-group/" + new_uuid(rng),
              "Level %d group %d" % (level, i)) for i in range(8)]
            for level in range(1, 6)]
        self.proficiencies = tuple(
            (kind, "%s %d" % (kind, i))
            for kind in ("Language", "Product", "Skill", "Location")
            for i in range(6))

    def own_profile(self, rng, agent_name, k, slots):
        """A routing profile of one agent's own (--varied)."""
        queues = self.varied_queues
        inbound = rng.sample(queues, rng.randint(3, 12))
        for channel, _ in slots:
            if not any(channel in q.channels for q in inbound):
                inbound.append(rng.choice(
                    [q for q in queues if channel in q.channels]))
        outbound = rng.choice([q for q in queues if "VOICE" in q.channels])
        return Profile(self.instance + "/routing-profile/" + new_uuid(rng),
                       "%s profile %d" % (agent_name, k), outbound, inbound,
                       slots)


FIRST_NAMES = (
    ("José", "jose"), ("Zoë", "zoe"), ("Søren", "soren"), ("Łukasz", "lukasz"),
    ("Chloé", "chloe"), ("Aisha", "aisha"), ("Mei", "mei"),
    ("Bartholomew", "bart"), ("Renée", "renee"), ("Tomás", "tomas"),
    ("Priya", "priya"), ("Kwame", "kwame"), ("Ana María", "anamaria"),
    ("Jürgen", "jurgen"), ("Siobhán", "siobhan"), ("Hiroshi", "hiroshi"),
    ("Olga", "olga"), ("Fatima", "fatima"), ("Liam", "liam"),
    ("Noémie", "noemie"), ("Dmitri", "dmitri"), ("Ingrid", "ingrid"),
)
LAST_NAMES = (
    ("García Márquez", "garcia"), ("O'Brien, Jr.", "obrien"),
    ("Müller", "muller"), ("Nguyễn", "nguyen"), ("Dvořák", "dvorak"),
    ("Okafor", "okafor"), ("Smith", "smith"), ("Kowalski", "kowalski"),
    ("Ó Súilleabháin", "osullivan"), ("陈", "chen"), ("Johansson", "johansson"),
    ("de la Cruz", "delacruz"), ("Petrov, III", "petrov"),
    ("Haddad", "haddad"),
    ("Lefèvre", "lefevre"), ("Tanaka", "tanaka"), ("Singh", "singh"),
    ("Ørsted", "orsted"),
)
PROFICIENCIES = (
    ("Technology", "Kinesis"), ("Location", "WA"), ("Language", "Spanish"),
    ("Product", "Billing"), ("Language", "German"), ("Skill", "Retention"),
)


class Contact:
    __slots__ = ("contact_id", "channel", "method", "queue", "queued",
                 "initial", "state", "since", "connected", "plan", "step",
                 "acw_start", "offered", "times", "holds", "fate")


class ContactSpec:
    """How one contact will go: its first state and then a plan of
    (delay in ms, next state or "CLEAR") steps, each delay counted from the
    previous step."""

    def __init__(self, channel, method, queue, queued_before, initial,
                 first_state, plan):
        self.channel = channel
        self.method = method
        self.queue = queue
        self.queued_before = queued_before
        self.initial = initial
        self.first_state = first_state
        self.plan = plan


class Agent:
    """One simulated agent: its state, a queue of timed actions, and the
    events it emits.  run() is a generator of (time, agent, line, dup)."""

    def __init__(self, world, index, rng, kind, version, has_type,
                 login_prev_null, enqueue_key, hierarchy_levels,
                 proficiencies, agent_queue_in_profile, auto):
        self.world = world
        self.index = index
        self.rng = rng
        self.kind = kind                      # "voice" or "digital"
        self.version = version
        self.new_format = version == "2019-05-25"
        self.has_type = has_type
        self.login_prev_null = login_prev_null
        self.enqueue_key = enqueue_key
        self.auto = auto
        agent_id = new_uuid(rng)
        self.arn = world.instance + "/agent/" + agent_id
        self.own_queue = Queue(world.instance + "/queue/agent/" + agent_id,
                               None, ["VOICE", "CHAT", "TASK"])
        first, first_ascii = FIRST_NAMES[index % len(FIRST_NAMES)]
        last, last_ascii = LAST_NAMES[(index * 7 + 3) % len(LAST_NAMES)]
        self.first_name = first
        self.last_name = last
        self.username = "%s.%s" % (first_ascii, last_ascii)
        if index >= len(FIRST_NAMES):
            self.username += str(index // len(FIRST_NAMES) + 1)
        if hierarchy_levels:
            parts = []
            for level in range(hierarchy_levels):
                arn, name = rng.choice(world.hierarchy[level])
                parts.append('"Level%d":{"ARN":%s,"Name":%s}' %
                             (level + 1, jstr(arn), jstr(name)))
            self.hierarchy_json = "{" + ",".join(parts) + "}"
        else:
            self.hierarchy_json = "null"
        if proficiencies:
            chosen = rng.sample(world.proficiencies, proficiencies)
            self.proficiencies_json = "[" + ",".join(
                '{"Level":%s,"Name":%s,"Value":%s}' %
                (repr(float(rng.randint(1, 5))), jstr(n), jstr(v))
                for n, v in chosen) + "]"
        else:
            self.proficiencies_json = None
        self.agent_queue_in_profile = agent_queue_in_profile
        profiles = (world.voice_profiles if kind == "voice"
                    else world.digital_profiles)
        if world.varied:
            profiles = tuple(world.own_profile(rng, self.username, k,
                                               profiles[0].slots)
                             for k in range(2))
        self.profiles = profiles
        self.set_profile(profiles[rng.randrange(len(profiles))])
        self.event_head = ('{"AWSAccountId":"%s","AgentARN":%s,'
                           '"CurrentAgentSnapshot":' % (ACCOUNT,
                                                         jstr(self.arn)))
        self.event_tail = ',"Version":"%s"}' % version

        # Agent state.  Before the first login the agent has been Offline
        # since the previous evening.
        self.logged_in = False
        self.session = 0
        self.set_status(None, "Offline",
                        world.start - rng.randint(9 * HOUR, 16 * HOUR))
        self.next_status = None               # (name, enqueued ms) or None
        self.contacts = []
        self.last_emit = -1
        self.last_snapshot = None
        self.heartbeats = False
        self.next_heartbeat = 0
        self.heartbeat_stop = 0
        self.hidden_pending = False
        self.force_dup = None
        self.open_status = None               # (name, type, start)
        self.session_login = None
        self.session_first = None
        self.session_handled = 0

        # Random-driver state.
        self.plan = []
        self.step_length = 0
        self.ending = False
        self.logout_scheduled = False
        self.split_gap = None
        self.pending_pre = None

        self.actions = []
        self.sequence = 0
        self.out = []
        self.at(world.end, self.act_nothing)

    # --- actions -----------------------------------------------------------

    def at(self, t, fn, *args):
        heapq.heappush(self.actions, (t, self.sequence, fn, args))
        self.sequence += 1

    def act_nothing(self, t):
        pass

    def bump(self, t):
        """Events of one agent have strictly increasing timestamps."""
        return t if t > self.last_emit else self.last_emit + 1

    def run(self):
        end = self.world.end
        actions = self.actions
        out = self.out
        while True:
            t, _, fn, args = heapq.heappop(actions)
            if t >= end:
                self.fill_heartbeats(end)
                yield from out
                out.clear()
                break
            self.fill_heartbeats(t)
            fn(t, *args)
            if out:
                yield from out
                out.clear()
        self.finish()

    # --- snapshots and events ------------------------------------------------

    def set_profile(self, profile):
        self.profile = profile
        head = ('{"AgentHierarchyGroups":' + self.hierarchy_json +
                ',"FirstName":' + jstr(self.first_name) +
                ',"LastName":' + jstr(self.last_name))
        if self.proficiencies_json:
            head += ',"Proficiencies":' + self.proficiencies_json
        head += ',"RoutingProfile":{"ARN":' + jstr(profile.arn)
        inbound = [qu.json(self.new_format) for qu in profile.inbound]
        if self.agent_queue_in_profile:
            inbound.append(self.own_queue.json(self.new_format))
        tail = ('"DefaultOutboundQueue":' +
                profile.outbound.json(self.new_format) +
                ',"InboundQueues":[' + ",".join(inbound) + '],"Name":' +
                jstr(profile.name) + '},"Username":' + jstr(self.username) +
                "}")
        if self.new_format:
            self.config_head = head + ',"Concurrency":['
            self.config_tail = "]," + tail
        else:
            self.config_head = head + ","
            self.config_tail = tail

    def set_status(self, t, name, start):
        """Change AgentStatus; t is None when no session interval is
        affected (before login, or the Offline a LOGOUT shows)."""
        if t is not None and self.open_status is not None:
            self.close_status(t, "CHANGE")
        self.status_name = name
        self.status_start = start
        self.status_json = ('{"ARN":' + jstr(self.world.statuses[name]) +
                            ',"Name":' + jstr(name) + ',"StartTimestamp":"' +
                            iso(start) + '"' +
                            (',"Type":"%s"' % status_type(name)
                             if self.has_type else "") + "}")
        if t is not None and self.logged_in:
            self.open_status = (name, status_type(name), max(start, t))

    def close_status(self, t, how):
        name, kind, start = self.open_status
        self.world.status_rows.append(
            [self.arn, self.username, name, kind, iso(start), iso(t),
             seconds_text(t - start), how])
        self.open_status = None

    def contact_json(self, c):
        return ('{"Channel":"' + c.channel +
                '","ConnectedToAgentTimestamp":' + jts(c.connected) +
                ',"ContactId":"' + c.contact_id +
                '","InitialContactId":' + jstr(c.initial) +
                ',"InitiationMethod":"' + c.method +
                '","Queue":' + c.queue.json(self.new_format) +
                ',"QueueTimestamp":' + jts(c.queued) +
                ',"State":"' + c.state + '","StateStartTimestamp":"' +
                iso(c.since) + '"}')

    def snapshot(self):
        parts = ['{"AgentStatus":', self.status_json, ',"Configuration":',
                 self.config_head]
        if self.new_format:
            slots = []
            for channel, maximum in self.profile.slots:
                used = sum(1 for c in self.contacts if c.channel == channel)
                slots.append('{"AvailableSlots":%d,"Channel":"%s",'
                             '"MaximumSlots":%d}' %
                             (max(maximum - used, 0), channel, maximum))
            parts.append(",".join(slots))
        parts.append(self.config_tail)
        parts.append(',"Contacts":[')
        parts.append(",".join(self.contact_json(c) for c in self.contacts))
        parts.append("]")
        if self.next_status is not None:
            name, enqueued = self.next_status
            parts.append(',"NextAgentStatus":{"ARN":%s,"%s":"%s","Name":%s}' %
                         (jstr(self.world.statuses[name]), self.enqueue_key,
                          iso(enqueued), jstr(name)))
        elif self.new_format:
            parts.append(',"NextAgentStatus":null')
        parts.append("}")
        return "".join(parts)

    def emit(self, t, event_type):
        if self.hidden_pending and event_type != "HEART_BEAT":
            raise AssertionError("%s: %s at %s would reveal a hidden status "
                                 "change before a heartbeat" %
                                 (self.username, event_type, iso(t)))
        assert t > self.last_emit
        current = self.snapshot()
        if event_type in ("LOGIN", "LOGOUT"):
            previous = (',"PreviousAgentSnapshot":null'
                        if self.login_prev_null else "")
        else:
            previous = ',"PreviousAgentSnapshot":' + self.last_snapshot
        line = (self.event_head + current + ',"EventId":"' +
                new_uuid(self.rng) + '","EventTimestamp":"' + iso(t) +
                '","EventType":"' + event_type + '","InstanceARN":"' +
                self.world.instance + '"' + previous + self.event_tail)
        self.last_snapshot = current
        self.last_emit = t
        self.next_heartbeat = t + HEARTBEAT_PERIOD + self.rng.randint(0, 250)
        if event_type == "HEART_BEAT":
            if self.hidden_pending:     # a change this heartbeat reveals
                self.world.hidden.append((self.index, self.status_start, t))
            self.hidden_pending = False
        self.out.append((t, self.index, line, self.force_dup))
        self.force_dup = None

    def fill_heartbeats(self, limit):
        while self.heartbeats and self.next_heartbeat < limit:
            if (not self.logged_in and
                    self.next_heartbeat > self.heartbeat_stop):
                self.heartbeats = False
                break
            self.emit(self.next_heartbeat, "HEART_BEAT")

    # --- ground truth --------------------------------------------------------

    def acw_row(self, c, end, how):
        row = [self.arn, self.username, c.contact_id, c.channel, c.method,
               c.queue.name or "", iso(c.acw_start)]
        if end is None:
            row += ["", "", how]
        else:
            row += [iso(end), seconds_text(end - c.acw_start), how]
        self.world.acw_rows.append(row)

    def contact_state_end(self, c, t):
        """The state c is in ends at t: its time goes to ring, talk or
        hold."""
        part = STATE_PART.get(c.state)
        if part is not None and t > c.since:
            c.times[part] += t - c.since

    def contact_row(self, c, end, how=None):
        """c leaves the agent at end (LOGOUT takes it when how says so);
        end None: still there at the end (completed by open_contact_rows)."""
        if c.connected is not None:
            self.session_handled += 1
        if end is None:
            self.world.open_contacts.append((self, c))
            return
        self.contact_state_end(c, end)
        acw = end - c.acw_start if c.state == "ENDED" else 0
        outcome = how or c.fate or ("HANDLED" if c.connected is not None
                                    else "ABANDONED")
        self.world.contact_rows.append(
            self.contact_fields(c) +
            [seconds_text(acw), seconds_text(c.times[1] + c.times[2] + acw),
             iso(end), outcome, ""])

    def contact_fields(self, c):
        ring, talk, hold = c.times
        return [self.arn, self.username, c.contact_id, c.initial or "",
                c.channel, c.method, c.queue.name or "", iso(c.offered),
                iso(c.connected) if c.connected is not None else "",
                seconds_text(ring), seconds_text(talk), seconds_text(hold),
                str(c.holds)]

    def session_row(self, end, how):
        self.world.session_rows.append(
            [self.arn, self.username, iso(self.session_login),
             iso(end) if end is not None else "",
             seconds_text(end - self.session_login) if end is not None
             else "", how, self.session_first, str(self.session_handled),
             "", ""])

    def finish(self):
        """Record what is still open at the end of the generated period."""
        if self.logged_in and self.open_status is not None:
            name, kind, start = self.open_status
            self.world.status_rows.append(
                [self.arn, self.username, name, kind, iso(start), "", "",
                 "OPEN"])
        for c in self.contacts:
            if c.state == "ENDED":
                self.acw_row(c, None, "OPEN")
            self.contact_row(c, None)
        if self.logged_in:
            self.session_row(None, "OPEN")

    # --- primitives ----------------------------------------------------------

    def has_active(self):
        return any(c.state in ACTIVE_STATES for c in self.contacts)

    def act_login(self, t, pre_status=None, pre_before=0):
        """LOGIN.  pre_status: a status set before login (still current);
        otherwise the agent shows the Offline it has had since it last left."""
        if self.logged_in:
            return
        t = self.bump(t)
        if pre_status is not None and not self.heartbeats:
            start = t - pre_before
            if start > self.last_emit and start > self.status_start:
                self.set_status(None, pre_status, start)
        self.logged_in = True
        self.session += 1
        self.heartbeats = True
        self.ending = False
        self.logout_scheduled = False
        self.open_status = (self.status_name, status_type(self.status_name),
                            max(self.status_start, t))
        self.session_login = t
        self.session_first = self.status_name
        self.session_handled = 0
        self.emit(t, "LOGIN")
        if self.auto:
            self.auto_login(t)

    def act_logout(self, t, session=None):
        if not self.logged_in or (session is not None and
                                  session != self.session):
            return
        t = self.bump(t)
        self.close_status(t, "LOGOUT")
        for c in self.contacts:
            if c.state == "ENDED":
                self.acw_row(c, t, "LOGOUT")
            self.contact_row(c, t, "LOGOUT")
        self.session_row(t, "LOGOUT")
        self.contacts = []
        self.next_status = None
        self.logged_in = False
        if self.status_name != "Offline":
            self.set_status(None, "Offline", t)
        self.heartbeat_stop = t + self.rng.randint(15 * MINUTE, 60 * MINUTE)
        self.emit(t, "LOGOUT")
        if self.auto:
            self.auto_logout(t)

    def act_status(self, t, name, hidden=False, session=None):
        """The agent chooses a status.  On an active contact it becomes
        NextAgentStatus; otherwise it applies now and clears whatever
        contacts wait to be cleared (ACW, missed, rejected, error)."""
        if not self.logged_in or (session is not None and
                                  session != self.session):
            return
        t = self.bump(t)
        if self.has_active():
            if self.next_status is None or self.next_status[0] != name:
                self.next_status = (name, t)
                self.emit(t, "STATE_CHANGE")
            return
        cleared = bool(self.contacts)
        for c in self.contacts:
            if c.state == "ENDED":
                self.acw_row(c, t, "CLEARED")
            self.contact_row(c, t)
        self.contacts = []
        self.next_status = None
        if name != self.status_name:
            self.set_status(t, name, t)
        if hidden and not cleared:
            self.hidden_pending = True
        else:
            self.emit(t, "STATE_CHANGE")
        if self.auto:
            self.auto_status_applied(t, name)

    def act_config(self, t, what, session=None):
        """Configuration-only STATE_CHANGE: "profile" switches the routing
        profile, "nothing" changes something the snapshot does not show."""
        if not self.logged_in or (session is not None and
                                  session != self.session):
            return
        if self.hidden_pending:
            self.at(t + HEARTBEAT_PERIOD + 5 * SECOND, self.act_config, what,
                    session)
            return
        t = self.bump(t)
        if what == "profile":
            others = [p for p in self.profiles if p is not self.profile]
            self.set_profile(others[0])
        self.emit(t, "STATE_CHANGE")

    def act_offer(self, t, spec):
        if not self.logged_in:
            return
        t = self.bump(t)
        c = Contact()
        c.contact_id = new_uuid(self.rng)
        c.channel = spec.channel
        c.method = spec.method
        c.queue = spec.queue
        c.queued = (None if spec.queued_before is None
                    else t - spec.queued_before)
        c.initial = spec.initial
        c.state = spec.first_state
        c.since = t
        c.connected = None
        c.plan = spec.plan
        c.step = 0
        c.acw_start = None
        c.offered = t
        c.times = [0, 0, 0]
        c.holds = 1 if c.state in HOLD_STATES else 0
        c.fate = c.state if c.state in FATES else None
        self.contacts.append(c)
        self.emit(t, "STATE_CHANGE")
        if c.plan:
            self.at(t + c.plan[0][0], self.act_contact, c, 0)

    def act_contact(self, t, c, step):
        """Next step of a contact's plan, unless the contact was cleared or
        went another way meanwhile."""
        if c.step != step or not any(x is c for x in self.contacts):
            return
        t = self.bump(t)
        what = c.plan[step][1]
        c.step = step + 1
        if what == "CLEAR":
            self.contacts = [x for x in self.contacts if x is not c]
            if c.state == "ENDED":
                self.acw_row(c, t, "CLEARED")
            self.contact_row(c, t)
            switched = None
            if self.next_status is not None and not self.contacts:
                switched = self.next_status[0]
                self.next_status = None
                if switched != self.status_name:
                    self.set_status(t, switched, t)
            self.emit(t, "STATE_CHANGE")
            if switched is not None and self.auto:
                self.auto_status_applied(t, switched)
            return
        self.contact_state_end(c, t)
        c.state = what
        c.since = t
        if what in HOLD_STATES:
            c.holds += 1
        if what in FATES and c.fate is None:
            c.fate = what
        if what == "CONNECTED" and c.connected is None:
            c.connected = t
        if what == "ENDED":
            c.acw_start = t
        self.emit(t, "STATE_CHANGE")
        if c.step < len(c.plan):
            self.at(t + c.plan[c.step][0], self.act_contact, c, c.step)
        if self.auto:
            self.auto_contact_changed(t, c)

    # --- the random driver ---------------------------------------------------

    def plan_shift(self, login, length):
        """Schedule one working day: sessions of steps (status, length ms)
        ending in ("END", 0), or ("SPLIT", gap) when the agent logs out
        mid-shift and comes back."""
        rng = self.rng
        steps = []
        total = 0
        breaks = 0
        split_done = rng.random() >= 0.12
        while True:
            work = rng.randint(45 * MINUTE, 110 * MINUTE)
            steps.append(("Available", work))
            total += work
            if total >= length:
                break
            breaks += 1
            r = rng.random()
            if breaks == 2 and not split_done:
                steps.append(("SPLIT", rng.randint(25 * MINUTE, 70 * MINUTE)))
                split_done = True
                continue
            if breaks == 2:
                pause = ("Lunch", rng.randint(30 * MINUTE, 45 * MINUTE))
            elif r < 0.12:
                pause = ("Training", rng.randint(20 * MINUTE, 45 * MINUTE))
            elif r < 0.2:
                pause = ("Offline", rng.randint(3 * MINUTE, 10 * MINUTE))
            elif r < 0.26:
                pause = ('Coaching "1:1"',
                         rng.randint(15 * MINUTE, 25 * MINUTE))
            else:
                pause = ("Break", rng.randint(10 * MINUTE, 15 * MINUTE))
            steps.append(pause)
            total += pause[1]
        steps.append(("END", 0))
        pre = None
        if rng.random() < 0.15:
            pre = ("Training", rng.randint(2 * MINUTE, 25 * MINUTE),
                   rng.randint(10 * MINUTE, 30 * MINUTE))
        self.at(login, self.act_auto_login, steps, pre)

    def act_auto_login(self, t, steps, pre):
        if self.logged_in:
            return
        self.plan = list(steps)
        self.pending_pre = pre
        if pre is not None:
            self.act_login(t, "Training", pre[1])
        else:
            self.act_login(t)

    def auto_login(self, t):
        rng = self.rng
        pre = self.pending_pre
        self.pending_pre = None
        if pre is not None and self.status_name == "Training":
            first = pre[2]
        else:
            first = rng.randint(2 * SECOND, 45 * SECOND)
        self.at(t + first, self.act_step, self.session)
        for channel, _ in self.profile.slots:
            self.at(t + self.arrival_gap(channel), self.act_arrival, channel,
                    self.session)
        if rng.random() < 0.35:
            self.at(t + rng.randint(10 * MINUTE, 6 * HOUR), self.act_config,
                    rng.choice(("profile", "nothing")), self.session)

    def act_step(self, t, session):
        if session != self.session or not self.logged_in or not self.plan:
            return
        name, length = self.plan.pop(0)
        self.step_length = length
        if name in ("END", "SPLIT"):
            self.ending = True
            self.split_gap = length if name == "SPLIT" else None
            self.end_session(t)
            return
        hidden = (name in ("Break", "Lunch", "Training") and
                  not self.contacts and self.rng.random() < 0.04 and
                  t + 2 * HEARTBEAT_PERIOD < self.world.end)
        self.act_status(t, name, hidden)

    def end_session(self, t):
        rng = self.rng
        if self.has_active():
            self.act_status(t, "Offline")
        elif self.contacts and rng.random() < 0.4:
            self.schedule_logout(t + rng.randint(SECOND, 5 * SECOND))
        elif not self.contacts and rng.random() < 0.15:
            self.schedule_logout(t + rng.randint(SECOND, 5 * SECOND))
        else:
            self.act_status(t, "Offline")

    def schedule_logout(self, t):
        if not self.logout_scheduled:
            self.logout_scheduled = True
            self.at(t, self.act_logout, self.session)

    def auto_status_applied(self, t, name):
        if self.ending:
            if name == "Offline":
                self.schedule_logout(t + self.rng.randint(3 * SECOND,
                                                          60 * SECOND))
            return
        self.at(t + self.step_length, self.act_step, self.session)

    def auto_logout(self, t):
        if self.split_gap is not None and self.plan:
            steps = self.plan
            self.at(t + self.split_gap, self.act_auto_login, steps, None)

    def auto_contact_changed(self, t, c):
        rng = self.rng
        if c.state != "ENDED":
            return
        if rng.random() < 0.03:
            acw = c.plan[c.step][0] if c.step < len(c.plan) else 0
            self.at(t + int(acw * rng.uniform(0.2, 0.8)), self.act_config,
                    rng.choice(("profile", "nothing")), self.session)
        if self.ending and not self.has_active() and rng.random() < 0.4:
            self.schedule_logout(t + rng.randint(2 * SECOND, 15 * SECOND))

    def arrival_gap(self, channel):
        mean = {"VOICE": 100, "CHAT": 150, "TASK": 900}[channel]
        return int(self.rng.expovariate(1.0 / mean) * SECOND) + 1

    def act_arrival(self, t, channel, session):
        if session != self.session or not self.logged_in:
            return
        self.at(t + self.arrival_gap(channel), self.act_arrival, channel,
                session)
        if (self.status_name != "Available" or self.next_status is not None
                or self.ending or self.hidden_pending):
            return
        maximum = dict(self.profile.slots)[channel]
        if sum(1 for c in self.contacts if c.channel == channel) >= maximum:
            return
        self.act_offer(t, self.random_contact(channel))

    def random_contact(self, channel):
        rng = self.rng
        s = lambda lo, hi: rng.randint(lo * SECOND, hi * SECOND)
        acw = s(5, 300) if rng.random() < 0.1 else s(5, 90)
        initial = None
        queued = s(3, 240)
        if channel == "VOICE":
            method = rng.choices(
                ("INBOUND", "OUTBOUND", "TRANSFER", "CALLBACK",
                 "QUEUE_TRANSFER", "API"),
                (62, 14, 8, 6, 5, 5))[0]
            r = rng.random()
            if method == "OUTBOUND":
                queue = self.profile.outbound
                talk = s(30, 420)
                return ContactSpec(channel, method, queue, None, None,
                                   "CONNECTING",
                                   [(s(5, 30), "CONNECTED"), (talk, "ENDED"),
                                    (acw, "CLEAR")])
            if method == "TRANSFER":
                initial = new_uuid(rng)
                queue = (self.own_queue if rng.random() < 0.4 else
                         rng.choice(self.profile.queues_for(channel)))
            else:
                queue = rng.choice(self.profile.queues_for(channel))
            if self.world.rich:
                plan = self.rich_voice(s, acw)
                if plan is not None:
                    return ContactSpec(channel, method, queue, queued,
                                       initial, "INCOMING", plan)
            if r < 0.04:
                plan = [(s(15, 20), "MISSED"), (s(3, 40), "CLEAR")]
            elif r < 0.05:
                plan = [(s(1, 5), "ERROR"), (s(5, 30), "CLEAR")]
            elif r < 0.35:
                plan = [(s(2, 12), "CONNECTED"),
                        (s(40, 300), "CONNECTED_ONHOLD"),
                        (s(15, 150), "CONNECTED"), (s(20, 300), "ENDED"),
                        (acw, "CLEAR")]
            else:
                plan = [(s(2, 12), "CONNECTED"), (s(30, 600), "ENDED"),
                        (acw, "CLEAR")]
            return ContactSpec(channel, method, queue, queued, initial,
                               "INCOMING", plan)
        if channel == "CHAT":
            method = rng.choices(("API", "TRANSFER", "QUEUE_TRANSFER"),
                                 (85, 10, 5))[0]
            if method == "TRANSFER":
                initial = new_uuid(rng)
            queue = rng.choice(self.profile.queues_for(channel))
            if rng.random() < 0.04:
                plan = [(s(3, 12), "REJECTED"), (s(2, 20), "CLEAR")]
            else:
                plan = [(s(2, 15), "CONNECTED"), (s(120, 1200), "ENDED"),
                        (acw, "CLEAR")]
            return ContactSpec(channel, method, queue, queued, initial,
                               "INCOMING", plan)
        method = rng.choices(("API", "TRANSFER"), (90, 10))[0]
        if method == "TRANSFER":
            initial = new_uuid(rng)
        queue = rng.choice(self.profile.queues_for(channel))
        plan = [(s(3, 20), "CONNECTED")]
        if rng.random() < 0.4:
            plan += [(s(60, 400), "PAUSED"), (s(60, 600), "CONNECTED")]
            for _ in range(rng.randint(0, 2) if self.world.rich else 0):
                plan += [(s(30, 300), "PAUSED"), (s(30, 300), "CONNECTED")]
        plan += [(s(120, 900), "ENDED"), (acw, "CLEAR")]
        return ContactSpec(channel, method, queue, s(60, 3600), initial,
                           "INCOMING", plan)


def _rich_voice(self, s, acw):
    """--rich-contacts: a call abandoned while ringing, one that fails after
    connecting, or one with several holds; None: an ordinary call."""
    r = self.rng.random()
    if r < 0.05:
        return [(s(3, 15), "CLEAR")]
    if r < 0.09:
        return [(s(2, 12), "CONNECTED"), (s(20, 200), "ERROR"),
                (s(5, 30), "CLEAR")]
    if r < 0.3:
        plan = [(s(2, 12), "CONNECTED")]
        for _ in range(self.rng.randint(2, 4)):
            plan += [(s(20, 120), "CONNECTED_ONHOLD"), (s(15, 150),
                                                        "CONNECTED")]
        return plan + [(s(20, 300), "ENDED"), (acw, "CLEAR")]
    return None


Agent.rich_voice = _rich_voice


def random_agents(world, seed, count, hours):
    agents = []
    days = max(1, int((hours * HOUR + 24 * HOUR - 1) // (24 * HOUR)))
    for i in range(count):
        rng = random.Random("agentev:%s:agent:%d" % (seed, i))
        kind = "voice" if rng.random() < 0.6 else "digital"
        version = ("2017-10-01" if kind == "voice" and rng.random() < 0.3
                   else "2019-05-25")
        has_type = rng.random() < 0.5
        login_prev_null = rng.random() < 0.5
        enqueue_key = ("EnqueueTimestamp" if rng.random() < 0.2
                       else "EnqueuedTimestamp")
        if world.varied:
            levels = rng.randint(1, 5)
            profs = rng.randint(1, 8) if version == "2019-05-25" else 0
        else:
            levels = (rng.choice((1, 2, 3)) if rng.random() < 0.4 else 0)
            profs = (rng.randint(1, 3) if version == "2019-05-25" and
                     rng.random() < 0.25 else 0)
        agent = Agent(world, i, rng, kind, version,
                      has_type=has_type,
                      login_prev_null=login_prev_null,
                      enqueue_key=enqueue_key,
                      hierarchy_levels=levels,
                      proficiencies=profs,
                      agent_queue_in_profile=rng.random() < 0.5,
                      auto=True)
        for day in range(days):
            day_start = world.start + day * 24 * HOUR
            span = min(world.end - day_start, 24 * HOUR)
            login = day_start + rng.randint(5 * SECOND,
                                            max(int(span * 0.7), 10 * SECOND))
            length = rng.randint(int(6.5 * HOUR), 9 * HOUR)
            agent.plan_shift(login, length)
        agents.append(agent)
    return agents


# --- the scripted shift ----------------------------------------------------

def shift_agents(world, seed):
    """A short morning of four agents that shows every situation the tool
    must handle; see samples/README."""
    base = world.start
    spec_rng = random.Random("agentev:%s:shift" % seed)

    def ms(seconds):
        # Script times are whole seconds; real events carry milliseconds.
        return base + seconds * SECOND + spec_rng.randint(0, 999)

    def d(seconds):
        return seconds * SECOND + spec_rng.randint(0, 999)

    def agent(i, kind, version, has_type, prev_null, key, levels, profs,
              own_queue):
        rng = random.Random("agentev:%s:shift-agent:%d" % (seed, i))
        return Agent(world, i, rng, kind, version, has_type, prev_null, key,
                     levels, profs, own_queue, auto=False)

    q = world.queues
    # José: voice, 2019 format with AgentStatus.Type, hierarchy and
    # proficiencies; PreviousAgentSnapshot null on LOGIN/LOGOUT.
    jose = agent(0, "voice", "2019-05-25", True, True, "EnqueuedTimestamp",
                3, 2, True)
    # Priya: chats and tasks, 2019 format without Type; no
    # PreviousAgentSnapshot on LOGIN/LOGOUT.
    priya = agent(10, "digital", "2019-05-25", False, False,
                 "EnqueuedTimestamp", 0, 0, False)
    # Chloé: voice, 2017 format, logs in while in Training set before login.
    chloe = agent(4, "voice", "2017-10-01", False, False, "EnqueueTimestamp",
                  1, 0, False)
    # Mei: voice, 2019 format with Type; goes Offline without logging out,
    # logs out normally, heartbeats go on afterwards.
    mei = agent(6, "voice", "2019-05-25", True, True,
                   "EnqueuedTimestamp", 0, 0, True)
    jose.set_profile(world.voice_profiles[0])
    priya.set_profile(world.digital_profiles[0])
    chloe.set_profile(world.voice_profiles[1])
    mei.set_profile(world.voice_profiles[0])

    def voice(method, queue, plan, queued=40, first="INCOMING", initial=None):
        return ContactSpec("VOICE", method, queue,
                           None if queued is None else d(queued), initial,
                           first, [(d(a), b) for a, b in plan])

    def chat(plan, queue=None, method="API"):
        return ContactSpec("CHAT", method, queue or q["Chat Support"], d(20),
                           None, "INCOMING", [(d(a), b) for a, b in plan])

    def task(plan):
        return ContactSpec("TASK", "API", q["Back Office Tasks"], d(900),
                           None, "INCOMING", [(d(a), b) for a, b in plan])

    # José: hold, a config change that shows nothing during ACW, a missed
    # call, an outbound call, Break chosen on a call (NextAgentStatus), a
    # transfer to his agent queue with a routing-profile change during ACW,
    # and ACW still open at the end.
    jose.at(ms(21), jose.act_login)
    jose.at(ms(34), jose.act_status, "Available")
    jose.at(ms(70), jose.act_offer, voice("INBOUND", q["Support"], [
        (6, "CONNECTED"), (70, "CONNECTED_ONHOLD"), (35, "CONNECTED"),
        (48, "ENDED"), (27, "CLEAR")]))
    jose.at(ms(245), jose.act_config, "nothing")          # during ACW
    jose.at(ms(300), jose.act_offer, voice("INBOUND", q["Billing"], [
        (18, "MISSED"), (9, "CLEAR")]))
    jose.at(ms(395), jose.act_offer, voice("OUTBOUND", q["Outbound"], [
        (11, "CONNECTED"), (95, "ENDED"), (38, "CLEAR")], queued=None,
        first="CONNECTING"))
    jose.at(ms(560), jose.act_offer, voice("INBOUND", q["BasicQueue"], [
        (4, "CONNECTED"), (150, "ENDED"), (31, "CLEAR")]))
    jose.at(ms(640), jose.act_status, "Break")            # NextAgentStatus
    jose.at(ms(560 + 4 + 150 + 31 + 600), jose.act_status, "Available")
    jose.at(ms(1410), jose.act_offer, voice(
        "TRANSFER", jose.own_queue, [
            (5, "CONNECTED"), (110, "ENDED"), (50, "CLEAR")],
        initial=new_uuid(spec_rng)))
    jose.at(ms(1545), jose.act_config, "profile")         # during ACW
    jose.at(ms(1610), jose.act_offer, voice("CALLBACK", q["Sales, EMEA"], [
        (7, "CONNECTED"), (100, "CONNECTED_ONHOLD"), (20, "CONNECTED"),
        (60, "ENDED"), (45, "CLEAR")]))
    jose.at(ms(1905), jose.act_offer, voice("INBOUND", q["Retention"], [
        (3, "CONNECTED"), (90, "ENDED"), (600, "CLEAR")]))  # ACW still open

    # Priya: three concurrent chats, a rejected chat, a task that pauses,
    # a break that clears two chats in ACW, and a lunch whose STATE_CHANGE
    # went missing (only the next HEART_BEAT shows it).
    priya.at(ms(62), priya.act_login)
    priya.at(ms(79), priya.act_status, "Available")
    priya.at(ms(100), priya.act_offer, chat([
        (4, "CONNECTED"), (260, "ENDED"), (22, "CLEAR")]))
    priya.at(ms(160), priya.act_offer, chat([
        (6, "CONNECTED"), (330, "ENDED"), (70, "CLEAR")],
        queue=q["Billing"]))
    priya.at(ms(215), priya.act_offer, chat([
        (3, "CONNECTED"), (290, "ENDED"), (44, "CLEAR")],
        method="TRANSFER"))
    priya.at(ms(640), priya.act_offer, chat([(7, "REJECTED"), (5, "CLEAR")]))
    priya.at(ms(700), priya.act_offer, task([
        (9, "CONNECTED"), (80, "PAUSED"), (100, "CONNECTED"),
        (70, "ENDED"), (33, "CLEAR")]))
    priya.at(ms(760), priya.act_offer, chat([
        (5, "CONNECTED"), (150, "ENDED"), (300, "CLEAR")],
        queue=q["Billing"]))
    priya.at(ms(800), priya.act_offer, chat([
        (6, "CONNECTED"), (124, "ENDED"), (300, "CLEAR")]))
    # Choosing Break clears both chats in ACW in one event.
    priya.at(ms(1000), priya.act_status, "Break")
    priya.at(ms(1300), priya.act_status, "Available")
    priya.at(ms(1320), priya.act_status, "Lunch", True)   # STATE_CHANGE lost
    priya.at(ms(1920), priya.act_status, "Available")
    priya.at(ms(1940), priya.act_offer, chat([
        (4, "CONNECTED"), (300, "ENDED"), (30, "CLEAR")]))
    priya.at(ms(1960), priya.act_offer, chat([
        (8, "CONNECTED"), (200, "ENDED"), (40, "CLEAR")]))

    # Chloé: Training set before login, an ERROR contact, logout in ACW.
    chloe.at(ms(30), chloe.act_login, "Training", 9 * MINUTE + 12 * SECOND)
    chloe.at(ms(600), chloe.act_status, "Available")
    chloe.at(ms(660), chloe.act_offer, voice("INBOUND", q["Retention"], [
        (3, "ERROR"), (12, "CLEAR")]))
    chloe.at(ms(720), chloe.act_offer, voice("QUEUE_TRANSFER",
                                             q["Sales, EMEA"], [
        (5, "CONNECTED"), (100, "ENDED"), (15, "CLEAR")]))
    chloe.at(ms(870), chloe.act_offer, voice("INBOUND", q["Sales, EMEA"], [
        (9, "CONNECTED"), (115, "ENDED"), (300, "CLEAR")]))
    chloe.at(ms(870 + 9 + 115 + 20), chloe.act_logout)   # in ACW

    # Mei: Offline without logout, coaching, a normal logout with heartbeats
    # after it, and a second session.
    mei.at(ms(12), mei.act_login)
    mei.at(ms(27), mei.act_status, "Available")
    mei.at(ms(50), mei.act_offer, voice("INBOUND", q["Support"], [
        (5, "CONNECTED"), (105, "ENDED"), (12, "CLEAR")]))
    mei.at(ms(200), mei.act_status, "Offline")
    mei.at(ms(200 + 290), mei.act_status, "Available")
    mei.at(ms(520), mei.act_offer, voice("API", q["Billing"], [
        (2, "CONNECTED"), (85, "ENDED"), (19, "CLEAR")]))
    mei.at(ms(700), mei.act_status, 'Coaching "1:1"')
    mei.at(ms(700 + 230), mei.act_status, "Available")
    mei.at(ms(960), mei.act_offer, voice("INBOUND", q["BasicQueue"], [
        (6, "CONNECTED"), (60, "CONNECTED_ONHOLD"), (30, "CONNECTED"),
        (40, "ENDED"), (20, "CLEAR")]))
    mei.at(ms(1140), mei.act_status, "Offline")
    mei.at(ms(1165), mei.act_logout)
    mei.at(ms(1750), mei.act_login)                     # second session
    mei.at(ms(1762), mei.act_status, "Available")
    mei.at(ms(1800), mei.act_offer, voice("INBOUND", q["Support"], [
        (4, "CONNECTED"), (95, "ENDED"), (21, "CLEAR")]))

    # Duplicates: one delivered twice in a row, one again minutes later.
    jose.at(ms(74), setattr_action(jose, "force_dup", "next"))
    priya.at(ms(400), setattr_action(priya, "force_dup", "later"))
    mei.at(ms(1164), setattr_action(mei, "force_dup", "later"))
    return [jose, priya, chloe, mei]


def setattr_action(obj, name, value):
    def action(t):
        setattr(obj, name, value)
    return action


# --- output ----------------------------------------------------------------

def write_events(agents, seed, dup_rate, out, log=None):
    """Merge the agents' events in time order and write them, delivering
    some twice (right after, or a few minutes later in the stream).  With
    a list as log, append (EventTimestamp, agent index) of each line, in
    the order written."""
    rng = random.Random("agentev:%s:duplicates" % seed)
    later = []            # (due time, sequence, line)
    sequence = 0
    buffer = []
    size = 0
    count = 0
    clock = None
    for t, index, line, forced in heapq.merge(*(a.run() for a in agents)):
        clock = t
        while later and later[0][0] <= t:
            due, _, dup, dup_time, dup_index = heapq.heappop(later)
            buffer.append(dup)
            count += 1
            if log is not None:
                log.append((dup_time, dup_index))
        buffer.append(line)
        count += 1
        if log is not None:
            log.append((t, index))
        size += len(line)
        r = rng.random()
        mode = forced
        if mode is None and r < dup_rate:
            mode = "next" if rng.random() < 0.5 else "later"
        if mode == "next":
            buffer.append(line)
            count += 1
            if log is not None:
                log.append((t, index))
        elif mode == "later":
            due = t + rng.randint(2 * MINUTE, 8 * MINUTE)
            heapq.heappush(later, (due, sequence, line, t, index))
            sequence += 1
        if size > 1 << 20:
            out.write(("\n".join(buffer) + "\n").encode("utf-8"))
            buffer = []
            size = 0
    while later:
        due, _, dup, dup_time, dup_index = heapq.heappop(later)
        buffer.append(dup)
        count += 1
        if log is not None:
            log.append((dup_time, dup_index))
    if buffer:
        out.write(("\n".join(buffer) + "\n").encode("utf-8"))
    return count, clock


def open_contact_rows(world):
    """The contacts still with their agents at the end: each state so far
    counts up to the newest EventTimestamp of the stream (the clock)."""
    for agent, c in world.open_contacts:
        if world.clock is not None:
            agent.contact_state_end(c, world.clock)
        world.contact_rows.append(agent.contact_fields(c) +
                                  ["", "", "", "OPEN", ""])


def write_csv(path, header, rows):
    lines = sorted((",".join(csv_field(f) for f in row)).encode("utf-8")
                   for row in rows)
    with open(path, "wb") as f:
        f.write(header.encode("ascii") + b"\n")
        for line in lines:
            f.write(line + b"\n")



# --- schedules and adherence (--schedule) -----------------------------------
#
# The schedule is made after the simulation, from what each agent did (its
# status.csv rows), with a random.Random of its own, so the events and the
# other expected files are the same with or without it:
#  - Work over each login session, starting a few minutes before or after
#    the LOGIN (a late login is out of adherence, an early one unscheduled
#    time); the Work of a session that ends the agent's day runs 10 to 20
#    minutes past its LOGOUT (logged out in a segment is out of adherence);
#  - the agent's own Break, Lunch, Training and 'Coaching "1:1"' moved and
#    stretched by up to 3 minutes at each end (partial adherence), in any
#    case (break, LUNCH), a few left out (Work over them: out), some
#    Training written as a Meeting (a name no status has: always out);
#  - per day, a Break and a Meeting planted where an agent stays Available
#    and logged in, each for another agent (a skipped break: out for the
#    whole segment, with no event of that agent at its start or end);
#  - the last agent left without a schedule, and two usernames that are
#    scheduled and never log in.
# Times are whole minutes, within the generated period.  No boundary falls
# between a lost STATE_CHANGE and the heartbeat that reveals it: there what
# a reader of the events knows differs from what happened (see below).
#
# The truth follows the rules of agentev's adherence table and its
# adherence>D alert rule (the manual, and the "Schedules" decision):
#  - up to the clock C, the newest EventTimestamp; nothing at or after C;
#  - an agent is logged out before its first event F and outside its
#    sessions (status.csv); in a segment it adheres while logged in with a
#    ROUTABLE status (Work, any case) or with the status named as the
#    activity (other activities, ASCII case aside); UNKNOWN never adheres;
#    time logged in outside every segment is unscheduled;
#  - a stretch is a run of out-of-adherence time within one segment.

SCHEDULE_HEADER = "username,activity,start,end,team"
# Scheduled, never in the events: (username, start as a fraction of the
# generated period).  Usernames that gen.py never gives an agent.
NEVER_SEEN = (("sam.kowalski", 0.15), ("nadia.haddad", 0.35))
# The statuses the schedule has segments for (the others are left to Work).
SCHEDULED_STATUSES = ("Break", "Lunch", "Training", 'Coaching "1:1"')
# Planted per day while the agent is Available: (activity, length).
PLANTED = (("Break", 10 * MINUTE), ("Meeting", 15 * MINUTE))
# The team column, which agentev ignores (one needs quotes).
TEAMS = ("Team Alpha", "Sales, EMEA", "Nightingale")
# Offsets some schedule times are written with, in minutes east of UTC.
OFFSETS = (60, 60, 60, -300, 330)


def floor_minute(ms):
    return ms // MINUTE * MINUTE


def ceil_minute(ms):
    return -(-ms // MINUTE) * MINUTE


def fold(text):
    """ASCII case folding, as agentev compares names (strcasecmp)."""
    return text.encode("utf-8").lower().decode("utf-8")


def status_spans(world):
    """Each username's status.csv rows in time order, as [start, end, name,
    type, ended_by] with end None while still OPEN (an UNKNOWN row, which
    gen.py never writes, would have an empty name)."""
    spans = {}
    for r in world.status_rows:
        spans.setdefault(r[1], []).append(
            [parse_iso(r[4]), parse_iso(r[5]) if r[5] else None, r[2], r[3],
             r[7]])
    for rows in spans.values():
        rows.sort()
    return spans


def sessions_of(rows, clock):
    """The login sessions in status rows (runs of rows that touch): [(login,
    end, ended_by, [(start, end, name)])], an OPEN session ending at the
    clock."""
    sessions = []
    for s, e, name, _, how in rows:
        e = clock if e is None else e
        if sessions and sessions[-1][1] == s:
            sessions[-1][1] = e
            sessions[-1][2] = how
            sessions[-1][3].append((s, e, name))
        else:
            sessions.append([s, e, how, [(s, e, name)]])
    return sessions


def make_schedule(world, agents, log, seed):
    """The schedule, [(username, start, end, activity)] in file order: the
    agents' segments grouped by agent, each agent's in time order, then the
    scheduled usernames that never log in."""
    rng = random.Random("agentev:%s:schedule" % seed)
    spans = status_spans(world)
    lo = ceil_minute(world.start)
    hi = floor_minute(world.end)
    hidden = {}                         # agent index: [(start, reveal)]
    for index, start, reveal in world.hidden:
        hidden.setdefault(index, []).append((start, reveal))
    own = {}                            # agent index: its event times
    for t, index in log:
        own.setdefault(index, set()).add(t)
    planted = {}                        # day: {activity: username}

    def work():
        return rng.choice(("Work", "Work", "Work", "work", "WORK"))

    rows = []
    for agent in (agents[:-1] if len(agents) > 1 else agents):
        sessions = sessions_of(spans.get(agent.username, []), world.clock)
        segs = []
        for k, (s, e, how, inner) in enumerate(sessions):
            t = floor_minute(s) + rng.choice((-5, -2, 0, 3, 6)) * MINUTE
            later = sessions[k + 1][0] if k + 1 < len(sessions) else None
            if how == "LOGOUT" and (later is None or later - e > 2 * HOUR):
                end = floor_minute(e) + rng.randint(10, 20) * MINUTE
            else:
                end = floor_minute(e) + rng.choice((-4, 0, 2)) * MINUTE
            for a, b, name in inner:
                day = (a - world.start) // (24 * HOUR)
                if name == "Available":
                    # plant what this day lacks, well inside the status,
                    # one segment an agent
                    done = planted.setdefault(day, {})
                    todo = [p for p in PLANTED if p[0] not in done]
                    x = ceil_minute(a + 15 * MINUTE)
                    if not todo or agent.username in done.values() or \
                            b - a < 40 * MINUTE or x < t:
                        continue
                    act, length = todo[0]
                    mine = own.get(agent.index, ())
                    if x in mine or x + length in mine:
                        continue        # an event at a boundary: not here
                    if x > t:
                        segs.append((t, x, work()))
                    segs.append((x, x + length, act))
                    done[act] = agent.username
                    t = x + length
                    continue
                if name not in SCHEDULED_STATUSES or rng.random() < 0.15:
                    continue            # left to Work
                x = max(t, floor_minute(a) + rng.randint(-3, 3) * MINUTE)
                y = floor_minute(b) + rng.randint(-3, 3) * MINUTE
                if y <= x:
                    continue
                act = rng.choice((name, name, name.lower(), name.upper()))
                if name == "Training" and rng.random() < 0.3:
                    act = "Meeting"
                if x > t:
                    segs.append((t, x, work()))
                segs.append((x, y, act))
                t = y
            if end > t:
                segs.append((t, end, work()))
        # Boundaries leave the windows of hidden changes (to the next
        # minute after the reveal), and the generated period; touching
        # stays touching, and a segment left empty goes.
        clean = []
        for a, b, act in segs:
            a, b = (unhide(x, hidden.get(agent.index, ())) for x in (a, b))
            a, b = max(a, lo), min(b, hi)
            if clean and a < clean[-1][1]:
                a = clean[-1][1]
            if b > a:
                clean.append((a, b, act))
        rows.extend((agent.username, a, b, act) for a, b, act in clean)
    span = hi - lo
    for name, at in NEVER_SEEN:
        t = lo + floor_minute(int(span * at))
        for length, act in ((min(2 * HOUR, span // 4), "Work"),
                            (15 * MINUTE, "Break"), (HOUR, "work")):
            a, b = t, min(floor_minute(t + length), hi)
            if b > a:
                rows.append((name, a, b, act))
            t = b
    return rows


def unhide(t, windows):
    """t, or the next whole minute after the reveal of a hidden status
    change whose window [status start, reveal] holds t."""
    moved = True
    while moved:
        moved = False
        for start, reveal in windows:
            if start <= t <= reveal:
                t = ceil_minute(reveal + 1)
                moved = True
    return t


def schedule_time(ms, rng):
    """ISO 8601 of a whole-second time: most in UTC (Z), some with an
    offset (the same instant)."""
    if rng.random() < 0.15:
        off = rng.choice(OFFSETS)
        return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(
            ms // 1000 + off * 60)) + "%s%02d:%02d" % (
                "+" if off >= 0 else "-", abs(off) // 60, abs(off) % 60)
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(ms // 1000))


def write_schedule(path, rows, seed):
    rng = random.Random("agentev:%s:schedule-times" % seed)
    with open(path, "wb") as f:
        f.write(SCHEDULE_HEADER.encode("ascii") + b"\n")
        for user, s, e, act in rows:
            f.write((",".join(csv_field(x) for x in (
                user, act, schedule_time(s, rng), schedule_time(e, rng),
                TEAMS[len(user) % len(TEAMS)])) + "\n").encode("utf-8"))


def parse_duration(text):
    """(text, milliseconds) of a duration as agentev's rules write it: an
    integer with ms, s, m, h or d, or a sum of them (1h30m)."""
    units = {"ms": 1, "s": SECOND, "m": MINUTE, "h": HOUR, "d": 24 * HOUR}
    parts = re.findall(r"(\d+)(ms|s|m|h|d)", text)
    if not parts or "".join(n + u for n, u in parts) != text:
        raise argparse.ArgumentTypeError(
            "expected a duration such as 90s, 5m or 1h30m, got %r" % text)
    return text, sum(int(n) * units[u] for n, u in parts)


def ratio_text(num, den):
    """num / den with four places, rounded half up; empty when den is 0."""
    if den == 0:
        return ""
    q = (2 * num * 10000 + den) // (2 * den)
    return "%d.%04d" % divmod(q, 10000)


class Adherence:
    """What the schedule says of each agent, worked out from the
    simulation: the sums of its row and its stretches out of adherence.

    The clock values agentev goes through are the running maxima of the
    EventTimestamps in stream order (a duplicate delivered later does not
    move it).  A stretch is [segment, start, end, by, known]: end None
    while still out at the clock; by "segment" when its segment ended it,
    known then the first clock value at or after that end (agentev passes
    a boundary when its clock does); by "agent" when the agent's own change
    (LOGIN, status) ended it, known then the EventTimestamp of the event
    that shows the change: its time, or for a lost STATE_CHANGE the
    heartbeat that reveals it (the status still changed at its
    StartTimestamp, which is where the stretch ends)."""

    def __init__(self, world, agents, log, sched):
        self.clock = clock = world.clock
        self.ticks = []
        for t, _ in log:
            if not self.ticks or t > self.ticks[-1]:
                self.ticks.append(t)
        first, order = {}, []
        names = {a.index: a.username for a in agents}
        self.first_clock = {}           # username: the clock value as its
        high = None                     # first event comes
        for t, index in log:
            high = t if high is None or t > high else high
            if index not in first:
                first[index] = t
                order.append(index)
                self.first_clock[names[index]] = high
        reveals = {}                    # (agent index, status start): reveal
        for index, start, reveal in world.hidden:
            reveals[(index, start)] = reveal
        by_user = {}
        for user, s, e, act in sched:
            by_user.setdefault(user, []).append((s, e, act))
        for segs in by_user.values():
            segs.sort()
        spans = status_spans(world)
        # agents with events in first-seen order, then scheduled usernames
        # with none in the order the schedule first names them
        self.agents = []                # [arn, user, sums, segs, stretches,
        #                                  first event, reveals of its own]
        by_index = {a.index: a for a in agents}
        for index in order:
            a = by_index[index]
            segs = by_user.get(a.username, [])
            mine = {s: r for (i, s), r in reveals.items() if i == index}
            sums, stretches = self.follow(
                segs, spans.get(a.username, []), first[index], mine)
            self.agents.append([a.arn, a.username, sums, segs, stretches,
                                first[index], mine])
        seen = {by_index[i].username for i in order}
        for user in dict.fromkeys(u for u, _, _, _ in sched):
            if user in seen:
                continue
            segs = by_user[user]
            sums = dict.fromkeys(("sch", "in", "out", "pres", "uns"), 0)
            stretches = []
            for k, (s, e, _) in enumerate(segs):
                if s >= clock:
                    continue
                sums["sch"] += min(e, clock) - s
                sums["out"] += min(e, clock) - s
                stretches.append([k, s, e if e <= clock else None,
                                  "segment", None])
            self.agents.append(["", user, sums, segs, stretches, None, {}])

    def follow(self, segs, rows, f, reveals):
        """The sums and stretches of an agent with events: from its first
        event f on, logged in with the status of its rows."""
        clock = self.clock

        def state(t):
            """(name, type) at instant t, or None: logged out."""
            if t < f:
                return None
            for s, e, name, kind, _ in rows:
                if s <= t and (e is None or t < e):
                    return name, kind
            return None

        def adheres(st, act):
            if st is None or not st[0] or st[1] == "UNKNOWN":
                return False
            if fold(act) == "work":
                return st[1] == "ROUTABLE"
            return fold(st[0]) == fold(act)

        def segment(t):
            for k, (s, e, _) in enumerate(segs):
                if s <= t < e:
                    return k
            return None

        def close(run, t):
            k, s = run
            if t == segs[k][1]:
                return [k, s, t, "segment", self.tick_at_or_after(t)]
            return [k, s, t, "agent", reveals.get(t, t)]

        cuts = {f, clock}
        for s, e, _ in segs:
            cuts.update((s, e))
        for s, e, _, _, _ in rows:
            cuts.add(s)
            if e is not None:
                cuts.add(e)
        cuts = sorted(c for c in cuts if c <= clock)
        sums = dict.fromkeys(("sch", "in", "out", "pres", "uns"), 0)
        stretches = []
        run = None                      # [segment, start] out of adherence
        for t0, t1 in zip(cuts, cuts[1:]):
            k, st = segment(t0), state(t0)
            if run and (k != run[0] or adheres(st, segs[k][2])):
                stretches.append(close(run, t0))
                run = None
            if k is None:
                if st is not None:
                    sums["uns"] += t1 - t0
                continue
            ok = adheres(st, segs[k][2])
            sums["sch"] += t1 - t0
            sums["in" if ok else "out"] += t1 - t0
            if st is not None:
                sums["pres"] += t1 - t0
            if not ok and run is None:
                run = [k, t0]
        if run:
            k = run[0]
            if segs[k][1] == clock or adheres(state(clock), segs[k][2]):
                # its segment, or the agent's event at the clock, ends it
                stretches.append(close(run, clock))
            else:
                stretches.append([k, run[1], None, None, None])
        return sums, stretches

    def tick_at_or_after(self, t):
        i = bisect.bisect_left(self.ticks, t)
        return self.ticks[i] if i < len(self.ticks) else None

    def tick_after(self, t, floor):
        """The first clock value after t and not before floor."""
        i = max(bisect.bisect_right(self.ticks, t),
                bisect.bisect_left(self.ticks, floor))
        return self.ticks[i] if i < len(self.ticks) else None

    def table(self, threshold):
        """adherence.csv: exceptions are the stretches longer than
        threshold."""
        out = []
        for arn, user, sums, segs, stretches, _, _ in self.agents:
            sch = sums["sch"]
            exceptions = sum(
                1 for _, s, e, _, _ in stretches
                if (self.clock if e is None else min(e, self.clock)) - s >
                threshold)
            out.append([arn, user, "", seconds_text(sch),
                        seconds_text(sums["in"]), seconds_text(sums["out"]),
                        ratio_text(sums["in"], sch),
                        seconds_text(sums["pres"]),
                        seconds_text(sums["uns"]),
                        ratio_text(sums["pres"] + sums["uns"], sch),
                        str(exceptions)])
        return out

    def stretch_rows(self):
        """adherence-stretches.csv: the stretches of the agents with
        events."""
        out = []
        for arn, user, _, segs, stretches, _, _ in self.agents:
            if not arn:
                continue
            for k, s, e, _, known in stretches:
                out.append([arn, user, segs[k][2], iso(s),
                            "" if e is None else iso(e),
                            "" if known is None else iso(known)])
        return out

    def alert_rows(self, threshold, rule):
        """adherence-alert.csv: what alert -a 'adherence>D' writes.

        A stretch is RAISED at the first clock value c after since + D
        (since: its start), if it lasted longer than D: still out at the
        clock; or ended by its segment at end with end - since > D, raised
        at c or at end, whichever is sooner (passing a boundary closes the
        stretch before the check at that clock value: one that passed D in
        between is raised at its end and cleared there); or ended by the
        agent's own event at known with c <= known (the check at an event's
        time comes before the event).  c is not before the first clock
        value t0, nor before the reveal of the lost STATE_CHANGE that began
        it (agentev knows it from there).  CLEARED at the stretch's end,
        with value end - since.  So a stretch its segment ended before t0
        (or at it) is raised and cleared at its end.

        Until the clock value F at which its first event comes, a
        scheduled agent is absent: logged out, each segment a stretch from
        its start, with agent_arn empty in its rows (agentev does not know
        it yet); a scheduler username that never appears stays so.  The
        stretch open at F goes on as the agent's (it is the same: logged
        out from the segment's start), raised before F with agent_arn
        empty, after it with the agent's; the first event is checked at F
        (it ends the stretch when it adheres)."""
        out = []
        t0 = self.ticks[0]
        for arn, user, _, segs, stretches, f, reveals in self.agents:
            first = self.first_clock.get(user) if arn else None
            for k, s, e, by, known in stretches:
                c = self.tick_after(s + threshold,
                                    max(t0, reveals.get(s, t0)))
                if by == "segment" and e is not None and (c is None or
                                                          e < c):
                    c = e
                if by == "agent" and first is not None and s <= first:
                    known = max(known, first)
                if c is None or not (
                        e is None or
                        (by == "segment" and e - s > threshold) or
                        (by == "agent" and c <= known)):
                    continue
                act = segs[k][2]
                out.append([iso(c), arn if first is not None and
                            c > first else "", user, rule, "RAISED", act,
                            iso(s), seconds_text(c - s)])
                if e is not None:
                    out.append([iso(e), arn if first is not None and not (
                        by == "segment" and e <= first) else "", user,
                        rule, "CLEARED", act, iso(s), seconds_text(e - s)])
        return out


def write_rows(path, header, rows):
    """CSV rows in the order given (write_csv sorts)."""
    with open(path, "wb") as f:
        f.write(header.encode("ascii") + b"\n")
        for row in rows:
            f.write((",".join(csv_field(x) for x in row) + "\n")
                    .encode("utf-8"))


def main():
    p = argparse.ArgumentParser(
        description="Generate a deterministic day of Amazon Connect agent "
        "events as NDJSON on standard output.")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--agents", type=int, default=20)
    p.add_argument("--hours", type=float, default=24.0)
    p.add_argument("--start", type=parse_iso,
                   default=parse_iso("2026-11-04T06:00:00Z"))
    p.add_argument("--dup-rate", type=float, default=0.01)
    p.add_argument("--expect-dir")
    p.add_argument("--rich-contacts", action="store_true",
                   help="also several holds and pauses, abandoned calls and "
                   "calls that fail after connecting")
    p.add_argument("--scenario", choices=("random", "shift"),
                   default="random",
                   help="shift: the fixed four-agent sample of samples/ "
                   "(ignores --agents and --hours)")
    p.add_argument("--schedule", metavar="FILE",
                   help="also write a schedule for the day (CSV) made from "
                   "what the agents did; with --expect-dir also "
                   "adherence.csv and adherence-stretches.csv")
    p.add_argument("--adherence-alert", metavar="DURATION",
                   type=parse_duration, default=None,
                   help="with --schedule and --expect-dir: also "
                   "adherence-alert.csv, the rows of alert -a "
                   "'adherence>DURATION', and adherence.csv's exceptions "
                   "over DURATION only (5m, 90s, 1h30m, ...)")
    p.add_argument("--varied", action="store_true",
                   help="events as varied as can be: every agent has "
                   "routing profiles of its own (from 48 queues), up to "
                   "five hierarchy levels and up to 8 proficiencies")
    args = p.parse_args()
    signal.signal(signal.SIGPIPE, signal.SIG_DFL)
    if args.agents < 1 or args.hours <= 0 or not 0 <= args.dup_rate <= 1:
        p.error("need --agents >= 1, --hours > 0, 0 <= --dup-rate <= 1")
    if args.adherence_alert is not None and not (args.schedule and
                                                 args.expect_dir):
        p.error("--adherence-alert needs --schedule and --expect-dir")

    if args.scenario == "shift":
        world = World(args.seed, args.start, args.start + 40 * MINUTE,
                      args.rich_contacts)
        agents = shift_agents(world, args.seed)
    else:
        world = World(args.seed, args.start,
                      args.start + int(args.hours * HOUR), args.rich_contacts,
                      args.varied)
        agents = random_agents(world, args.seed, args.agents, args.hours)
    log = [] if args.schedule else None
    _, world.clock = write_events(agents, args.seed, args.dup_rate,
                                  sys.stdout.buffer, log)
    sys.stdout.buffer.flush()
    if args.schedule:
        sched = make_schedule(world, agents, log, args.seed)
        write_schedule(args.schedule, sched, args.seed)

    if args.expect_dir:
        os.makedirs(args.expect_dir, exist_ok=True)
        write_csv(os.path.join(args.expect_dir, "acw.csv"),
                  "agent_arn,username,contact_id,channel,initiation_method,"
                  "queue,acw_start,acw_end,duration_s,ended_by",
                  world.acw_rows)
        write_csv(os.path.join(args.expect_dir, "status.csv"),
                  "agent_arn,username,status,status_type,start,end,"
                  "duration_s,ended_by", world.status_rows)
        open_contact_rows(world)
        write_csv(os.path.join(args.expect_dir, "contacts.csv"),
                  "agent_arn,username,contact_id,initial_contact_id,channel,"
                  "initiation_method,queue,offered,connected,ring_s,talk_s,"
                  "hold_s,holds,acw_s,handle_s,ended,outcome,bucket_start",
                  world.contact_rows)
        write_csv(os.path.join(args.expect_dir, "sessions.csv"),
                  "agent_arn,username,login,logout,duration_s,ended_by,"
                  "first_status,contacts_handled,first_event,bucket_start",
                  world.session_rows)
        if args.schedule:
            truth = Adherence(world, agents, log, sched)
            text, threshold = args.adherence_alert or ("", 0)
            write_rows(os.path.join(args.expect_dir, "adherence.csv"),
                       "agent_arn,username,bucket_start,scheduled_s,"
                       "in_adherence_s,out_of_adherence_s,adherence,"
                       "logged_in_scheduled_s,unscheduled_s,conformance,"
                       "exceptions", truth.table(threshold))
            write_csv(os.path.join(args.expect_dir,
                                   "adherence-stretches.csv"),
                      "agent_arn,username,activity,start,end,known",
                      truth.stretch_rows())
            if args.adherence_alert:
                write_csv(os.path.join(args.expect_dir,
                                       "adherence-alert.csv"),
                          "time,agent_arn,username,rule,state,subject,"
                          "since,value",
                          truth.alert_rows(threshold, "adherence>" + text))


if __name__ == "__main__":
    main()
