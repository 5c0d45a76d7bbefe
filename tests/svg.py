#!/usr/bin/env python3
"""svg.py: checks of agentev's -f svg pictures, standard library only.

Used by tests/scripts/svg-structure.sh (no browser) and tests/browser.sh
(headless Chromium).  Each check reads what agentev wrote and compares it
with the CSV of the same run, computing what the picture must hold from
the CSV itself: one bar per row with the row's values as its hover text,
bar ends where the row's times fall on the axis, open rows reaching the
last event, fixed colours for the known names.

usage: svg.py hostile [markup|control] <in.ndjson >out.ndjson
       svg.py check SVG CSV        structure against the CSV rows
       svg.py labels SVG           the lane labels, one per line
       svg.py colour SVG NAME      the fill of NAME's bars
       svg.py pixels PNG SVG CSV   the screenshot against the bars
       svg.py dom HTML CSV         the dumped DOM against the CSV rows
       svg.py wrap SVG >HTML       an HTML page with the SVG inline
"""

import csv
import datetime
import json
import re
import struct
import sys
import xml.etree.ElementTree as ET
import zlib

NS = "{http://www.w3.org/2000/svg}"
LABEL_W, PLOT_W = 200, 1000
KNOWN = {
    "Available": "#2ca02c", "Incoming": "#f0c419", "On contact": "#1f77b4",
    "After contact work": "#ff7f0e", "Missed": "#e377c2",
    "Rejected": "#8c564b", "Error": "#d62728", "Offline": "#7f7f7f",
    "VOICE": "#1f77b4", "CHAT": "#2ca02c", "TASK": "#9467bd",
}
# usernames a picture must show as text, whatever they hold
HOSTILE = [
    "<script>alert(1)</script>",
    "a\"b'c&d<e>f",
    "\u202eevil\u202c \u05e9\u05dc\u05d5\u05dd \u0645\u0631\u062d\u0628\u0627",
    "\U0001f600\U0001d11e x",
]
# characters XML 1.0 cannot hold (shown as U+FFFD) and white space
CONTROL = ["a\x01b\x1fc", "d\ufffee\uffff", "tab\there", "new\nline"]


def fail(msg):
    print("FAIL:", msg)
    sys.exit(1)


def ms(text):
    """ISO 8601 with milliseconds and an offset or Z, as ms since 1970."""
    t = datetime.datetime.fromisoformat(text.replace("Z", "+00:00"))
    return round(t.timestamp() * 1000)


def classes(e):
    return e.get("class", "").split()


def parse_svg(path):
    try:
        root = ET.parse(path).getroot()
    except ET.ParseError as e:
        fail("%s: not well-formed XML: %s" % (path, e))
    if root.tag != NS + "svg":
        fail("%s: root is %s" % (path, root.tag))
    return root


def fills(root):
    """The fill of each cN class, from the style sheet."""
    style = "".join(e.text or "" for e in root.iter(NS + "style"))
    return dict(re.findall(r"\.(c\d+)\{fill:(#[0-9a-f]{6})\}", style))


def bars(root):
    out = []
    for e in root.iter(NS + "rect"):
        if "bar" in classes(e):
            title = e.find(NS + "title")
            if title is None:
                fail("a bar has no title")
            out.append((e, title.text or ""))
    return out


def read_csv(path):
    with open(path, newline="", encoding="utf-8") as f:
        rows = list(csv.reader(f))
    return rows[0], rows[1:]


def title_of(header, row):
    return "\n".join("%s: %s" % (c, v) for c, v in zip(header, row))


def span(root):
    title = next(e for e in root.iter(NS + "text")
                 if "title" in classes(e)).text
    if re.search(r": no events; 0 agents, 0 intervals$", title):
        return 0, 60000
    m = re.search(r"events from (\S+) to (\S+?);", title)
    if not m:
        fail("title line without the first and last event: %r" % title)
    return ms(m.group(1)), ms(m.group(2))


def columns(header):
    start = "start" if "start" in header else "acw_start"
    end = "end" if "end" in header else "acw_end"
    name = next((c for c in ("activity", "status", "channel")
                 if c in header), None)
    return header.index(start), header.index(end), \
        header.index(name) if name else None


def check(svg, csvfile):
    root = parse_svg(svg)
    header, rows = read_csv(csvfile)
    got = bars(root)
    if len(got) != len(rows):
        fail("%d bars for %d CSV rows" % (len(got), len(rows)))
    want = [title_of(header, r) for r in rows]
    for i, ((e, title), w) in enumerate(zip(got, want)):
        if title != w:
            fail("bar %d: title %r, row %r" % (i, title, w))
    t0, t1 = span(root)
    si, ei, ni = columns(header)
    t0 = min([t0] + [ms(r[si]) for r in rows])
    t1 = max([t1] + [ms(r[si]) for r in rows] +
             [ms(r[ei]) for r in rows if r[ei]])
    if t1 - t0 < 60000:
        t1 = t0 + 60000
    colour = fills(root)
    opens = 0
    for (e, _), r in zip(got, rows):
        x0 = LABEL_W + (ms(r[si]) - t0) * PLOT_W / (t1 - t0)
        x1 = LABEL_W + PLOT_W if r[ei] == "" else \
            LABEL_W + (ms(r[ei]) - t0) * PLOT_W / (t1 - t0)
        x, w = float(e.get("x")), float(e.get("width"))
        if abs(x - x0) > 0.06 or abs(x + w - max(x1, x0 + 1)) > 0.11:
            fail("bar %s..%s at x %s width %s, expected %.1f..%.1f" %
                 (r[si], r[ei], x, w, x0, x1))
        if (r[ei] == "") != ("open" in classes(e)):
            fail("row %r: open %s" % (r, "open" in classes(e)))
        opens += r[ei] == ""
        cls = [c for c in classes(e) if re.fullmatch(r"c\d+", c)]
        if len(cls) != 1 or cls[0] not in colour:
            fail("bar without a colour class: %s" % classes(e))
        if ni is not None and r[ni] in KNOWN and \
                colour[cls[0]] != KNOWN[r[ni]]:
            fail("%s drawn in %s, not %s" %
                 (r[ni], colour[cls[0]], KNOWN[r[ni]]))
    ends = [e for e in root.iter(NS + "path") if "open-end" in classes(e)]
    if len(ends) != opens:
        fail("%d open ends for %d OPEN rows" % (len(ends), opens))
    if ni is not None:
        legend = {t.text for g in root.iter(NS + "g")
                  if "legend" in classes(g) for t in g.iter(NS + "text")}
        missing = {r[ni] for r in rows} - legend
        if missing:
            fail("not in the legend: %s" % sorted(missing))
    lanes = {r[header.index("agent_arn")] for r in rows}
    labels = [e for e in root.iter(NS + "text") if "label" in classes(e)]
    if len(labels) != len(lanes):
        fail("%d lane labels for %d agents" % (len(labels), len(lanes)))
    print("ok: %d bars, %d open, %d lanes" % (len(got), opens, len(lanes)))


def label_text(e):
    """A label's own text, without its <title>."""
    return (e.text or "") + "".join(c.tail or "" for c in e)


def labels(svg):
    root = parse_svg(svg)
    if any(e.tag.endswith("script") for e in root.iter()):
        fail("a script element")
    for e in root.iter(NS + "text"):
        if "label" in classes(e):
            print(json.dumps(label_text(e)))


def colour_of(svg, name):
    root = parse_svg(svg)
    colour = fills(root)
    for e, title in bars(root):
        if re.search(r"^(activity|status|channel): %s$" % re.escape(name),
                     title, re.M):
            print(colour[next(c for c in classes(e)
                              if re.fullmatch(r"c\d+", c))])
            return
    fail("no bar of %s" % name)


def hostile(kind="markup"):
    """Give the agents of the input the HOSTILE usernames, in turn."""
    pool = HOSTILE if kind == "markup" else CONTROL
    names = {}
    for line in sys.stdin:
        ev = json.loads(line)
        arn = ev["AgentARN"]
        if arn not in names:
            names[arn] = pool[len(names) % len(pool)]
        for snap in ("CurrentAgentSnapshot", "PreviousAgentSnapshot"):
            conf = (ev.get(snap) or {}).get("Configuration")
            if conf:
                conf["Username"] = names[arn]
        print(json.dumps(ev, ensure_ascii=False))


def read_png(path):
    """Decode an 8-bit RGB or RGBA PNG: (width, height, rows of pixels)."""
    data = open(path, "rb").read()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        fail("%s: not a PNG" % path)
    pos, idat, ihdr = 8, b"", None
    while pos < len(data):
        n, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + n]
        if kind == b"IHDR":
            ihdr = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat += body
        pos += 12 + n
    w, h, depth, ctype, _, _, interlace = ihdr
    if depth != 8 or ctype not in (2, 6) or interlace:
        fail("%s: PNG depth %d type %d interlace %d not handled" %
             (path, depth, ctype, interlace))
    bpp = 3 if ctype == 2 else 4
    raw = zlib.decompress(idat)
    stride = w * bpp
    prev = bytearray(stride)
    rows = []
    for y in range(h):
        f = raw[y * (stride + 1)]
        line = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            a = line[i - bpp] if i >= bpp else 0
            b = prev[i]
            c = prev[i - bpp] if i >= bpp else 0
            if f == 1:
                line[i] = (line[i] + a) & 255
            elif f == 2:
                line[i] = (line[i] + b) & 255
            elif f == 3:
                line[i] = (line[i] + (a + b) // 2) & 255
            elif f == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                pred = a if pa <= pb and pa <= pc else b if pb <= pc else c
                line[i] = (line[i] + pred) & 255
        rows.append([tuple(line[x * bpp:x * bpp + 3]) for x in range(w)])
        prev = line
    return w, h, rows


def hexrgb(s):
    return tuple(int(s[i:i + 2], 16) for i in (1, 3, 5))


def pixels(png, svg, csvfile):
    """Every bar wide enough shows its colour at its middle."""
    w, h, img = read_png(png)
    colours = {p for row in img for p in row}
    if len(colours) < 4:
        fail("%s: blank (%d colours)" % (png, len(colours)))
    root = parse_svg(svg)
    colour = fills(root)
    checked = 0
    for e, title in bars(root):
        x, y = float(e.get("x")), float(e.get("y"))
        bw, bh = float(e.get("width")), float(e.get("height"))
        if bw < 6:
            continue
        px, py = int(x + bw / 2), int(y + bh / 2)
        if px >= w or py >= h:
            fail("bar at %d,%d outside the %dx%d screenshot" % (px, py, w, h))
        want = hexrgb(colour[next(c for c in classes(e)
                                  if re.fullmatch(r"c\d+", c))])
        got = img[py][px]
        if max(abs(a - b) for a, b in zip(got, want)) > 8:
            fail("pixel %d,%d is %s, the bar's colour is %s (%s)" %
                 (px, py, got, want, title.split("\n")[1:3]))
        checked += 1
    if checked == 0:
        fail("no bar wide enough to check")
    white = sum(1 for row in img for p in row if p == (255, 255, 255))
    print("ok: %d bars' colours on screen, %d colours, %.0f%% white" %
          (checked, len(colours), 100.0 * white / (w * h)))


def dom(html, csvfile):
    """The DOM Chromium built: one bar per row, hostile names as text."""
    text = open(html, encoding="utf-8").read()
    header, rows = read_csv(csvfile)
    n = len(re.findall(r'<rect class="bar[ "]', text))
    if n != len(rows):
        fail("DOM has %d bars for %d CSV rows" % (n, len(rows)))
    if re.search(r"<script", text, re.I):
        fail("a script element in the DOM")
    body = text[text.index("<svg"):]
    try:
        root = ET.fromstring(body[:body.index("</svg>") + 6])
    except ET.ParseError as e:
        fail("the DOM's svg does not parse: %s" % e)
    got = [label_text(e) for e in root.iter()
           if e.tag.endswith("text") and "label" in classes(e)]
    names = {r[header.index("username")] for r in rows}
    for name in names:
        short = name if len(name) <= 26 else name[:26] + "\u2026"
        if short not in got:
            fail("username %r not shown as text (labels %r)" % (name, got))
    print("ok: DOM has %d bars, %d labels" % (n, len(got)))


def wrap(svg):
    body = open(svg, encoding="utf-8").read()
    body = body[body.index("<svg"):]
    sys.stdout.write("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\">"
                     "<title>agentev</title></head>\n<body style=\"margin:0\">"
                     "\n%s</body></html>\n" % body)


def main():
    cmd, args = sys.argv[1], sys.argv[2:]
    {"hostile": hostile, "check": check, "labels": labels,
     "colour": colour_of, "pixels": pixels, "dom": dom,
     "wrap": wrap}[cmd](*args)


if __name__ == "__main__":
    main()
