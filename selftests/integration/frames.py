#!/usr/bin/python3 -S
"""The frame and stream tool of the integration tests (lib.sh runs it as `$NST_PYTHON -S frames.py`).

  send IFNAME DST SRC ETHERTYPE COUNT TAG [VID]  COUNT frames, payload "TAG i"; SRC "self" is
                                                 IFNAME's MAC; VID: an 802.1Q tag in the frame
  capture IFNAME OUT READY SECS ENDS [ETHERTYPE]
                                       every frame IFNAME receives (not its own) until frames
                                       tagged with each of ENDS (comma separated) were seen or
                                       SECS passed; JSON to OUT, READY created once listening.
                                       With ETHERTYPE only those frames, as the stack gets them:
                                       after tc ingress, where taps of all frames come before it
  count OUT EXPR                       frames of a capture for which EXPR (python, over f) holds
  join IFNAME GROUP SECS               listens to IPv6 multicast GROUP on IFNAME for SECS
  mcast IFNAME GROUP COUNT             COUNT UDP datagrams (port 9) to IPv6 multicast GROUP
  ra IFNAME PREFIX                     a router advertisement (router lifetime 0: no default
                                       route) to ff02::1 with a /64 prefix information option,
                                       flags on-link and autonomous
  serve OUT READY SECS                 accepts one TCP stream on an ephemeral port (written to
                                       READY), writes "bytes sha256" to OUT
  stream ADDR PORT BYTES SECS          sends BYTES random bytes, prints "bytes sha256"

Crafted frames carry ethertype 0x88b5 or 0x88b6 (IEEE local experimental), whose payload starts
with their tag. Started once per frame batch: -S and no hashlib (slow to import) unless needed.
"""
import json, os, socket, struct, sys, time

SOL_PACKET, PACKET_AUXDATA, PACKET_STATISTICS, TP_STATUS_VLAN_VALID, ETH_P_ALL = 263, 8, 6, 0x10, 3
SO_RCVBUFFORCE = 33
TAGGED_ETHERTYPES = (0x88b5, 0x88b6)
MAX_FRAMES = 50000


def mac_bytes(s, ifname):
    if s == "self":
        s = open("/sys/class/net/%s/address" % ifname).read().strip()
    return bytes(int(x, 16) for x in s.split(":"))


def mac_str(b):
    return ":".join("%02x" % x for x in b)


def write_atomically(path, text):
    """Readers poll for the file: it must appear complete or not at all."""
    with open(path + ".tmp", "w") as f:
        f.write(text)
    os.rename(path + ".tmp", path)


def parse(data, aux_vlan):
    f = {"dst": mac_str(data[0:6]), "src": mac_str(data[6:12]), "tag": None, "proto": None,
         "ipsrc": None, "ipdst": None, "icmp": None}
    et, off = struct.unpack("!H", data[12:14])[0], 14
    vlans = [] if aux_vlan is None else [aux_vlan]
    while et in (0x8100, 0x88a8) and len(data) >= off + 4:
        tci, et = struct.unpack("!HH", data[off:off + 4])
        vlans.append(tci & 0xfff)
        off += 4
    f["vlans"], f["vlan"], f["et"] = vlans, (vlans[0] if vlans else None), et
    body = data[off:]
    if et in TAGGED_ETHERTYPES:
        words = body.split(b"\0")[0].split()
        f["tag"] = words[0].decode(errors="replace") if words else ""
    elif et == 0x0800 and len(body) >= 20:
        ihl = (body[0] & 15) * 4
        f["proto"], f["ipsrc"], f["ipdst"] = body[9], socket.inet_ntop(socket.AF_INET, body[12:16]), \
            socket.inet_ntop(socket.AF_INET, body[16:20])
        if f["proto"] == 1 and len(body) > ihl:
            f["icmp"] = body[ihl]
    elif et == 0x86dd and len(body) >= 40:
        f["proto"], f["ipsrc"], f["ipdst"] = body[6], socket.inet_ntop(socket.AF_INET6, body[8:24]), \
            socket.inet_ntop(socket.AF_INET6, body[24:40])
        if f["proto"] == 58 and len(body) > 40:
            f["icmp"] = body[40]
    return f


def send(ifname, dst, src, et, count, tag, vid=""):
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
    s.bind((ifname, 0))
    head = mac_bytes(dst, ifname) + mac_bytes(src, ifname)
    if vid:
        head += struct.pack("!HH", 0x8100, int(vid))
    head += struct.pack("!H", int(et, 0))
    for i in range(int(count)):
        s.send(head + ("%s %d" % (tag, i)).encode().ljust(46, b"\0"))


def aux_vlan_of(anc):
    """A VLAN tag the driver or veth took out of the frame (offloaded) comes as auxiliary data."""
    for level, kind, cdata in anc:
        if level == SOL_PACKET and kind == PACKET_AUXDATA and len(cdata) >= 20:
            status, _, _, _, _, tci, _ = struct.unpack("IIIHHHH", cdata[:20])
            if status & TP_STATUS_VLAN_VALID:
                return tci & 0xfff
    return None


def capture(ifname, out, ready, secs, ends, ethertype=""):
    ends = set(e for e in ends.split(",") if e)
    proto = int(ethertype, 0) if ethertype else ETH_P_ALL
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(proto))
    s.setsockopt(SOL_PACKET, PACKET_AUXDATA, 1)
    # On 6.1 a frame that XDP redirected into a veth reaches the socket charged a whole page, so
    # the default buffer holds 49 of them (measured in the 6.1 VM), and a capture slowed down by
    # emulation lost the 50th. Room for bursts, and drops counted, so that a socket falling
    # behind is never mistaken for the datapath losing frames.
    s.setsockopt(socket.SOL_SOCKET, SO_RCVBUFFORCE, 16 << 20)
    s.bind((ifname, proto))
    open(ready, "w").close()
    frames, seen, deadline = [], set(), time.monotonic() + float(secs)
    while time.monotonic() < deadline and not (ends and ends <= seen):
        s.settimeout(max(0.01, deadline - time.monotonic()))
        try:
            data, anc, _, addr = s.recvmsg(65535, socket.CMSG_SPACE(32))
        except OSError: # the time limit, or the namespace going away at teardown
            break
        if addr[2] == socket.PACKET_OUTGOING or len(data) < 14:
            continue
        f = parse(data, aux_vlan_of(anc))
        f["pkttype"] = addr[2]
        if len(frames) < MAX_FRAMES:
            frames.append(f)
        if f["tag"] in ends:
            seen.add(f["tag"])
    drops = struct.unpack("II", s.getsockopt(SOL_PACKET, PACKET_STATISTICS, 8))[1]
    write_atomically(out, json.dumps({"frames": frames, "complete": ends <= seen,
                                      "missing": sorted(ends - seen), "socket_drops": drops}))


def count(out, expr):
    code = compile(expr, "<filter>", "eval")
    print(sum(1 for f in json.load(open(out))["frames"] if eval(code, {"f": f})))


def join(ifname, group, secs):
    s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
    mreq = socket.inet_pton(socket.AF_INET6, group) + struct.pack("@I", socket.if_nametoindex(ifname))
    s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_JOIN_GROUP, mreq)
    time.sleep(float(secs)) # leaving (the socket closes with the process) sends the MLD leave


def mcast(ifname, group, n):
    ifindex = socket.if_nametoindex(ifname)
    s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
    s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_MULTICAST_IF, ifindex)
    for i in range(int(n)):
        s.sendto(b"nsteer %d" % i, (group, 9, 0, ifindex))


def ra(ifname, prefix):
    ifindex = socket.if_nametoindex(ifname)
    s = socket.socket(socket.AF_INET6, socket.SOCK_RAW, socket.IPPROTO_ICMPV6)
    s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_MULTICAST_HOPS, 255)
    s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_MULTICAST_IF, ifindex)
    # type, code, checksum (the kernel fills it in), cur hop limit, flags, router lifetime 0 (not
    # a default router), reachable time, retrans timer
    msg = struct.pack("!BBHBBHII", 134, 0, 0, 64, 0, 0, 0, 0)
    msg += struct.pack("!BB", 1, 1) + mac_bytes("self", ifname) # source link-layer address
    # prefix information: /64, flags L (on-link) and A (autonomous), valid 3600 s, preferred 1800 s
    msg += struct.pack("!BBBBIII", 3, 4, 64, 0xc0, 3600, 1800, 0) + socket.inet_pton(socket.AF_INET6, prefix)
    s.sendto(msg, ("ff02::1", 0, 0, ifindex))


def serve(out, ready, secs):
    import hashlib
    ls = socket.socket(socket.AF_INET6, socket.SOCK_STREAM)
    ls.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
    ls.bind(("::", 0))
    ls.listen(1)
    ls.settimeout(float(secs))
    write_atomically(ready, "%d\n" % ls.getsockname()[1])
    c, _ = ls.accept()
    c.settimeout(float(secs))
    h, n = hashlib.sha256(), 0
    while True:
        b = c.recv(1 << 16)
        if not b:
            break
        h.update(b)
        n += len(b)
    write_atomically(out, "%d %s\n" % (n, h.hexdigest()))
    c.close()


def stream(addr, port, nbytes, secs):
    import hashlib
    data = os.urandom(int(nbytes))
    c = socket.create_connection((addr, int(port)), timeout=float(secs))
    c.sendall(data)
    c.shutdown(socket.SHUT_WR)
    while c.recv(1 << 16):
        pass
    print("%d %s" % (len(data), hashlib.sha256(data).hexdigest()))


COMMANDS = {"send": send, "capture": capture, "count": count, "join": join, "mcast": mcast,
            "ra": ra, "serve": serve, "stream": stream}

if __name__ == "__main__":
    if len(sys.argv) < 2 or sys.argv[1] not in COMMANDS:
        sys.exit(__doc__)
    COMMANDS[sys.argv[1]](*sys.argv[2:])
