#!/usr/bin/python3 -S
"""Do nsteer's four views of its ports agree with each other and with what was asked for?

  agree.py MODEL NSTEER NSPREFIX [PATIENCE]

MODEL is JSON {uplink: {netns: PORTS}}: the ports that must exist, on uplinks that must be
attached, where PORTS is a list of {"mac": M, "vlan": V, "ifname": I}, one for each port of the
namespace on that uplink (a namespace may hold several), or one such object alone. Compared,
exactly, port by port (uplink, namespace, interface): `nsteer port list --json`, `nsteer status
--json` (which must report no problem), the pinned maps in the uplink's folder (status's
"pin_dir") read with bpftool, and the kernel's devices (host ends; every namespace whose name
starts with NSPREFIX holds exactly its ports' interfaces, with their MACs, paired with their host
ends; a namespace without a port does not exist, as nsteer made them all). Prints each
disagreement still there after 3 s (times PATIENCE); exit status 1 if any.
"""
import json, os, subprocess, sys, time

INDEX_SIZE = 8192  # NSTEER_INDEX_SIZE
errors = []


def run_json(*cmd, ok=(0,)):
    r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    if r.returncode not in ok:
        errors.append("%s: exit %d: %s" % (" ".join(cmd), r.returncode, r.stderr.strip()[-300:]))
        return None
    return json.loads(r.stdout) if r.stdout.strip() else []


def mac_str(b):
    return ":".join("%02x" % x for x in b)


def u32(hexbytes):
    return int.from_bytes(bytes(int(x, 16) for x in hexbytes[:4]), "little")


def index_of(mac, vlan):
    """nsteer_index_of in headers/nsteer_shared.h."""
    b = bytes(int(x, 16) for x in mac.split(":"))
    x = int.from_bytes(b[2:6], "big") ^ vlan
    x ^= x >> 13
    x ^= x >> 7
    return x & (INDEX_SIZE - 1)


def differ(what, want, have):
    if want != have:
        w, h = set(want.items()), set(have.items())
        errors.append("%s: missing %s; unexpected %s" % (what, sorted(w - h)[:4], sorted(h - w)[:4]))


def ports_of(model):
    """{uplink: {(netns, ifname): (mac, vlan)}} from MODEL."""
    out = {}
    for up, by_ns in model.items():
        out[up] = {}
        for ns, ports in by_ns.items():
            for p in ports if isinstance(ports, list) else [ports]:
                out[up][(ns, p["ifname"])] = (p["mac"], p["vlan"])
    return out


def pins(up, d, want):
    """The maps in folder d as bpftool prints them, against the ports (and the one true record of
    each port, port_by_ifindex, against the others)."""
    dump = lambda m: run_json("bpftool", "-j", "map", "dump", "pinned", "%s/%s" % (d, m)) or []
    by_ifx = {}
    for e in dump("port_by_ifindex"):
        v = e["formatted"]["value"]
        by_ifx[e["formatted"]["key"]] = v
        if v["ifindex"] != e["formatted"]["key"]:
            errors.append("%s port_by_ifindex: key %d holds ifindex %d" % (up, e["formatted"]["key"], v["ifindex"]))
    have = {(v["netns"], v["ifname"]): (mac_str(v["mac"]), v["vlan"]) for v in by_ifx.values()}
    if len(have) != len(by_ifx):
        errors.append("%s port_by_ifindex: a (namespace, interface) has two entries" % up)
    differ("%s pinned port_by_ifindex" % up, want, have)
    slots = {v["slot"]: v for v in by_ifx.values()}
    if len(slots) != len(by_ifx) or 0 in slots:
        errors.append("%s: two ports share a slot, or one has slot 0: %s" % (up, sorted(v["slot"] for v in by_ifx.values())))
    differ("%s pinned ports" % up,
           {(mac_str(v["mac"]), v["vlan"]): (v["ifindex"], v["slot"]) for v in by_ifx.values()},
           {(mac_str(e["formatted"]["key"]["mac"]), e["formatted"]["key"]["vlan"]):
            (e["formatted"]["value"]["ifindex"], e["formatted"]["value"]["slot"]) for e in dump("ports")})
    differ("%s pinned port_slots" % up,
           {s: (mac_str(v["mac"]), v["vlan"], v["ifindex"]) for s, v in slots.items()},
           {e["formatted"]["key"]: (mac_str(e["formatted"]["value"]["mac"]), e["formatted"]["value"]["vlan"],
                                    e["formatted"]["value"]["ifindex"])
            for e in dump("port_slots") if e["formatted"]["value"]["ifindex"]})
    differ("%s pinned port_devs" % up, {s: v["ifindex"] for s, v in slots.items()},
           {u32(e["key"]): u32(e["value"]) for e in dump("port_devs") if isinstance(e["value"], list)})
    # Each port sits in its mac_index entry, or that entry counts it as overflow.
    wanted_index = {}
    for s, v in slots.items():
        wanted_index.setdefault(index_of(mac_str(v["mac"]), v["vlan"]), []).append(s)
    index = {e["formatted"]["key"]: e["formatted"]["value"] for e in dump("mac_index")
             if e["formatted"]["value"]["slot"] or e["formatted"]["value"]["overflow"]}
    for i in set(index) | set(wanted_index):
        e, ss = index.get(i, {"slot": 0, "overflow": 0}), wanted_index.get(i, [])
        if (e["slot"] and e["slot"] not in ss) or e["overflow"] != len(ss) - (1 if e["slot"] else 0) or (ss and not e["slot"]):
            errors.append("%s mac_index[%d] = %s, but the ports mapping there have slots %s" % (up, i, e, ss))
    cfg = dump("uplink_config")
    if cfg and slots and cfg[0]["formatted"]["value"]["slots_used"] <= max(slots):
        errors.append("%s: slots_used %d does not cover slot %d" % (up, cfg[0]["formatted"]["value"]["slots_used"], max(slots)))
    return by_ifx


def check(model, nsteer, prefix):
    model = ports_of(model)
    listed = [l for up in model for l in run_json(nsteer, "port", "list", up, "--json") or []]
    # Per uplink: other labs' uplinks (tests running at the same time) are none of this test's.
    status = {}
    for up in model:
        for s in run_json(nsteer, "status", up, "--json", ok=(0, 1)) or []:
            status[s.get("uplink")] = s
        r = subprocess.run([nsteer, "status", up], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        if r.returncode != 0:
            errors.append("nsteer status %s exits %d (problems found)" % (up, r.returncode))
    host_links = {l["ifname"]: l for l in run_json("ip", "-j", "-d", "link", "show") or []}
    in_ns = {}  # netns -> {ifname: (mac, host ifindex)} wanted
    for up, want in model.items():
        mine = {(l["netns"], l["ifname"]): (l["mac"], l["vlan"]) for l in listed if l["uplink"] == up}
        differ("%s port list" % up, want, mine)
        s = status.get(up)
        if not s:
            errors.append("status does not list %s" % up)
            continue
        if s.get("problems"):
            errors.append("status reports problems on %s: %s" % (up, s["problems"][:3]))
        differ("%s status" % up, want,
               {(p["netns"], p["ifname"]): (p["mac"], p["vlan"]) for p in s.get("ports", [])})
        if not s.get("pin_dir"):
            errors.append("status names no pin folder (pin_dir) for %s" % up)
            continue
        for v in pins(up, s["pin_dir"], want).values():
            h = host_links.get(v["host_ifname"])
            if not h or h["ifindex"] != v["ifindex"] or h.get("linkinfo", {}).get("info_kind") != "veth":
                errors.append("%s: host end %s (ifindex %d) of %s is not there as a veth" % (up, v["host_ifname"], v["ifindex"], v["netns"]))
            elif h.get("link_index") != v["peer_ifindex"] or "UP" not in h["flags"]:
                errors.append("%s: host end %s is not up or not paired with %s's ifindex %d" % (up, v["host_ifname"], v["netns"], v["peer_ifindex"]))
            in_ns.setdefault(v["netns"], {})[v["ifname"]] = (mac_str(v["mac"]), v["ifindex"])
    for n in set(ns for p in model.values() for ns, _ in p) - set(in_ns):
        in_ns.setdefault(n, {})
    existing = sorted(n for n in os.listdir("/var/run/netns") if n.startswith(prefix))
    wanted_ns = sorted(n for n in in_ns if n.startswith(prefix))
    if existing != wanted_ns:
        errors.append("namespaces: missing %s; without a port but still there %s" % (
            sorted(set(wanted_ns) - set(existing))[:5], sorted(set(existing) - set(wanted_ns))[:5]))
    for n in existing:
        links = run_json("ip", "-n", n, "-j", "link", "show") or []
        have = {l["ifname"]: (l["address"], l.get("link_index")) for l in links if l["ifname"] != "lo"}
        differ("devices in %s" % n, in_ns.get(n, {}), have)
    notes = [n for n in os.listdir("/run/nsteer/created-netns") if n.startswith(prefix)] \
        if os.path.isdir("/run/nsteer/created-netns") else []
    if notes:
        errors.append("creation notes left for %s" % notes[:5])


def main(model_path, nsteer, prefix, patience="1"):
    """A namespace whose name is gone is destroyed, with its devices, by the kernel's cleanup
    worker a moment later: so disagreement gets a few seconds to go away."""
    model = json.load(open(model_path))
    for _ in range(10 * int(patience)):
        del errors[:]
        check(model, nsteer, prefix)
        if not errors:
            return
        time.sleep(0.3)
    for e in errors:
        print("  " + e, file=sys.stderr)
    sys.exit(1)


if __name__ == "__main__":
    if len(sys.argv) not in (4, 5):
        sys.exit(__doc__)
    main(*sys.argv[1:])
