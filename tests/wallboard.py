#!/usr/bin/env python3
"""wallboard.py: checks of agentev's `now -f html` wallboard, standard library only.

Used by tests/scripts/html-structure.sh (no browser) and tests/browser.sh
(headless Chromium).  What the page must hold is worked out here from the
CSV of the same run (`agentev now`), by the rules the man page gives: one
tile per row, one section per routing profile in name order (none last),
in each the agents who need attention first (Error; Missed or Rejected;
After contact work; silent for more than 5 minutes; each the longest
first), then the other logged-in agents by time in their activity, then
the logged-out ones; counts per activity; the known names' colours.

usage: wallboard.py check HTML CSV       the page against the CSV rows
       wallboard.py ranks HTML           the ranks of the tiles, one per line
       wallboard.py pixels PNG HTML CSV  the screenshot against the tiles
       wallboard.py dom DOM CSV          Chromium's dumped DOM against the rows
       wallboard.py height HTML WIDTH    px a window needs to show every tile
"""

import csv
import html.parser
import os
import sys
import xml.etree.ElementTree as ET

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import svg  # noqa: E402  (read_png, ms, KNOWN)

SILENT_MS = 5 * 60 * 1000
RANKS = ["error", "missed", "acw", "silent", "adherence", "other", "out"]
KNOWN = dict(svg.KNOWN, **{"Logged out": "#dcdcdc", "Unknown": "#c7c7c7"})
LEGEND = ["Available", "Incoming", "On contact", "After contact work",
          "Missed", "Rejected", "Error", "Offline", "Unknown", "Logged out"]


def fail(msg):
    print("FAIL:", msg)
    sys.exit(1)


def read_rows(path):
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def hms(ms):
    s = ms // 1000
    return "%d:%02d:%02d" % (s // 3600, s // 60 % 60, s % 60)


def msecs(text):
    """activity_s as printed (seconds with three decimals) in ms."""
    whole, _, frac = text.partition(".")
    return int(whole) * 1000 + int(frac)


def shown(s):
    """s as XML can hold it: other control characters, U+FFFE and U+FFFF
    become U+FFFD."""
    if s is None:
        return None
    return "".join("\ufffd" if (ord(c) < 0x20 and c not in "\t\n\r") or
                   c in "\ufffe\uffff" else c for c in s)


def expect(row):
    """What the tile of a CSV row must show, and its place in the order."""
    raw, row = row, {k: shown(v) for k, v in row.items()}
    inn = row["session"] == "LOGGED_IN"
    act = row["activity"] if inn and row["activity"] else \
        "Unknown" if inn else "Logged out"
    t = msecs(row["activity_s"]) if row["activity_s"] else None
    silent = None
    if row["as_of"] and row["last_event"]:
        silent = svg.ms(row["as_of"]) - svg.ms(row["last_event"])
    out = None
    if row.get("out_of_adherence_since") and row["as_of"]:
        out = max(0, svg.ms(row["as_of"]) -
                  svg.ms(row["out_of_adherence_since"]))
    if inn and act == "Error":
        rank = "error"
    elif inn and act in ("Missed", "Rejected"):
        rank = "missed"
    elif inn and act == "After contact work":
        rank = "acw"
    elif inn and silent is not None and silent > SILENT_MS:
        rank = "silent"
    elif out is not None:
        rank = "adherence"
    elif not inn:
        rank = "out"
    else:
        rank = "other"
    key = silent if rank == "silent" else out if rank == "adherence" else t
    return {
        "arn": row["agent_arn"], "user": row["username"] or row["agent_arn"],
        "username": row["username"], "profile": row["routing_profile"] or None,
        "activity": act, "time": hms(t) if t is not None else None,
        "next": row["next_status"] or None, "rank": rank,
        "contacts": int(row["contacts"] or 0),
        "in_acw": int(row["in_acw"] or 0),
        "silent": hms(silent) if inn and silent is not None and
        silent > SILENT_MS else None,
        "adherence": None if out is None else "out %s of %s" %
        (hms(out), row["scheduled_activity"]),
        "sort": (raw["routing_profile"] == "", raw["routing_profile"],
                 RANKS.index(rank),
                 0 if rank == "out" else -(key if key is not None else -1),
                 raw["username"] == "", raw["username"].encode(),
                 raw["agent_arn"].encode()),
        "title": "\n".join("%s: %s" % (k, v) for k, v in row.items()),
    }


def text(e):
    return "".join(e.itertext())


def cls(e):
    return e.get("class", "").split()


def find_class(e, tag, name):
    return [x for x in e.iter(tag) if name in cls(x)]


def para(tile, name):
    p = find_class(tile, "p", name)
    if len(p) > 1:
        fail("tile has %d p.%s" % (len(p), name))
    return text(p[0]) if p else None


def colour_of(style):
    for part in style.split(";"):
        k, _, v = part.partition(":")
        if k.strip() == "background":
            return v.strip()
    return None


def counts_of(p):
    """A p.counts line: (total, {activity: n}) in the order written."""
    total = text(find_class(p, "span", "total")[0])
    attention = find_class(p, "span", "attention")
    attention = text(attention[0]) if attention else None
    got = []
    for s in find_class(p, "span", "count"):
        name = s.get("data-activity")
        shown = text(s.find("bdi"))
        if shown != name:
            fail("count %r shows %r" % (name, shown))
        got.append((name, int(text(s.find("b")))))
    return total, attention, got


def want_counts(tiles):
    n = {}
    for t in tiles:
        n[t["activity"]] = n.get(t["activity"], 0) + 1
    order = sorted(n, key=lambda a: (LEGEND.index(a) if a in LEGEND else
                                     len(LEGEND), a.encode()))
    total = "%d agent%s" % (len(tiles), "" if len(tiles) == 1 else "s")
    need = sum(1 for t in tiles if RANKS.index(t["rank"]) <
               RANKS.index("other"))
    attention = "%d need%s attention" % (need, "s" if need == 1 else "") \
        if need else None
    return total, attention, [(a, n[a]) for a in order]


def parse(path):
    try:
        return ET.parse(path).getroot()
    except ET.ParseError as e:
        fail("%s: not well-formed: %s" % (path, e))


def check(page, csvfile):
    root = parse(page)
    rows = read_rows(csvfile)
    want = sorted((expect(r) for r in rows), key=lambda t: t["sort"])
    # self-contained: no script, no handlers, nothing fetched
    for e in root.iter():
        if e.tag in ("script", "iframe", "object", "embed", "link", "img"):
            fail("a <%s> element" % e.tag)
        for k in e.attrib:
            if k.startswith("on") or k in ("src", "href", "srcset"):
                fail("attribute %s on <%s>" % (k, e.tag))
    if "url(" in text(root.find("head/style")):
        fail("the style fetches something")
    meta = [m for m in root.iter("meta") if m.get("http-equiv") == "refresh"]
    if len(meta) != 1 or not meta[0].get("content", "").isdigit():
        fail("no <meta http-equiv=refresh content=N>")
    # the as-of time at the top
    head = root.find("body/header")
    if head is None:
        fail("no header")
    asof = {r["as_of"] for r in rows}
    t = head.find("h1/time")
    if rows and rows[0]["as_of"]:
        if len(asof) != 1 or t is None or t.get("datetime") != rows[0]["as_of"]:
            fail("as-of %r, the CSV's %r" % (t is not None and
                                             t.get("datetime"), asof))
    elif t is not None:
        fail("an as-of time with no events")
    got = counts_of(find_class(head, "p", "counts")[0])
    if got != want_counts(want):
        fail("page counts %r, expected %r" % (got, want_counts(want)))
    # sections by profile, tiles in order
    sections = find_class(root, "section", "group")
    tiles = []
    for s in sections:
        name = text(s.find("h2"))
        if name != s.get("data-profile"):
            fail("section %r titled %r" % (s.get("data-profile"), name))
        mine = find_class(s, "div", "tile")
        profile = None if name == "(no routing profile)" else name
        w = [x for x in want if x["profile"] == profile]
        if counts_of(find_class(s, "p", "counts")[0]) != want_counts(w):
            fail("section %r counts %r, expected %r" % (
                name, counts_of(find_class(s, "p", "counts")[0]),
                want_counts(w)))
        tiles += [(profile, e) for e in mine]
    if len(tiles) != len(want):
        fail("%d tiles for %d CSV rows" % (len(tiles), len(want)))
    for i, ((profile, e), w) in enumerate(zip(tiles, want)):
        where = "tile %d (%s)" % (i + 1, w["user"])
        if e.get("data-arn") != w["arn"]:
            fail("%s: data-arn %r: the order is wrong (expected %r)" %
                 (where, e.get("data-arn"), w["arn"]))
        if profile != w["profile"]:
            fail("%s in section %r, its profile is %r" %
                 (where, profile, w["profile"]))
        checks = [
            ("rank", RANKS[int(e.get("data-rank"))], w["rank"]),
            ("rank class", w["rank"] in cls(e), True),
            ("user", para(e, "user"), w["user"]),
            ("activity", para(e, "activity"), w["activity"]),
            ("time", para(e, "time"), w["time"]),
            ("next", para(e, "next"), w["next"] and "next: " + w["next"]),
            ("contacts", para(e, "contacts"), None if w["contacts"] == 0
             else "%d contact%s%s" % (w["contacts"], "" if w["contacts"] ==
                                      1 else "s", ", %d in ACW" % w["in_acw"]
                                      if w["in_acw"] else "")),
            ("silent", para(e, "silent"), w["silent"] and "silent " +
             w["silent"]),
            ("title", e.get("title"), w["title"]),
            ("quiet border", "quiet" in cls(e), w["silent"] is not None),
            ("adherence", para(e, "adherence"), w["adherence"]),
        ]
        colour = colour_of(e.get("style", ""))
        if w["activity"] in KNOWN:
            checks.append(("colour", colour, KNOWN[w["activity"]]))
        for what, g, x in checks:
            if g != x:
                fail("%s: %s %r, expected %r" % (where, what, g, x))
        # strings from the input are isolated and are text, not markup
        for p in ("user", "activity", "next"):
            for q in find_class(e, "p", p):
                if q.find("bdi") is None or len(list(q.iter())) != 2:
                    fail("%s: p.%s is not one <bdi> of text" % (where, p))
    print("ok: %d tiles in %d sections, in order, counts right" %
          (len(tiles), len(sections)))


def ranks(page):
    for e in find_class(parse(page), "div", "tile"):
        print(RANKS[int(e.get("data-rank"))])


def pixels(png, page, csvfile):
    """Each activity's colour fills as much of the screen as its tiles,
    and the tiles on screen, read left to right and top to bottom, have
    the colours of the page's tiles in the page's (attention) order."""
    w, h, img = svg.read_png(png)
    root = parse(page)
    rows = read_rows(csvfile)
    tiles = find_class(root, "div", "tile")
    if len(tiles) != len(rows):
        fail("%d tiles for %d CSV rows" % (len(tiles), len(rows)))
    if not tiles:
        fail("no tiles")
    count = {}
    for row in img:
        for p in row:
            count[p] = count.get(p, 0) + 1
    if len(count) < 4:
        fail("%s: blank (%d colours)" % (png, len(count)))
    need = {}
    for e in tiles:
        c = svg.hexrgb(colour_of(e.get("style")))
        need[c] = need.get(c, 0) + 1
    for c, n in need.items():
        # a tile is 200 x 166 px; text and rounded corners take some
        if count.get(c, 0) < n * 200 * 166 * 0.6:
            fail("colour %s: %d pixels for %d tiles" %
                 (c, count.get(c, 0), n))
    # the tiles on screen, in reading order, by their runs of 150 px
    found = []      # [y, x, colour] of each tile's top edge
    colours = set(need)
    for y, row in enumerate(img):
        x = 0
        while x < w:
            p, x0 = row[x], x
            while x < w and row[x] == p:
                x += 1
            if x - x0 < 150 or p not in colours:
                continue
            if not any(t[2] == p and t[1] - 8 <= x0 < t[1] + 200 and
                       0 <= y - t[0] < 166 for t in found):
                found.append([y, x0, p])
    found.sort(key=lambda t: (t[0], t[1]))
    seq = [svg.hexrgb(colour_of(e.get("style"))) for e in tiles]
    if [t[2] for t in found] != seq:
        for i, (t, c) in enumerate(zip(found, seq)):
            if t[2] != c:
                fail("tile %d on screen (at %d,%d) is %s; on the page it "
                     "is %s (%s)" % (i + 1, t[1], t[0], t[2], c,
                                     para(tiles[i], "user")))
        fail("%d tiles on screen, %d on the page" % (len(found), len(seq)))
    print("ok: %d tiles on screen in the page's order and colours, "
          "%d colours" % (len(found), len(count)))


class Dom(html.parser.HTMLParser):
    """The tiles and user texts of an HTML document, and any script."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tiles, self.users, self.scripts = 0, [], 0
        self.in_user = 0
        self.depth = 0

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        c = (a.get("class") or "").split()
        if tag == "script":
            self.scripts += 1
        if tag == "div" and "tile" in c:
            self.tiles += 1
        if tag == "p" and "user" in c:
            self.in_user = 1
            self.users.append("")

    def handle_endtag(self, tag):
        if tag == "p":
            self.in_user = 0

    def handle_data(self, data):
        if self.in_user:
            self.users[-1] += data


def dom(dumped, csvfile):
    rows = read_rows(csvfile)
    d = Dom()
    d.feed(open(dumped, encoding="utf-8").read())
    if d.scripts:
        fail("%d script elements in the DOM" % d.scripts)
    if d.tiles != len(rows):
        fail("DOM has %d tiles for %d CSV rows" % (d.tiles, len(rows)))
    want = sorted(r["username"] or r["agent_arn"] for r in rows)
    if sorted(d.users) != want:
        fail("DOM's usernames %r, the CSV's %r" % (sorted(d.users), want))
    print("ok: DOM has %d tiles, every username as text" % d.tiles)


def height(page, width):
    """The page's height at a window WIDTH px wide, from the layout of
    html.c's style: 12 px margins, 26 px title, 24 px per counts line
    (two, should one wrap), sections of 41 px of heading and 174 px rows
    of 208 px tiles."""
    per_row = max(1, (int(width) - 32 + 8) // 208)
    h = 12 + 26 + 48 + 12
    for s in find_class(parse(page), "section", "group"):
        n = len(find_class(s, "div", "tile"))
        h += 41 + 48 + -(-n // per_row) * 174
    print(h + 16)


def main():
    cmd, args = sys.argv[1], sys.argv[2:]
    {"check": check, "ranks": ranks, "pixels": pixels, "dom": dom,
     "height": height}[cmd](*args)


if __name__ == "__main__":
    main()
