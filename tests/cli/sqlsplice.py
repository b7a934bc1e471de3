#!/usr/bin/python3
"""sqlsplice.py SRCDIR - prove that no string is spliced into SQL in SRCDIR.

Every check prints "PASS what" or "FAIL what: where"; tests/cli/sqlsplice.test
turns the lines into TAP.  The rules (comments are stripped first):

 1. No SQLite formatting function at all: sqlite3_mprintf, sqlite3_vmprintf,
    sqlite3_snprintf, sqlite3_vsnprintf, sqlite3_str_* (they exist to build
    SQL from values, which is what prepared statements replace).
 2. No string literal that reads as SQL (a statement keyword first, or
    SELECT ... FROM anywhere) carries a printf conversion (%s, %q, %d, ...):
    SQL is never a format.  Exceptions are listed in EXCEPTIONS with why.
 3. The SQL argument of every sqlite3_prepare*(), sqlite3_exec() and
    inventory_exec() call is constant: string literals (with macros that
    expand to literals between them), a conditional between literals, or a
    name declared `static const char NAME[]` / `... *const NAME[]` (or a
    member of such a static const table) in the same file.  A parameter
    passes when every call of its function in the file passes a constant
    in its place (checked the same way, recursively).
"""

import os
import re
import sys

# (file, the literal's text) -> why it may be a format
EXCEPTIONS = {
    ("src/inventory/db.c", "PRAGMA user_version = %d"):
        "an int (the schema version, a compile-time constant); PRAGMA takes no bound parameters",
}
# (file, function, variable): a local buffer the check accepts as constant
LOCAL_EXCEPTIONS = {
    ("src/inventory/db.c", "set_version"):
        "filled only by snprintf(\"PRAGMA user_version = %d\", an int), see EXCEPTIONS",
}

BANNED = re.compile(r"\bsqlite3_(v?mprintf|v?snprintf|str_\w+)\s*\(")
SQL_START = re.compile(r"^\s*(SELECT|INSERT|UPDATE|DELETE|REPLACE|PRAGMA|CREATE|DROP|ALTER|ATTACH|"
                       r"DETACH|WITH|BEGIN|COMMIT|ROLLBACK|SAVEPOINT|RELEASE|VACUUM|ANALYZE)\b", re.I)
SQL_ANY = re.compile(r"\bSELECT\b.*\bFROM\b|\bINSERT\s+INTO\b|\bDELETE\s+FROM\b|\bUPDATE\b.*\bSET\b", re.I | re.S)
CONV = re.compile(r"%[-+ #0]*(\d+|\*)?(\.(\d+|\*))?(hh|h|ll|l|z|j|t|L)?[sqQwdiuxXcp]")
CALLS = re.compile(r"\b(sqlite3_prepare(?:_v2|_v3)?|sqlite3_exec|inventory_exec)\s*\(")
LIT = r'"(?:[^"\\\n]|\\.)*"'


def strip_comments(s):
    out = []
    i = 0
    while i < len(s):
        if s.startswith("/*", i):
            j = s.find("*/", i + 2)
            j = len(s) if j < 0 else j + 2
            out.append("\n" * s.count("\n", i, j))
            i = j
        elif s.startswith("//", i):
            j = s.find("\n", i)
            i = len(s) if j < 0 else j
        elif s[i] in "\"'":
            q = s[i]
            j = i + 1
            while j < len(s) and s[j] != q:
                j += 2 if s[j] == "\\" else 1
            out.append(s[i:j + 1])
            i = j + 1
        else:
            out.append(s[i])
            i += 1
    return "".join(out)


def literals(s):
    """(line, joined text) of every run of adjacent string literals."""
    out = []
    for m in re.finditer(r"(%s)(\s*%s)*" % (LIT, LIT), s):
        text = "".join(re.findall(LIT, m.group(0)))
        text = re.sub(r'"\s*"', "", text)[1:-1] if text else ""
        out.append((s.count("\n", 0, m.start()) + 1, text))
    return out


def args_of(s, open_paren):
    """The top-level arguments of the call whose '(' is at open_paren."""
    depth = 0
    args = []
    cur = []
    i = open_paren
    while i < len(s):
        c = s[i]
        if c == '"':
            m = re.match(LIT, s[i:])
            cur.append(m.group(0))
            i += len(m.group(0))
            continue
        if c in "([{":
            depth += 1
            if depth == 1:
                i += 1
                continue
        elif c in ")]}":
            depth -= 1
            if depth == 0:
                args.append("".join(cur).strip())
                return args
        elif c == "," and depth == 1:
            args.append("".join(cur).strip())
            cur = []
            i += 1
            continue
        cur.append(c)
        i += 1
    return args


class File:
    def __init__(self, rel, text):
        self.rel = rel
        plain = strip_comments(text)
        self.s = plain.replace("\\\n", " \n")  # same lines, no continuations
        joined = plain.replace("\\\n", " ")
        self.macros = {m.group(1) for m in re.finditer(
            r"^[ \t]*#[ \t]*define[ \t]+([A-Z_][A-Z0-9_]*)[ \t]+(%s[ \t]*)+$" % LIT, joined, re.M)}
        self.static = set(re.findall(
            r"\bstatic\s+const\s+char\s+(?:\*\s*const\s+)?(\w+)\s*\[", self.s))
        # members of static const tables: static const struct {...} NAME[] = {
        self.tables = set(re.findall(
            r"\bstatic\s+const\s+(?:struct\s*(?:\w+\s*)?(?:\{[^}]*\}\s*)?|\w+\s+)(\w+)\s*\[", self.s))

    def enclosing_function(self, pos):
        best = None
        for m in re.finditer(r"^[a-z][\w \t\*]*?\b(\w+)\s*\(([^;{]*?)\)\s*\{", self.s[:pos], re.M | re.S):
            best = m
        return best

    def constant(self, expr, pos, seen):
        """Why expr (an argument at pos) is constant, or None."""
        e = expr.strip()
        while e.startswith("(") and e.endswith(")"):
            e = e[1:-1].strip()
        toks = re.findall(r"%s|[A-Z_][A-Z0-9_]*" % LIT, e)
        if toks and "".join(toks).replace(" ", "") == re.sub(r"\s+", "", e) and \
                all(t.startswith('"') or t in self.macros for t in toks):
            return "literal"
        m = re.match(r"^[^?]+\?\s*(%s)\s*:\s*(%s)$" % (LIT, LIT), e, re.S)
        if m:
            return "literal"
        m = re.match(r"^(\w+)(\s*\[[^\]]*\])?$", e)
        if m and m.group(1) in self.static:
            return "static const " + m.group(1)
        m = re.match(r"^(\w+)\s*\[[^\]]*\]\s*\.\s*\w+$", e)
        if m and m.group(1) in self.tables:
            return "static const table " + m.group(1)
        m = re.match(r"^(\w+)$", e)
        if m:
            fn = self.enclosing_function(pos)
            if fn is None:
                return None
            if (self.rel, m.group(1)) in LOCAL_EXCEPTIONS:
                return "exception: " + LOCAL_EXCEPTIONS[(self.rel, m.group(1))]
            params = [p.strip() for p in fn.group(2).split(",")]
            for idx, p in enumerate(params):
                if re.search(r"\bconst\s+char\s*\*\s*%s$" % re.escape(m.group(1)), p):
                    return self.wrapper_constant(fn.group(1), idx, seen)
            # a local: every assignment in the function up to here is constant
            body = self.s[fn.end():pos]
            rhs = re.findall(r"(?<![=!<>])\b%s\s*=(?!=)\s*([^;]+);" % re.escape(m.group(1)), body)
            if rhs and all(self.constant(r, pos, seen) for r in rhs):
                return "local %s, assigned constants only" % m.group(1)
        return None

    def wrapper_constant(self, func, idx, seen):
        if (func, idx) in seen:
            return "wrapper " + func
        seen = seen | {(func, idx)}
        calls = 0
        for m in re.finditer(r"\b%s\s*\(" % re.escape(func), self.s):
            # skip the definition itself
            after = self.s[m.end():]
            close = after.find(")")
            if re.match(r"\s*\{", after[close + 1:]) and re.search(r"\bconst\b|\bint\b|\w+\s*\*", after[:close]):
                continue
            a = args_of(self.s, m.end() - 1)
            if len(a) <= idx or self.constant(a[idx], m.start(), seen) is None:
                return None
            calls += 1
        return ("wrapper %s (%d calls, all constant)" % (func, calls)) if calls else None


def main():
    srcdir = sys.argv[1]
    files = []
    for root, _, names in os.walk(os.path.join(srcdir, "src")):
        for n in sorted(names):
            if n.endswith((".c", ".h")):
                p = os.path.join(root, n)
                with open(p, encoding="utf-8", errors="replace") as f:
                    files.append(File(os.path.relpath(p, srcdir), f.read()))
    files.sort(key=lambda f: f.rel)

    bad = ["%s:%d" % (f.rel, f.s.count("\n", 0, m.start()) + 1)
           for f in files for m in BANNED.finditer(f.s)]
    print(("PASS no sqlite3_mprintf/snprintf/str_* in src/") if not bad else
          ("FAIL no sqlite3_mprintf/snprintf/str_* in src/: " + ", ".join(bad)))

    bad = []
    used = set()
    for f in files:
        for line, text in literals(f.s):
            if (SQL_START.match(text) or SQL_ANY.search(text)) and CONV.search(text):
                if (f.rel, text) in EXCEPTIONS:
                    used.add((f.rel, text))
                    continue
                bad.append("%s:%d %r" % (f.rel, line, text[:60]))
    print(("PASS no SQL text is a printf format (exceptions: %d, each with a reason)" % len(used))
          if not bad else ("FAIL no SQL text is a printf format: " + "; ".join(bad)))
    stale = [k for k in EXCEPTIONS if k not in used]
    print("PASS every listed exception still exists" if not stale else
          "FAIL every listed exception still exists: %r" % stale)

    ncalls = 0
    bad = []
    for f in files:
        for m in CALLS.finditer(f.s):
            a = args_of(f.s, m.end() - 1)
            if len(a) < 2 or re.search(r"\b(const\s+)?char\s*\*\s*\w+$", a[1]):
                continue  # a declaration or prototype, not a call
            ncalls += 1
            if f.constant(a[1], m.start(), frozenset()) is None:
                bad.append("%s:%d %s(.., %s, ..)" % (f.rel, f.s.count("\n", 0, m.start()) + 1,
                                                     m.group(1), a[1][:50]))
    print(("PASS the SQL of all %d prepare/exec calls is constant" % ncalls) if not bad and ncalls
          else ("FAIL the SQL of every prepare/exec call is constant: " + "; ".join(bad)))


if __name__ == "__main__":
    main()
