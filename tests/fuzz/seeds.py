#!/usr/bin/env python3
"""seeds.py HARNESS SRCDIR OUTDIR — write the seed corpus of one fuzz
harness into OUTDIR (a fresh copy: the fuzzer adds files there, never to
the source tree).

Seeds come from the test data (tests/data/...), in the shape the harness
reads (pcap files are split into frames, banner captures get the
harness's two control bytes in front, IEEE files the byte that names the
registry), plus the regression inputs of tests/fuzz/regress/HARNESS/.
"""
import glob
import os
import struct
import sys


def frames(path):
    """The packets of a classic pcap file."""
    with open(path, "rb") as f:
        data = f.read()
    if len(data) < 24:
        return
    magic = data[:4]
    if magic in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1"):
        endian = "<"
    elif magic in (b"\xa1\xb2\xc3\xd4", b"\xa1\xb2\x3c\x4d"):
        endian = ">"
    else:
        return
    off = 24
    while off + 16 <= len(data):
        incl = struct.unpack(endian + "I", data[off + 8:off + 12])[0]
        off += 16
        if incl > len(data) - off:
            return
        yield data[off:off + incl]
        off += incl


def files(srcdir, *patterns):
    out = []
    for p in patterns:
        out.extend(sorted(glob.glob(os.path.join(srcdir, p), recursive=True)))
    return [p for p in out if os.path.isfile(p) and not p.endswith("README")]


def read(path):
    with open(path, "rb") as f:
        return f.read()


BANNER_PROTOS = {"generic": 1, "ssh": 2, "ftp": 3, "telnet": 4, "smtp": 5,
                 "http": 6, "https": 7, "tls": 8, "rdp": 9, "smb": 10}


def seeds(harness, srcdir):
    """(name, bytes) pairs for harness."""
    d = "tests/data/"
    if harness == "fuzz_pkt":
        for p in files(srcdir, d + "pcap/*.pcap"):
            for i, fr in enumerate(frames(p)):
                yield "%s-%d" % (os.path.basename(p), i), fr
    elif harness == "fuzz_targets":
        for p in files(srcdir, d + "targets/*"):
            yield os.path.basename(p), read(p)
    elif harness == "fuzz_smb":
        for p in files(srcdir, d + "smb/*.bin"):
            yield os.path.basename(p), read(p)
    elif harness == "fuzz_netbios":
        for p in files(srcdir, d + "netbios/*.bin"):
            yield os.path.basename(p), read(p)
    elif harness == "fuzz_banner":
        for p in files(srcdir, d + "banner/captured/*.bin"):
            base = os.path.basename(p)
            proto = BANNER_PROTOS.get(base.split("-")[0], 1)
            body = read(p)
            # all at once and closed; in 64-byte chunks; silent at the end
            yield base + "-whole", bytes([proto, 0]) + body
            yield base + "-chunks", bytes([proto, 8]) + body
            yield base + "-silent", bytes([proto, 0x80]) + body
            yield base + "-generic", bytes([BANNER_PROTOS["generic"], 0]) + body
        for p in files(srcdir, d + "smb/samba_*negotiate_response.bin"):
            yield "smb-" + os.path.basename(p), bytes([BANNER_PROTOS["smb"], 0]) + read(p)
    elif harness == "fuzz_ssh_parse":
        for p in files(srcdir, d + "ssh/*.txt"):
            yield os.path.basename(p), read(p)
    elif harness == "fuzz_rules":
        for p in files(srcdir, "rules/*.xml", d + "rules/**/*.xml",
                       d + "banner/rules/*.xml"):
            yield p.replace(srcdir, "").strip("/").replace("/", "_"), read(p)
    elif harness == "fuzz_credentials":
        for p in files(srcdir, d + "credentials/*"):
            yield os.path.basename(p), read(p)
    elif harness == "fuzz_macvendor":
        pick = {"oui.csv": 0, "mam.csv": 1, "iab.csv": 2, "oui36.csv": 3}
        for p in files(srcdir, d + "ieee/*.csv"):
            base = os.path.basename(p)
            if base in pick:
                yield base, bytes([pick[base]]) + read(p)
    elif harness == "fuzz_appnorm":
        rules = read(os.path.join(srcdir, "data/vdi-rules.conf"))
        yield "vdi-rules.conf", rules
        apps = (b"Mozilla Firefox (x64 en-US)\t115.0.2\tMozilla\n"
                b"KB5031364\t\tMicrosoft Corporation\n"
                b"libc6\t2.36-9+deb12u4\tDebian\n"
                b"7-Zip 19.00 (x64)\t19.00\tIgor Pavlov\n")
        yield "vdi-rules-apps", rules + b"\0" + apps
    elif harness == "fuzz_nmap":
        for p in files(srcdir, d + "nmap/*.xml"):
            yield os.path.basename(p), read(p)
    elif harness == "fuzz_snmp":
        pass  # the input is a conversation; regress/ and the fuzzer make them
    for p in files(srcdir, "tests/fuzz/regress/%s/*" % harness):
        yield "regress-" + os.path.basename(p), read(p)


def main():
    if len(sys.argv) != 4:
        sys.stderr.write("usage: seeds.py HARNESS SRCDIR OUTDIR\n")
        return 2
    harness, srcdir, outdir = sys.argv[1:]
    os.makedirs(outdir, exist_ok=True)
    n = 0
    for name, data in seeds(harness, os.path.abspath(srcdir)):
        with open(os.path.join(outdir, "seed-" + name), "wb") as f:
            f.write(data)
        n += 1
    print(n)
    return 0


if __name__ == "__main__":
    sys.exit(main())
