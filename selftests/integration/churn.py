#!/usr/bin/python3 -S
"""The churn test's tool (test_churn.sh): traffic to many ports while ports come and go.

  plan OUT NPORTS NNS NSPREFIX SEED UPLINK
                                         the identities (MAC, VLAN) and where each port starts;
                                         prints the nsteer batch that adds the first ports
  receive PLAN READY STOP OUT            counts what every port namespace receives
  drive PLAN NSTEER UPLINK WIRE SECS PPS WORKERS OUT
                                         sends to every identity from the wire while WORKERS
                                         threads delete and re-add ports for SECS seconds
  report PLAN SENT RECEIVED LISTED       compares; prints one line of figures; exit 1 on
                                         misdelivery (or anything else that must not happen)

An identity is a (MAC, VLAN) pair; VLAN 0 means untagged. A port with identity i has the
interface name "m<mac>v<vlan>" in its namespace, so any frame a namespace receives can be checked
against the identity of the device it arrived on, however late the receiver reads it. A namespace
holds any number of ports (one uplink, several interfaces), the same MAC on two VLANs included:
a port goes with `port del UPLINK NETNS --ifname NAME`, every port of a namespace with `port del
UPLINK NETNS`. Every frame names the identity it is for, the generation of that identity's port
(bumped by each add) and what the driver was doing to that port when the frame left: absent,
adding, present, removing.
"""
import ctypes, json, os, random, select, socket, struct, subprocess, sys, threading, time

ETH_P_ALL, ETH_P_CHURN, ETH_P_8021Q = 3, 0x88b5, 0x8100
SOL_PACKET, PACKET_STATISTICS, PACKET_OUTGOING = 263, 6, 4
SO_RCVBUFFORCE = 33
CLONE_NEWNET = 0x40000000
MAGIC = b"NSTCHURN"
# magic, MAC number, VLAN, generation, state, sequence number
PAYLOAD = struct.Struct("!8sHHIBI")
ABSENT, ADDING, PRESENT, REMOVING = range(4)
STATES = ("absent", "adding", "present", "removing")
VLANS = (0, 10, 20)
INDEX_SIZE = 8192  # NSTEER_INDEX_SIZE

libc = ctypes.CDLL(None, use_errno=True)


def setns(path):
    """Debian 12's python 3.11 has no os.setns."""
    fd = os.open(path, os.O_RDONLY)
    try:
        if libc.setns(fd, CLONE_NEWNET) != 0:
            e = ctypes.get_errno()
            raise OSError(e, "setns %s: %s" % (path, os.strerror(e)))
    finally:
        os.close(fd)


def mac_of(m):
    return "02:5e:c4:%02x:%02x:%02x" % (m >> 16 & 255, m >> 8 & 255, m & 255)


def ifname_of(m, vlan):
    return "m%dv%d" % (m, vlan)


def index_of(m, vlan):
    """nsteer_index_of in headers/nsteer_shared.h, for MACs from mac_of."""
    x = (0xc4 << 24 | m) ^ vlan
    x ^= x >> 13
    x ^= x >> 7
    return x & (INDEX_SIZE - 1)


def load(path):
    with open(path) as f:
        return json.load(f)


def dump(path, obj):
    with open(path + ".tmp", "w") as f:
        json.dump(obj, f)
    os.rename(path + ".tmp", path)


# ---- plan ----

def plan(out, nports, nns, prefix, seed, uplink):
    """MAC numbers come in pairs that share their mac_index entry (on VLAN 0), so that removing and
    re-adding ports also exercises the ports that overflow the index into the hash. nports ports
    out of 3 x nmacs identities, in namespaces of nns that hold one, two or three of them (some
    namespaces are left empty: moves need room)."""
    nports, nns = int(nports), int(nns)
    rnd = random.Random(int(seed))
    nmacs = max(4, nports * 2 // 3)
    by_index, macs, m = {}, [], 1
    while len(macs) < nmacs:
        by_index.setdefault(index_of(m, 0), []).append(m)
        if len(by_index[index_of(m, 0)]) == 2:
            macs += by_index[index_of(m, 0)]
        m += 1
    idents = [(m, v) for m in macs[:nmacs] for v in VLANS]
    start = rnd.sample(range(len(idents)), nports)
    namespaces = ["%s%d" % (prefix, i) for i in range(nns)]
    ports, k = {}, 0
    while start:
        for _ in range(rnd.choice((1, 1, 2, 3))):
            if start:
                # Past the last namespace but one (room for moves), into those already used.
                ports[str(start.pop())] = namespaces[k if k < nns - 1 else rnd.randrange(nns - 1)]
        k += 1
    dump(out, {"idents": idents, "namespaces": namespaces, "ports": ports})
    for i, ns in ports.items():  # the lines of an nsteer batch that adds them
        m, v = idents[int(i)]
        print("port add %s %s --mac %s%s --ifname %s" % (uplink, ns, mac_of(m), " --vlan %d" % v if v else "",
                                                         ifname_of(m, v)))


# ---- receive ----

class SockaddrLL(ctypes.Structure):
    _fields_ = [("family", ctypes.c_ushort), ("protocol", ctypes.c_ushort),
                ("ifindex", ctypes.c_int), ("hatype", ctypes.c_ushort),
                ("pkttype", ctypes.c_ubyte), ("halen", ctypes.c_ubyte),
                ("addr", ctypes.c_ubyte * 8)]


class Namespace:
    """An ETH_P_ALL socket bound to no device sees every device of the namespace, also those
    created later, from the first frame on. Python's recvfrom names the device by asking the
    kernel at read time, which fails once the device is gone; the ifindex (read with libc's
    recvfrom) and the namespace's link notifications, queued when the device was made, name it
    however late the frame is read."""

    def __init__(self, name):
        setns("/var/run/netns/" + name)
        self.name = name
        self.pkt = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_ALL))
        self.pkt.setsockopt(socket.SOL_SOCKET, SO_RCVBUFFORCE, 8 << 20)
        self.pkt.setblocking(False)
        self.nl = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, 0)  # NETLINK_ROUTE
        self.nl.setsockopt(socket.SOL_SOCKET, SO_RCVBUFFORCE, 4 << 20)
        self.nl.bind((0, 1))  # RTMGRP_LINK
        self.nl.setblocking(False)
        self.links = {}  # ifindex -> (name, mac)

    def read_links(self):
        while True:
            try:
                data = self.nl.recv(1 << 16)
            except BlockingIOError:
                return
            off = 0
            while off + 16 <= len(data):
                ln, typ = struct.unpack_from("=IH", data, off)
                if typ == 16 and ln >= 32:  # RTM_NEWLINK
                    ifindex = struct.unpack_from("=i", data, off + 20)[0]
                    name, mac, a = None, None, off + 32
                    while a + 4 <= off + ln:
                        alen, atype = struct.unpack_from("=HH", data, a)
                        if alen < 4:
                            break
                        val = data[a + 4:a + alen]
                        if atype == 3:  # IFLA_IFNAME
                            name = val.rstrip(b"\0").decode()
                        elif atype == 1:  # IFLA_ADDRESS
                            mac = ":".join("%02x" % b for b in val)
                        a += (alen + 3) & ~3
                    old = self.links.get(ifindex, (None, None))
                    self.links[ifindex] = (name or old[0], mac or old[1])
                off += max((ln + 3) & ~3, 16)

    def device(self, ifindex):
        if ifindex not in self.links:
            self.read_links()
        return self.links.get(ifindex)


def receive(plan_path, ready, stop, out):
    p = load(plan_path)
    idents = [tuple(i) for i in p["idents"]]
    ident_of_name = {ifname_of(m, v): (k, mac_of(m)) for k, (m, v) in enumerate(idents)}
    home = "/proc/self/ns/net"
    home_fd = os.open(home, os.O_RDONLY)
    nss = [Namespace(n) for n in p["namespaces"]]
    libc.setns(home_fd, CLONE_NEWNET)
    ep = select.epoll()
    by_fd = {}
    for ns in nss:
        ep.register(ns.pkt.fileno(), select.EPOLLIN)
        by_fd[ns.pkt.fileno()] = ns
    open(ready, "w").close()
    buf = ctypes.create_string_buffer(2048)
    sll = SockaddrLL()
    sll_len = ctypes.c_uint(ctypes.sizeof(sll))
    recvfrom = libc.recvfrom
    got = {}  # "ident gen state" -> frames delivered to that identity's device
    seen = set()
    mis, nmis, unnamed, tagged, dups, other = [], 0, 0, 0, 0, 0
    stopping = None
    while True:
        events = ep.poll(0.1)
        if stopping is None and os.path.exists(stop):
            stopping = time.monotonic()
        # Once told to stop: until a quiet moment, for frames still on their way (the ports' own
        # IPv6 chatter may never let it be entirely quiet)
        if stopping is not None and (not events or time.monotonic() - stopping > 3):
            break
        for fd, _ in events:
            ns = by_fd[fd]
            while True:
                sll_len.value = ctypes.sizeof(sll)
                n = recvfrom(fd, buf, 2048, socket.MSG_DONTWAIT, ctypes.byref(sll), ctypes.byref(sll_len))
                if n < 0:
                    break
                if sll.pkttype == PACKET_OUTGOING or n < 14 + PAYLOAD.size:
                    continue
                data = buf.raw[:n]
                et, off = struct.unpack_from("!H", data, 12)[0], 14
                if et == ETH_P_8021Q:
                    et, off = struct.unpack_from("!H", data, 16)[0], 18
                    if et == ETH_P_CHURN:
                        tagged += 1
                if et != ETH_P_CHURN or data[off:off + 8] != MAGIC:
                    other += 1
                    continue
                _, m, v, gen, state, seq = PAYLOAD.unpack_from(data, off)
                dev = ns.device(sll.ifindex)
                want = ifname_of(m, v)
                if not dev or dev[0] not in ident_of_name:
                    unnamed += 1
                    continue
                k, mac = ident_of_name[dev[0]]
                if dev[0] != want or dev[1] != mac:
                    nmis += 1
                    if len(mis) < 20:
                        mis.append({"for": [mac_of(m), v, gen, STATES[state]], "to": ns.name,
                                    "device": dev[0], "device_mac": dev[1], "seq": seq})
                    continue
                if seq in seen:
                    dups += 1
                    continue
                seen.add(seq)
                key = "%d %d %d" % (k, gen, state)
                got[key] = got.get(key, 0) + 1
    drops = 0
    for ns in nss:
        drops += struct.unpack("II", ns.pkt.getsockopt(SOL_PACKET, PACKET_STATISTICS, 8))[1]
    dump(out, {"got": got, "misdelivered": nmis, "misdelivered_first": mis[:20],
               "unnamed": unnamed, "tagged": tagged, "duplicates": dups, "socket_drops": drops})


# ---- drive ----

class Driver:
    def __init__(self, p, nsteer, uplink, secs, workers):
        self.idents = [tuple(i) for i in p["idents"]]
        self.namespaces = p["namespaces"]
        self.nsteer, self.uplink, self.secs = nsteer, uplink, float(secs)
        self.state = [ABSENT] * len(self.idents)
        self.gen = [0] * len(self.idents)
        self.where = {}  # identity -> namespace, for ports that exist (or are being made)
        for i, ns in p["ports"].items():
            self.state[int(i)], self.gen[int(i)], self.where[int(i)] = PRESENT, 1, ns
        self.busy_ns = set()  # namespaces an operation holds
        self.busy = set()  # identities an operation holds
        self.lock = threading.Lock()
        self.ops = {"move": 0, "revlan": 0, "remac": 0, "nsdel": 0}
        # Ports that namespace-wide deletes removed; adds into a namespace holding other ports;
        # the most ports one namespace held
        self.nsdel_ports, self.shared_adds = 0, 0
        self.most_in_ns = max(self.counts().values(), default=0)
        self.commands, self.errors = 0, []
        self.rnd = random.Random(os.getpid())

    def counts(self):
        n = {}
        for ns in self.where.values():
            n[ns] = n.get(ns, 0) + 1
        return n

    def nsteer_run(self, *args):
        r = subprocess.run([self.nsteer] + list(args), stdout=subprocess.DEVNULL,
                           stderr=subprocess.PIPE, text=True)
        with self.lock:
            self.commands += 1
            if r.returncode != 0:
                self.errors.append("nsteer %s: exit %d: %s" % (" ".join(args), r.returncode,
                                                                r.stderr.strip()[-300:]))
        return r.returncode == 0

    def pick(self):
        """Under the lock: an operation and what it holds, or None. The first one empties a
        namespace, so that even a run of a few operations (in a slow VM) has one."""
        with self.lock:
            op = ((not self.ops["nsdel"] or self.rnd.random() < 0.2) and self.pick_namespace()
                  or self.pick_port())
            if op:
                self.busy |= set(op[1]) | ({op[3]} if op[3] is not None else set())
                self.busy_ns |= {op[2], op[4]}
                self.ops[op[0]] += 1
                for i in op[1]:
                    self.state[i] = REMOVING
            return op

    def pick_namespace(self):
        """A namespace holding several ports loses them all (port del without --ifname); they
        come back together, in it or in an empty one."""
        by_ns = {}
        for i, ns in self.where.items():
            by_ns.setdefault(ns, []).append(i)
        cands = [ns for ns, ids in by_ns.items()
                 if len(ids) > 1 and ns not in self.busy_ns and not self.busy & set(ids)]
        empty = [n for n in self.namespaces if n not in by_ns and n not in self.busy_ns]
        if not cands:
            return None
        ns_a = self.rnd.choice(cands)
        ns_b = self.rnd.choice(empty) if empty and self.rnd.random() < 0.5 else ns_a
        self.nsdel_ports += len(by_ns[ns_a])
        return "nsdel", sorted(by_ns[ns_a]), ns_a, None, ns_b

    def pick_port(self):
        """A port to remove (port del --ifname) and what comes back instead: the same identity in
        another namespace (a MAC moving), the same MAC on another VLAN, or another MAC on the
        same VLAN; into the same namespace, one that holds other ports, or an empty one. The
        slot the port frees is the lowest free one, so the newcomer usually takes it over."""
        present = [i for i, s in enumerate(self.state)
                   if s == PRESENT and i not in self.busy and self.where[i] not in self.busy_ns]
        if not present:
            return None
        a = self.rnd.choice(present)
        m, v = self.idents[a]
        ns_a = self.where[a]
        kind = self.rnd.choice(("move", "revlan", "remac"))
        if kind == "move":
            cands = [a]
        elif kind == "revlan":
            cands = [i for i, (m2, v2) in enumerate(self.idents) if m2 == m and v2 != v]
        else:
            cands = [i for i, (m2, v2) in enumerate(self.idents) if v2 == v and m2 != m]
        cands = [i for i in cands if i == a or (self.state[i] == ABSENT and i not in self.busy)]
        count = self.counts()
        # At most four ports a namespace, so that namespaces of one port stay common too
        shared = [n for n, c in count.items() if n != ns_a and n not in self.busy_ns and c < 4]
        empty = [n for n in self.namespaces if n not in count and n not in self.busy_ns]
        places = [p for p in ([] if kind == "move" else [ns_a], shared, empty) if p]
        if not cands or not places:
            return None
        return kind, [a], ns_a, self.rnd.choice(cands), self.rnd.choice(self.rnd.choice(places))

    def add(self, b, ns_b):
        """Adds identity b's port to ns_b; the caller has marked it absent."""
        with self.lock:
            self.gen[b] += 1
            self.state[b] = ADDING
            self.shared_adds += ns_b in self.where.values()
            self.where[b] = ns_b
            self.most_in_ns = max(self.most_in_ns, self.counts()[ns_b])
        m, v = self.idents[b]
        args = ["port", "add", self.uplink, ns_b, "--mac", mac_of(m), "--ifname", ifname_of(m, v)]
        if v:
            args += ["--vlan", str(v)]
        ok = self.nsteer_run(*args)
        with self.lock:
            self.state[b] = PRESENT
        return ok

    def operate(self, kind, gone, ns_a, b, ns_b):
        if kind == "nsdel":
            ok = self.nsteer_run("port", "del", self.uplink, ns_a)
        else:
            ok = self.nsteer_run("port", "del", self.uplink, ns_a, "--ifname", ifname_of(*self.idents[gone[0]]))
        with self.lock:
            for i in gone:
                self.state[i] = ABSENT
                del self.where[i]
        for i in gone if kind == "nsdel" else [b]:
            ok = ok and self.add(i, ns_b)
        with self.lock:
            self.busy -= set(gone) | {b}  # b is None for nsdel
            self.busy_ns -= {ns_a, ns_b}
        return ok

    def worker(self, deadline):
        try:
            while time.monotonic() < deadline and not self.errors:
                op = self.pick()
                if op is None:
                    time.sleep(0.01)
                elif not self.operate(*op):
                    return
        except Exception as e:  # a worker that died must fail the test, not thin the churn
            with self.lock:
                self.errors.append("worker: %r" % e)
            raise


def drive(plan_path, nsteer, uplink, wire, secs, pps, workers, out):
    p = load(plan_path)
    d = Driver(p, nsteer, uplink, secs, int(workers))
    home_fd = os.open("/proc/self/ns/net", os.O_RDONLY)
    setns("/var/run/netns/" + wire)
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
    s.bind(("wire0", 0))
    libc.setns(home_fd, CLONE_NEWNET)
    src = s.getsockname()[4]
    heads = []
    for m, v in d.idents:
        h = bytes.fromhex(mac_of(m).replace(":", "")) + src
        if v:
            h += struct.pack("!HH", ETH_P_8021Q, v)
        heads.append(h + struct.pack("!H", ETH_P_CHURN))
    sent = {}
    seq, rounds, pps = 0, 0, float(pps)
    t0 = time.monotonic()
    deadline = t0 + d.secs
    threads = [threading.Thread(target=d.worker, args=(deadline,)) for _ in range(int(workers))]
    for t in threads:
        t.start()
    order = list(range(len(d.idents)))
    random.shuffle(order)
    while time.monotonic() < deadline:
        # Identities without a port get a frame every 8th round: enough to show that frames for
        # a MAC nobody owns reach nobody, without spending most of the rate on them.
        for i in order:
            st = d.state[i]
            if st == ABSENT and rounds % 8:
                continue
            m, v = d.idents[i]
            g = d.gen[i]
            seq += 1
            s.send(heads[i] + PAYLOAD.pack(MAGIC, m, v, g, st, seq).ljust(46 - (4 if v else 0), b"\0"))
            key = "%d %d %d" % (i, g, st)
            sent[key] = sent.get(key, 0) + 1
            if seq % 64 == 0:
                ahead = seq / pps - (time.monotonic() - t0)
                if ahead > 0:
                    time.sleep(ahead)
        rounds += 1
    for t in threads:
        t.join()
    final = {str(i): d.where[i] for i, st in enumerate(d.state) if st == PRESENT}
    dump(out, {"sent": sent, "frames": seq, "ops": d.ops, "commands": d.commands,
               "errors": d.errors, "ports": final, "secs": time.monotonic() - t0,
               "nsdel_ports": d.nsdel_ports, "shared_adds": d.shared_adds, "most_in_ns": d.most_in_ns})


# ---- report ----

def report(plan_path, sent_path, rx_path, listed_path):
    p, sd, rx = load(plan_path), load(sent_path), load(rx_path)
    idents = [tuple(i) for i in p["idents"]]
    listed = load(listed_path)
    totals = {s: [0, 0] for s in STATES}  # state -> [sent, delivered]
    for key, n in sd["sent"].items():
        st = STATES[int(key.split()[2])]
        totals[st][0] += n
        totals[st][1] += min(n, rx["got"].get(key, 0))
    delivered = sum(rx["got"].values())
    churn_sent = totals["adding"][0] + totals["removing"][0]
    churn_lost = churn_sent - totals["adding"][1] - totals["removing"][1]
    stable_lost = totals["present"][0] - totals["present"][1]
    ops = sum(sd["ops"].values())
    print("churn: sent %d, delivered %d, misdelivered %d, lost during churn %d of %d, lost to stable"
          " ports %d of %d (%.3f%%), to absent ports %d (delivered %d), receiver socket drops %d;"
          " %d operations (%s; %d ports went with their namespace, %d added beside others,"
          " at most %d in one namespace) by %d nsteer commands in %.1f s" % (
              sd["frames"], delivered, rx["misdelivered"], churn_lost, churn_sent, stable_lost,
              totals["present"][0], 100.0 * stable_lost / max(1, totals["present"][0]),
              totals["absent"][0], totals["absent"][1], rx["socket_drops"], ops,
              ", ".join("%d %s" % (n, k) for k, n in sorted(sd["ops"].items())), sd["nsdel_ports"],
              sd["shared_adds"], sd["most_in_ns"], sd["commands"], sd["secs"]))
    bad = []
    if rx["misdelivered"]:
        bad.append("%d frames reached a port they were not addressed to, first: %s" % (
            rx["misdelivered"], json.dumps(rx["misdelivered_first"][:5])))
    if rx["unnamed"]:
        bad.append("%d frames arrived on a device the receiver cannot name (not a port's)" % rx["unnamed"])
    if rx["duplicates"]:
        bad.append("%d frames were delivered more than once" % rx["duplicates"])
    if rx["tagged"]:
        bad.append("%d frames reached a port still carrying their VLAN tag" % rx["tagged"])
    if sd["errors"]:
        bad.append("nsteer commands failed: " + "; ".join(sd["errors"][:3]))
    if ops == 0:
        bad.append("no port was churned")
    if not sd["ops"]["nsdel"] or not sd["shared_adds"]:
        bad.append("no namespace lost several ports at once (%d), or none got a port beside"
                   " others (%d): the churn left namespaces of several ports untried" % (
                       sd["ops"]["nsdel"], sd["shared_adds"]))
    if totals["present"][1] == 0:
        bad.append("no frame reached a stable port")
    want = sorted((p_ns, ifname_of(*idents[int(i)]), "%s %d" % (mac_of(idents[int(i)][0]), idents[int(i)][1]))
                  for i, p_ns in sd["ports"].items())
    have = sorted((l["netns"], l["ifname"], "%s %d" % (l["mac"], l.get("vlan", 0))) for l in listed)
    if want != have:
        extra = [x for x in have if x not in want][:5]
        missing = [x for x in want if x not in have][:5]
        bad.append("port list disagrees with the ports the driver made: extra %s, missing %s" % (extra, missing))
    for b in bad:
        print("  " + b, file=sys.stderr)
    sys.exit(1 if bad else 0)


COMMANDS = {"plan": plan, "receive": receive, "drive": drive, "report": report}

if __name__ == "__main__":
    if len(sys.argv) < 2 or sys.argv[1] not in COMMANDS:
        sys.exit(__doc__)
    COMMANDS[sys.argv[1]](*sys.argv[2:])
