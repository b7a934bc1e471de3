#!/usr/bin/python3
"""liar.py - lab peers that lie, for tests/lab/hostile.test and metachar.test.

Run inside a lab namespace (never elsewhere): it binds only the address it
is given.  Each SERVICE argument starts one server on that address:

  snmp-liar     UDP 161. v1/v2c GET: first a reply whose BER lengths claim
                1 MB (sysName's OCTET STRING says 0x100000 bytes; the
                datagram holds ~1 KB), then, with the same request id, a
                true reply whose sysDescr is a ~63 KB OCTET STRING (the
                datagram is as large as UDP allows) and whose sysName is
                "nc-liar".  GETNEXT/GETBULK: a walk that loops and goes
                backwards (the first answer of a column is its row 1, then
                row 1 again, then row 0).
  snmp-garbage  UDP 161. Every datagram draws a burst of malformed BER:
                truncated, indefinite lengths, 9-byte integers, OIDs with
                runaway sub-identifiers, deep nesting, a lying varbind list.
  snmp-meta     UDP 161. A well-behaved v1/v2c agent whose system group and
                hrSWInstalledName rows are the strings of --strings FILE
                (one per line, Python escapes allowed: \\x1b, \\xff).
  ssh-binary    TCP 22. An identification "SSH-2.0-" followed by NULs, ANSI
                escapes, bytes >= 0x80 and 100 KB more, no newline; the
                connection stays open until the client leaves.
  ssh-meta      TCP 22. "SSH-2.0-" + the first string of --strings + CRLF.
  http-huge     TCP 80. A Server header full of ANSI escapes, then a 10 MB
                header line, then a title with escapes.
  http-ansi     TCP 8080. A normal-sized reply, ANSI/C0/C1 controls in the
                Server header and in the title.
  http-meta     TCP 80. Server header and title: strings of --strings
                (Server the first, title all of them joined by " | ").
  smb-lie       TCP 445. A valid SMB2 NEGOTIATE response; the SESSION_SETUP
                response carries an NTLMSSP CHALLENGE whose TargetInfo
                offset and length point past the end of the message.
  smb-meta      TCP 445. A valid CHALLENGE whose NetBIOS/DNS names are
                strings of --strings (UTF-16LE, as Windows sends them).
  silent        TCP 22, 80, 445, 8080 accept and never speak; UDP 161 reads
                and never answers.

The pid file is written once every socket is bound, so a test can wait for
it.  SIGTERM ends the process.
"""

import argparse
import os
import socket
import struct
import sys
import threading
import time

# ---------------------------------------------------------------- BER

def ber_len(n):
    if n < 0x80:
        return bytes([n])
    b = n.to_bytes((n.bit_length() + 7) // 8, "big")
    return bytes([0x80 | len(b)]) + b


def tlv(tag, body):
    return bytes([tag]) + ber_len(len(body)) + body


def ber_int(v, tag=0x02):
    n = 1
    while not -(1 << (8 * n - 1)) <= v < (1 << (8 * n - 1)):
        n += 1
    return tlv(tag, v.to_bytes(n, "big", signed=True))


def ber_uint(v, tag):
    b = v.to_bytes(max(1, (v.bit_length() + 8) // 8), "big")
    return tlv(tag, b)


def oid_enc(oid):
    out = bytearray([40 * oid[0] + oid[1]])
    for s in oid[2:]:
        chunk = [s & 0x7F]
        s >>= 7
        while s:
            chunk.append(0x80 | (s & 0x7F))
            s >>= 7
        out += bytes(reversed(chunk))
    return tlv(0x06, bytes(out))


def ber_read(buf, pos):
    """(tag, content start, content end) of the TLV at pos; ValueError if bad."""
    if pos + 2 > len(buf):
        raise ValueError("short")
    tag = buf[pos]
    n = buf[pos + 1]
    pos += 2
    if n & 0x80:
        k = n & 0x7F
        if k == 0 or k > 4 or pos + k > len(buf):
            raise ValueError("length")
        n = int.from_bytes(buf[pos:pos + k], "big")
        pos += k
    if pos + n > len(buf):
        raise ValueError("past end")
    return tag, pos, pos + n


def oid_dec(b):
    if not b:
        return []
    out = [b[0] // 40, b[0] % 40]
    v = 0
    for c in b[1:]:
        v = (v << 7) | (c & 0x7F)
        if not c & 0x80:
            out.append(v)
            v = 0
    return out


def parse_request(d):
    """(version, community, pdu tag, reqid, f1, f2, [oid...]) or None."""
    try:
        t, s, e = ber_read(d, 0)
        if t != 0x30:
            return None
        t, vs, ve = ber_read(d, s)
        version = int.from_bytes(d[vs:ve], "big", signed=True)
        if version not in (0, 1):
            return None  # v3 (the discovery probe): not ours to answer
        t, cs, ce = ber_read(d, ve)
        community = d[cs:ce]
        tag, ps, pe = ber_read(d, ce)
        vals = []
        pos = ps
        for _ in range(3):
            t, a, b = ber_read(d, pos)
            vals.append(int.from_bytes(d[a:b], "big", signed=True))
            pos = b
        t, ls, le = ber_read(d, pos)
        oids = []
        pos = ls
        while pos < le:
            t, vbs, vbe = ber_read(d, pos)
            t, os_, oe = ber_read(d, vbs)
            oids.append(oid_dec(d[os_:oe]))
            pos = vbe
        return version, community, tag, vals[0], vals[1], vals[2], oids
    except ValueError:
        return None


def response(version, community, reqid, varbinds, err=0, erridx=0):
    vbl = b"".join(tlv(0x30, oid_enc(o) + v) for o, v in varbinds)
    pdu = tlv(0xA2, ber_int(reqid) + ber_int(err) + ber_int(erridx) + tlv(0x30, vbl))
    return tlv(0x30, ber_int(version) + tlv(0x04, community) + pdu)


SYS = [1, 3, 6, 1, 2, 1, 1]
NO_SUCH_OBJECT = bytes([0x80, 0x00])
END_OF_MIB = bytes([0x82, 0x00])
UDP_MAX = 65507  # the largest IPv4 UDP payload


def system_value(oid, strings):
    """The value of a system-group scalar, or None."""
    if len(oid) != 9 or oid[:7] != SYS or oid[8] != 0:
        return None
    col = oid[7]
    if col == 1:
        return tlv(0x04, strings["descr"])
    if col == 2:
        return oid_enc([1, 3, 6, 1, 4, 1, 8072, 3, 2, 10])
    if col == 3:
        return ber_uint(4242, 0x43)
    if col == 4:
        return tlv(0x04, strings["contact"])
    if col == 5:
        return tlv(0x04, strings["name"])
    if col == 6:
        return tlv(0x04, strings["location"])
    if col == 7:
        return ber_int(72)
    return None


def serve_udp(sock, handle):
    while True:
        try:
            d, peer = sock.recvfrom(65535)
        except OSError:
            return
        for out in handle(d):
            try:
                sock.sendto(out, peer)
            except OSError:
                pass  # EMSGSIZE and the like: the next one may fit


def snmp_liar(addr):
    sock = udp(addr, 161)
    strings = {"name": b"nc-liar", "contact": b"liar@lab.example",
               "location": b"lab bench, lying", "descr": b""}

    def handle(d):
        req = parse_request(d)
        if req is None:
            return []
        version, community, tag, reqid, f1, f2, oids = req
        if tag == 0xA0:  # GET
            # the lie: sysName claims 1 MB, every enclosing length agrees
            claim = 1 << 20
            name = bytes([0x04, 0x83]) + claim.to_bytes(3, "big") + b"L" * 1000
            inner = oid_enc(SYS + [5, 0]) + name
            vb = bytes([0x30, 0x83]) + (len(inner) - 1000 + claim).to_bytes(3, "big") + inner
            vbl = bytes([0x30, 0x83]) + (len(vb) - 1000 + claim).to_bytes(3, "big") + vb
            head = ber_int(reqid) + ber_int(0) + ber_int(0)
            pdu = bytes([0xA2, 0x83]) + (len(head) + len(vbl) - 1000 + claim).to_bytes(3, "big") + head + vbl
            msg_in = ber_int(version) + tlv(0x04, community) + pdu
            lie = bytes([0x30, 0x83]) + (len(msg_in) - 1000 + claim).to_bytes(3, "big") + msg_in
            # the truth, as large as a datagram may be
            vbs = []
            for o in oids:
                v = system_value(o, strings)
                vbs.append((o, v if v is not None else NO_SUCH_OBJECT))
            truth = response(version, community, reqid, vbs)
            if any(o == SYS + [1, 0] for o in oids):
                room = UDP_MAX - len(truth) - 8
                strings["descr"] = b"D" * room
                vbs = [(o, system_value(o, strings) or NO_SUCH_OBJECT) for o in oids]
                truth = response(version, community, reqid, vbs)
                strings["descr"] = b""
            return [lie, truth]
        if tag in (0xA1, 0xA5):  # GETNEXT, GETBULK: loop and go backwards
            vbs = []
            for o in oids[:max(f1, 0)] if tag == 0xA5 else []:
                vbs.append((o + [0], ber_int(1)))
            rest = oids[max(f1, 0):] if tag == 0xA5 else oids
            for o in rest:
                if len(o) <= 11:
                    seq = [o + [1], o + [1], o + [0]]  # row 1, row 1 again, row 0
                else:
                    seq = [o, o[:-1] + [max(o[-1] - 1, 0)]]  # same, then earlier
                for n in seq[: max(f2, 1) if tag == 0xA5 else 1]:
                    vbs.append((n, tlv(0x04, b"loop")))
            return [response(version, community, reqid, vbs)]
        return []

    return sock, lambda: serve_udp(sock, handle)


def snmp_garbage(addr):
    sock = udp(addr, 161)

    def handle(d):
        req = parse_request(d)
        reqid = req[3] if req else 1
        community = req[1] if req else b"public"
        good = response(1, community, reqid, [(SYS + [5, 0], tlv(0x04, b"x"))])
        deep = b""
        for _ in range(500):
            deep = tlv(0x30, deep)
        return [
            b"",                                        # empty datagram
            bytes([0x30, 0x84, 0xFF, 0xFF, 0xFF, 0xFF]) + good[2:40],  # 4 GB claim
            bytes([0x30, 0x80]) + good[2:] + b"\x00\x00",  # indefinite length
            bytes([0x30, 0x8F]) + b"\x01" * 15,          # 15-byte length field
            tlv(0x30, tlv(0x02, b"\xff" * 9) + good[5:]),  # 9-byte version
            good[:-12] + bytes([0x06, 0x0A]) + b"\xff" * 10,  # OID runs away
            deep,                                       # 500 levels deep
            good[: len(good) // 2],                     # cut in half
            good[:-3] + bytes([0x04, 0x7F, 0x41]),      # value claims 127 bytes
            bytes(range(256)) * 4,                      # noise
        ]

    return sock, lambda: serve_udp(sock, handle)


def snmp_meta(addr, strs):
    sock = udp(addr, 161)
    strings = {"name": strs[0], "descr": strs[1 % len(strs)],
               "contact": strs[2 % len(strs)], "location": strs[3 % len(strs)]}
    sw = [1, 3, 6, 1, 2, 1, 25, 6, 3, 1]  # hrSWInstalledEntry
    table = []  # sorted (oid, value)
    for i, s in enumerate(strs, 1):
        table.append((sw + [1, i], ber_int(i)))
        table.append((sw + [2, i], tlv(0x04, s)))
        table.append((sw + [3, i], oid_enc([0, 0])))
        table.append((sw + [4, i], ber_int(4)))
        table.append((sw + [5, i], tlv(0x04, bytes([0x07, 0xE9, 1, 2, 3, 4, 5, 0]))))
    for c in (1, 2, 3, 4, 5, 6, 7):
        table.append((SYS + [c, 0], system_value(SYS + [c, 0], strings)))
    table.sort(key=lambda x: x[0])

    def after(o):
        for k, v in table:
            if k > o:
                return k, v
        return o, END_OF_MIB

    def handle(d):
        req = parse_request(d)
        if req is None:
            return []
        version, community, tag, reqid, f1, f2, oids = req
        vbs = []
        if tag == 0xA0:
            for o in oids:
                v = dict((tuple(k), v) for k, v in table).get(tuple(o))
                vbs.append((o, v if v is not None else NO_SUCH_OBJECT))
        elif tag == 0xA1:
            vbs = [after(o) for o in oids]
        elif tag == 0xA5:
            nonrep = max(f1, 0)
            vbs = [after(o) for o in oids[:nonrep]]
            cur = list(oids[nonrep:])
            for _ in range(max(f2, 1)):
                nxt = []
                for o in cur:
                    k, v = after(o)
                    vbs.append((k, v))
                    nxt.append(k)
                cur = nxt
        else:
            return []
        out = response(version, community, reqid, vbs)
        if len(out) > 60000:
            out = response(version, community, reqid, vbs[: len(oids)])
        return [out]

    return sock, lambda: serve_udp(sock, handle)

# ---------------------------------------------------------------- TCP

def udp(addr, port):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind((addr, port))
    return s


def listener(addr, port):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((addr, port))
    s.listen(64)
    return s


def serve_tcp(sock, conv):
    def one(c):
        try:
            c.settimeout(30)
            conv(c)
        except OSError:
            pass
        finally:
            c.close()

    while True:
        try:
            c, _ = sock.accept()
        except OSError:
            return
        threading.Thread(target=one, args=(c,), daemon=True).start()


def drain(c):
    """Keep the connection until the client leaves (or 30 s)."""
    while c.recv(65536):
        pass


def tcp_service(addr, port, conv):
    s = listener(addr, port)
    return s, lambda: serve_tcp(s, conv)


def ssh_binary(c):
    c.sendall(b"SSH-2.0-\x00\x00\x1b[31mRED\x1b[0m\x1b]0;owned\x07\xff\xfe\x80\x9b2J"
              + bytes(range(1, 32)) + b"\xc3\x28" + b"B" * 100000)
    drain(c)


def http_read_request(c):
    got = b""
    while b"\r\n\r\n" not in got and len(got) < 65536:
        d = c.recv(4096)
        if not d:
            break
        got += d


def http_huge(c):
    http_read_request(c)
    c.sendall(b"HTTP/1.1 200 OK\r\nServer: \x1b[31mEvil\x1b]0;owned\x07\x1b[2J/6.6\r\n"
              b"Content-Type: text/html\r\nX-Pad: ")
    chunk = b"A" * 65536
    for _ in range(160):  # 10 MB
        c.sendall(chunk)
    c.sendall(b"\r\n\r\n<html><title>\x1b[5mhuge\x1b[0m</title></html>")


def http_ansi(c):
    http_read_request(c)
    body = (b"<html><head><title>\x1b[31mred\x1b[0m \xc2\x9b2J c1 \x07bell \x1b]0;owned\x07"
            b"</title></head></html>")
    c.sendall(b"HTTP/1.0 200 OK\r\nServer: ansi\x1b[1m/2.0\x1b[0m\x08\x08\r\n"
              b"Content-Type: text/html\r\nContent-Length: " + str(len(body)).encode()
              + b"\r\n\r\n" + body)


def smb_frames(c):
    """Yield the SMB2 messages the client sends (NBSS-framed)."""
    buf = b""
    while True:
        while len(buf) >= 4 and len(buf) >= 4 + int.from_bytes(buf[1:4], "big"):
            n = int.from_bytes(buf[1:4], "big")
            yield buf[4:4 + n]
            buf = buf[4 + n:]
        d = c.recv(65536)
        if not d:
            return
        buf += d


def smb2_header(req, status):
    cmd = struct.unpack_from("<H", req, 12)[0]
    msgid = struct.unpack_from("<Q", req, 24)[0]
    return (b"\xfeSMB" + struct.pack("<HHIHHII", 64, 0, status, cmd, 1, 1, 0)
            + struct.pack("<Q", msgid) + struct.pack("<IIQ", 0, 0, 0x1234 if cmd else 0)
            + b"\x00" * 16)


def smb_negotiate_reply(req):
    body = struct.pack("<HHHH", 65, 1, 0x0210, 0) + b"NCLABSMBGUID0001" \
        + struct.pack("<IIII", 0, 65536, 65536, 65536) \
        + struct.pack("<QQ", 133000000000000000, 0) + struct.pack("<HHI", 0, 0, 0) + b"\x00"
    return smb2_header(req, 0) + body


def ntlm_challenge(name, ti, ti_off=None, ti_len=None):
    """A CHALLENGE_MESSAGE; ti_off/ti_len override the TargetInfo field."""
    flags = 0x00000001 | 0x00000004 | 0x00000200 | 0x00020000 | 0x00800000 | 0x02000000
    head_len = 56
    name_off = head_len
    t_off = name_off + len(name)
    if ti_off is None:
        ti_off = t_off
    if ti_len is None:
        ti_len = len(ti)
    m = (b"NTLMSSP\x00" + struct.pack("<I", 2)
         + struct.pack("<HHI", len(name), len(name), name_off)
         + struct.pack("<I", flags) + b"\x11" * 8 + b"\x00" * 8
         + struct.pack("<HHI", ti_len, ti_len, ti_off)
         + bytes([10, 0]) + struct.pack("<H", 20348) + b"\x00\x00\x00\x0f")
    return m + name + ti


def av(i, v):
    return struct.pack("<HH", i, len(v)) + v


def smb_session_reply(req, challenge):
    sec_off = 64 + 8
    body = struct.pack("<HHHH", 9, 0, sec_off, len(challenge)) + challenge
    return smb2_header(req, 0xC0000016) + body


def smb_conv(challenge):
    def conv(c):
        for msg in smb_frames(c):
            if len(msg) < 64 or msg[:4] != b"\xfeSMB":
                return
            cmd = struct.unpack_from("<H", msg, 12)[0]
            if cmd == 0:
                out = smb_negotiate_reply(msg)
            elif cmd == 1:
                out = smb_session_reply(msg, challenge)
            else:
                return
            c.sendall(struct.pack(">I", len(out)) + out)
    return conv


def utf16(s):
    return s.decode("utf-8", "replace").encode("utf-16-le")


def silent(addr):
    socks = []
    for port in (22, 80, 445, 8080):
        s = listener(addr, port)
        socks.append((s, (lambda s=s: serve_tcp(s, drain))))
    u = udp(addr, 161)
    socks.append((u, lambda: serve_udp(u, lambda d: [])))
    return socks


def load_strings(path):
    out = []
    with open(path, "rb") as f:
        for line in f.read().split(b"\n"):
            if line:
                out.append(line.decode("ascii").encode("latin-1").decode("unicode_escape").encode("latin-1"))
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--addr", required=True)
    ap.add_argument("--pidfile", required=True)
    ap.add_argument("--strings")
    ap.add_argument("service", nargs="+")
    a = ap.parse_args()
    strs = load_strings(a.strings) if a.strings else [b"netcensus"]
    servers = []
    for svc in a.service:
        if svc == "snmp-liar":
            servers.append(snmp_liar(a.addr))
        elif svc == "snmp-garbage":
            servers.append(snmp_garbage(a.addr))
        elif svc == "snmp-meta":
            servers.append(snmp_meta(a.addr, strs))
        elif svc == "ssh-binary":
            servers.append(tcp_service(a.addr, 22, ssh_binary))
        elif svc == "ssh-meta":
            ident = b"SSH-2.0-" + strs[0].replace(b"\r", b"").replace(b"\n", b"")[:200] + b"\r\n"
            servers.append(tcp_service(a.addr, 22, lambda c: (c.sendall(ident), drain(c))))
        elif svc == "http-huge":
            servers.append(tcp_service(a.addr, 80, http_huge))
        elif svc == "http-ansi":
            servers.append(tcp_service(a.addr, 8080, http_ansi))
        elif svc == "http-meta":
            title = b" | ".join(s.replace(b"<", b"&lt;") for s in strs)
            body = b"<html><head><title>" + title + b"</title></head></html>"
            reply = (b"HTTP/1.0 200 OK\r\nServer: " + strs[0] + b"\r\nContent-Type: text/html\r\n"
                     b"Content-Length: " + str(len(body)).encode() + b"\r\n\r\n" + body)

            def http_meta(c, reply=reply):
                http_read_request(c)
                c.sendall(reply)
            servers.append(tcp_service(a.addr, 80, http_meta))
        elif svc == "smb-lie":
            ti = av(1, utf16(b"LIAR")) + av(0, b"")
            servers.append(tcp_service(a.addr, 445, smb_conv(
                ntlm_challenge(b"", ti, ti_off=60000, ti_len=4096))))
        elif svc == "smb-meta":
            ti = (av(1, utf16(strs[0])[:510]) + av(2, utf16(strs[1 % len(strs)])[:510])
                  + av(3, utf16(strs[2 % len(strs)])[:510]) + av(4, utf16(strs[3 % len(strs)])[:510])
                  + av(0, b""))
            servers.append(tcp_service(a.addr, 445, smb_conv(ntlm_challenge(b"", ti))))
        elif svc == "silent":
            servers.extend(silent(a.addr))
        else:
            sys.exit("liar.py: unknown service " + svc)
    for _, run in servers:
        threading.Thread(target=run, daemon=True).start()
    tmp = a.pidfile + ".tmp"
    with open(tmp, "w") as f:
        f.write("%d\n" % os.getpid())
    os.rename(tmp, a.pidfile)
    while True:
        time.sleep(3600)


if __name__ == "__main__":
    main()
