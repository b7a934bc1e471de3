#!/usr/bin/python3
"""metachar_check.py - the checks of tests/lab/metachar.test.

  metachar_check.py stored DB STRINGS   where each input path's strings
                                        landed, byte for byte
  metachar_check.py exports DB STRINGS DIR
                                        DIR/csv/*.csv, DIR/export.xml,
                                        DIR/export.json: well-formed,
                                        neutralised, round-tripping

Prints one line per check: "PASS description" or "FAIL description: why";
the test turns them into TAP.  STRINGS holds one string a line with Python
escapes (\\x1b, \\xff), as tests/lab/peers/liar.py reads them.

The expected stored form is what netcensus documents for text that came off
the network (src/fingerprint/facts.c facts_clean): valid UTF-8 kept, each
byte of an invalid sequence becomes U+FFFD, C0 controls but TAB and DEL
become '?', cut at FACTS_MAX_VALUE bytes, trailing blanks trimmed.  What
the reading commands print (src/inventory/query.c) also turns TAB and C1
controls into '?'.
"""

import csv
import glob
import json
import os
import sqlite3
import sys
import xml.etree.ElementTree as ET

FACTS_MAX_VALUE = 4096


def load_strings(path):
    out = []
    with open(path, "rb") as f:
        for line in f.read().split(b"\n"):
            if line:
                out.append(line.decode("ascii").encode("latin-1")
                           .decode("unicode_escape").encode("latin-1"))
    return out


def stored(b, limit=FACTS_MAX_VALUE):
    """facts_clean(): the text netcensus stores for raw bytes b."""
    out = []
    used = 0
    for ch in b.decode("utf-8", "replace"):
        enc = ch.encode("utf-8")
        if used + len(enc) > limit:
            break
        if len(enc) == 1 and ((enc[0] < 0x20 and ch != "\t") or enc[0] == 0x7F):
            ch = "?"
        out.append(ch)
        used += len(enc)
    return "".join(out).rstrip(" \t")


def shown(s):
    """query_column_text(): what the readers make of stored text s."""
    return "".join("?" if (ord(c) < 0x20 or ord(c) == 0x7F or 0x80 <= ord(c) <= 0x9F) else c
                   for c in s)


results = []


def check(cond, desc, why=""):
    why = why if len(why) <= 300 else why[:300] + "..."
    results.append(("PASS " + desc) if cond else ("FAIL %s: %s" % (desc, why)))


def facts(db, addr, key):
    return [r[0] for r in db.execute(
        "select f.value from facts f join host_scans h using (scan_id, host_id) "
        "where h.address = ? and f.key = ? order by f.rowid", (addr, key))]


def cmd_stored(dbpath, strings):
    db = sqlite3.connect("file:%s?mode=ro" % dbpath, uri=True)
    db.text_factory = lambda b: b.decode("utf-8", "surrogateescape")
    s = [stored(x) for x in strings]
    meta = "198.18.1.30"

    # SNMP system group (liar.py snmp-meta: name, descr, contact, location)
    for key, i in (("snmp.sysName", 0), ("snmp.sysDescr", 1), ("snmp.sysContact", 2),
                   ("snmp.sysLocation", 3)):
        got = facts(db, meta, key)
        check(got == [s[i]], "SNMP %s stored exactly" % key, "%r != %r" % (got, [s[i]]))
    # hrSWInstalledName: one software row per string
    sw = db.execute("select s.name, s.version from software s join host_scans h "
                    "using (scan_id, host_id) where h.address = ?", (meta,)).fetchall()
    check(len(sw) == len(strings), "SNMP: one software row per hrSWInstalledName",
          "%d rows for %d strings" % (len(sw), len(strings)))
    names = {n for n, _ in sw}
    whole = [x for x in s if "-" not in x and "_" not in x]
    missing = [x for x in whole if x not in names]
    check(not missing, "SNMP: every hrSWInstalledName without - or _ stored as the name",
          "missing %r" % missing[:3])
    joined = {n + ("-" + v if v else "") for n, v in sw} | {n + ("_" + v if v else "") for n, v in sw}
    missing = [x for x in s if x not in names and not any(x.startswith(j) or j.startswith(x) for j in joined)]
    check(not missing, "SNMP: every hrSWInstalledName is in a row (name, or name and version)",
          "missing %r" % missing[:3])

    # HTTP: the Server header is the banner, the title in the info
    svc = db.execute("select s.port, s.banner, s.info from services s join host_scans h "
                     "using (scan_id, host_id) where h.address = ? order by s.port", (meta,)).fetchall()
    by_port = {p: (b, i) for p, b, i in svc}
    http = by_port.get(80, (None, None))
    check(http[0] == stored(strings[0], 512)[:511], "HTTP Server header stored exactly",
          "%r" % (http[0],))
    for x in s[:3]:
        check(http[1] is not None and x in http[1], "HTTP title keeps %r" % x[:30], "info %r" % (http[1],))
    # SSH identification
    ssh = by_port.get(22, (None, None))
    check(ssh[0] == "SSH-2.0-" + s[0], "SSH banner stored exactly", "%r" % (ssh[0],))
    # SMB names (UTF-16LE on the wire)
    for key, i in (("smb.netbios_name", 0), ("smb.netbios_domain", 1), ("smb.dns_name", 2),
                   ("smb.dns_domain", 3)):
        want = stored(strings[i].decode("utf-8", "replace").encode("utf-8"))
        got = facts(db, meta, key)
        check(got == [want], "SMB %s stored exactly" % key, "%r != %r" % (got, [want]))

    # SSH inventory (fake dpkg-query on h31): Package and Version fields
    inv = db.execute("select s.name, s.version from software s join host_scans h "
                     "using (scan_id, host_id) where h.address = '198.18.1.31'").fetchall()
    names = {n for n, _ in inv}
    versions = {v for _, v in inv}
    missing = [x for x in s if x not in names]
    check(not missing, "SSH inventory: every package name stored exactly",
          "missing %r; stored %r" % (missing[:3], sorted(names, key=len)[-1][:80] + "... (%d)" % max(map(len, names))))
    missing = [x for x in s if x not in versions]
    check(not missing, "SSH inventory: every version stored exactly", "missing %r" % missing[:3])

    # nmap import: hostnames and service products
    scan = db.execute("select max(id) from scans where command like '%import%'").fetchone()[0]
    hn = {r[0] for r in db.execute("select value from facts where scan_id = ? and key = 'nmap.hostname'",
                                   (scan,))}
    prod = {r[0] for r in db.execute("select product from services where scan_id = ?", (scan,))}
    missing = [x for x in s[:6] if x + " (user)" not in hn]
    check(not missing, "nmap import: hostnames stored exactly", "missing %r in %r" % (missing[:2], list(hn)[:3]))
    missing = [x for x in s[:6] if x not in prod]
    check(not missing, "nmap import: service products stored exactly", "missing %r" % missing[:2])


def all_strings(o, out):
    if isinstance(o, str):
        out.add(o)
    elif isinstance(o, dict):
        for k, v in o.items():
            out.add(k)
            all_strings(v, out)
    elif isinstance(o, list):
        for v in o:
            all_strings(v, out)
    return out


def cmd_exports(dbpath, strings, d):
    db = sqlite3.connect("file:%s?mode=ro" % dbpath, uri=True)
    scan = db.execute("select max(id) from scans where status = 'complete' and command not like '%import%'").fetchone()[0]
    want = {shown(r[0]) for r in db.execute("select name from software where scan_id = ? and name is not null",
                                            (scan,))}
    check(len(want) >= len(strings), "the exported scan has the hostile software names",
          "%d names" % len(want))

    cells = set()
    bad = []
    for f in sorted(glob.glob(os.path.join(d, "csv", "*.csv"))):
        try:
            with open(f, newline="", encoding="utf-8") as fh:
                rows = list(csv.reader(fh, strict=True))
            widths = {len(r) for r in rows}
            check(len(widths) == 1, "%s: every row as wide as the header" % os.path.basename(f),
                  "widths %r" % widths)
        except (csv.Error, UnicodeDecodeError) as e:
            check(False, "%s parses as CSV" % os.path.basename(f), str(e))
            continue
        for r in rows:
            for c in r:
                if c and c[0] in "=+-@\t\r":
                    try:
                        float(c)
                    except ValueError:
                        bad.append(c)
                if c[:1] == "'" and c[1:2] in ("=", "+", "-", "@", "\t", "\r"):
                    cells.add(c[1:])
                else:
                    cells.add(c)
    check(not bad, "CSV: no cell starts with = + - @ unless it is a number", "e.g. %r" % bad[:3])
    missing = [x for x in want if x not in cells]
    check(not missing, "CSV: every software name round-trips (after the leading ')",
          "missing %r" % missing[:3])

    try:
        tree = ET.parse(os.path.join(d, "export.xml"))
        texts = set()
        for el in tree.iter():
            if el.text:
                texts.add(el.text)
            texts.update(el.attrib.values())
        missing = [x for x in want if x not in texts]
        check(not missing, "XML: every software name round-trips", "missing %r" % missing[:3])
    except ET.ParseError as e:
        check(False, "XML parses", str(e))

    try:
        with open(os.path.join(d, "export.json"), encoding="utf-8") as fh:
            doc = json.load(fh)
        found = all_strings(doc, set())
        missing = [x for x in want if x not in found]
        check(not missing, "JSON: every software name round-trips", "missing %r" % missing[:3])
    except ValueError as e:
        check(False, "JSON parses", str(e))


def main():
    if len(sys.argv) >= 4 and sys.argv[1] == "stored":
        cmd_stored(sys.argv[2], load_strings(sys.argv[3]))
    elif len(sys.argv) >= 5 and sys.argv[1] == "exports":
        cmd_exports(sys.argv[2], load_strings(sys.argv[3]), sys.argv[4])
    else:
        sys.exit("usage: metachar_check.py stored DB STRINGS | exports DB STRINGS DIR")
    for r in results:
        print(r)


if __name__ == "__main__":
    main()
