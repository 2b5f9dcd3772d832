#!/usr/bin/env python3
"""Turns bench.sh's raw samples into the table of SPEC section 6 and a JSON file."""
import json
import statistics
import sys
from collections import defaultdict

LABELS = {
    "xdp_drop": "XDP_DROP on the uplink (ceiling)",
    "bare_redirect": "bare devmap redirect -> port XDP drop",
    "nsteer_xdp_drop": "nsteer XDP -> port XDP drop",
    "nsteer_stack": "nsteer XDP -> port stack",
    "macvlan_stack": "macvlan (bridge) -> port stack",
    "bridge_stack": "Linux bridge + veth -> port stack",
    "tc_peer_stack": "tc redirect_peer (nsteer --xdp-mode off, TCX) -> stack",
    "tc_clsact_stack": "the same on clsact (--tc-hook clsact) -> stack",
    "nsteer_skb_stack": "nsteer generic XDP (--xdp-mode skb) -> stack",
    "unknown_drop": "nsteer --unknown drop, unknown MAC",
    "unknown_drop_no_monitor": "the same, built without the monitor's switch",
    "unknown_drop_monitored": "the same, nsteer monitor reading every drop",
}

SPREAD_PATHS = {"native": "nsteer native XDP", "skb": "nsteer generic XDP", "off": "nsteer tc only",
                "macvlan": "macvlan"}
TCP_PATHS = {"nsteer": "nsteer native XDP", "nsteer_skb": "nsteer generic XDP (--xdp-mode skb)",
             "tc_peer": "nsteer tc redirect_peer (--xdp-mode off)", "macvlan": "macvlan (bridge)",
             "bridge": "Linux bridge + veth"}

# (name, numerator, denominator, bar): ratio of medians, met when >= bar
RATIO_BARS = [
    ("steering decision cost", "nsteer_xdp_drop", "bare_redirect", 0.9),
    ("into the stack vs macvlan", "nsteer_stack", "macvlan_stack", 1.0),
    ("into the stack vs bridge", "nsteer_stack", "bridge_stack", 2.0),
    ("into the stack vs tc redirect_peer", "nsteer_stack", "tc_peer_stack", 1.2),
    # The hooks side by side: no bar, the kernel picks TCX where it has it.
    ("tc only, TCX vs clsact", "tc_peer_stack", "tc_clsact_stack", None),
    ("unknown-MAC drop vs XDP_DROP", "unknown_drop", "xdp_drop", 0.9),
    # What watching costs: no bar, a monitor is a debugging tool (the ring drops what the reader
    # cannot keep up with; the counters still count every drop).
    ("unknown-MAC drop, idle switch vs none", "unknown_drop", "unknown_drop_no_monitor", None),
    ("unknown-MAC drop, monitored vs not", "unknown_drop_monitored", "unknown_drop", None),
]


def threads_of(generator):
    """af_packet/T ran on T threads, each busy the whole run; live frames on one."""
    return int(generator.split("/")[1]) if "/" in generator else 1


def main(results_path, json_path):
    samples = defaultdict(list)
    offered = defaultdict(list)
    generators = defaultdict(set)  # path -> the generators its samples came from
    hooks = defaultdict(set)  # path -> the tc hook nsteer's uplink program was on ("-": none)
    for line in open(results_path):
        f = line.split()
        if f and f[0] == "generator":
            generators[f[1]].add(f[2])
            continue
        if f and f[0] == "hook":
            hooks[f[1]].add(f[2])
            continue
        if not f or f[0] == "frames":  # frames: the delivery accounting, read below
            continue
        samples[(f[0], f[1])].append(float(f[2]))
        if f[0] == "pps":
            offered[f[1]].append(float(f[4]))

    def med(kind, name):
        v = samples.get((kind, name))
        return statistics.median(v) if v else None

    used = sorted(set().union(*generators.values())) if generators else []
    report = {"paths": {}, "ratios": [], "scale": {}, "control_plane": {}, "tcp_gbps": {},
              "generators": used}

    def cpu_ns(name):
        """CPU time per delivered frame, generator included: its threads were busy throughout."""
        m, gen = med("pps", name), generators.get(name)
        return threads_of(sorted(gen)[0]) * 1e9 / m if m and gen and len(gen) == 1 else None

    # The generator's own cost per frame: the path that drops every frame the moment it arrives.
    # A path's receive cost is its CPU time per delivered frame less that; frames lost on the way
    # are charged to the delivered ones, which only makes a path look slower.
    gen_ns = cpu_ns("xdp_drop")
    # That row must be the fastest of the paths that end on the uplink or a port's XDP: when
    # another outran it, the generator's cost moved between samples by more than the receive
    # costs being compared, and every difference taken against it would mislead.
    ceiling, fastest = med("pps", "xdp_drop"), max(
        (statistics.median(v) for (k, n), v in samples.items() if k == "pps" and n in LABELS),
        default=None)
    costs_unusable = gen_ns is not None and ceiling < fastest
    if costs_unusable:
        gen_ns = None

    def rx_ns(name):
        c = cpu_ns(name)
        cost = c - gen_ns if c is not None and gen_ns is not None else None
        return cost if cost is None or cost > 0 else None  # below the noise: not a cost

    print(f"\ngenerator: {', '.join(used) or 'unknown'}"
          + ("   (MIXED: rates of different generators do not compare)" if len(used) > 1 else ""))
    if costs_unusable:
        print(f"NO RECEIVE COSTS: the XDP_DROP row ({ceiling / 1e6:.2f} Mpps), the generator's own, "
              f"was outrun by another path ({fastest / 1e6:.2f} Mpps): the generator's cost moved "
              "more than the costs compared; verdicts below are of rates")
    report["costs_usable"] = not costs_unusable
    if gen_ns is not None:
        print(f"its own cost: {gen_ns:.0f} ns of CPU per frame (the XDP_DROP row); 'rx ns' below is "
              "each path's CPU time per delivered frame less that")
    print(f"{'path (64-byte UDP frames)':<52} {'median Mpps':>11} {'min-max':>15} {'offered':>8} {'rx ns':>7}"
          f" {'tc hook':>7}")
    for name, label in LABELS.items():
        v = samples.get(("pps", name))
        if not v:
            continue
        m = statistics.median(v)
        cost = rx_ns(name)
        hook = ",".join(sorted(hooks.get(name, {"-"})))
        report["paths"][name] = {"median_pps": m, "min_pps": min(v), "max_pps": max(v),
                                 "samples": v, "offered_pps": statistics.median(offered[name]),
                                 "rx_ns_per_frame": cost, "tc_hook": hook}
        shown = f"{cost:>7.0f}" if cost is not None and name != "xdp_drop" else f"{'-':>7}"
        print(f"{label:<52} {m / 1e6:>11.2f} {min(v) / 1e6:>7.2f}-{max(v) / 1e6:<7.2f}"
              f" {statistics.median(offered[name]) / 1e6:>8.2f} {shown} {hook:>7}")

    print()
    print(f"{'SPEC 6 bar':<40} {'ratio':>7} {'bar':>6}  verdict   (of receive costs, rx ns, where "
          "neither side is the generator's own row; else of rates)")
    for label, num, den, bar in RATIO_BARS:
        a, b = med("pps", num), med("pps", den)
        if a is None or not b:
            continue
        ca, cb = rx_ns(num), rx_ns(den)
        # Speed is the inverse of cost: nsteer at half macvlan's receive cost is 2x.
        by_cost = den != "xdp_drop" and ca is not None and cb is not None and ca > 0
        ratio = cb / ca if by_cost else a / b
        if bar is None:
            report["ratios"].append({"bar": label, "ratio": ratio})
            print(f"{label:<40} {ratio:>7.2f} {'-':>6}  (measured, no bar)")
            continue
        met = ratio >= bar
        report["ratios"].append({"bar": label, "ratio": ratio, "min": bar, "met": met,
                                 "basis": "receive cost" if by_cost else "rate", "rate_ratio": a / b})
        print(f"{label:<40} {ratio:>7.2f} {'>=' + str(bar):>6}  {'met' if met else 'NOT MET'}")

    scale = {int(n.split("_")[1]): med("pps", n) for (k, n) in samples
             if k == "pps" and n.startswith("scale_") and not n.startswith("scale_bare_")}
    bare = {int(n.split("_")[2]): med("pps", n) for (k, n) in samples if k == "pps" and n.startswith("scale_bare_")}
    floods = {}
    for (k, n) in samples:
        if k == "pps" and n.startswith("flood_"):
            _, how, ports = n.split("_")
            floods.setdefault(int(ports), {})[how] = med("pps", n)
    if floods:
        report["flood_deliveries_pps"] = {str(k): v for k, v in sorted(floods.items())}
        print(f"\n{'broadcast from the wire, N ports':<40} {'tc clone':>10} {'devmap bcast':>13}  (port deliveries/s, M)")
        for n, v in sorted(floods.items()):
            print(f"{n:<40} {v.get('tc', 0) / 1e6:>10.2f} {v.get('devmap', 0) / 1e6:>13.2f}")
    if scale:
        report["scale"] = {str(k): v for k, v in sorted(scale.items())}
        flat = min(scale.values()) / max(scale.values())
        met = flat >= 0.9
        report["ratios"].append({"bar": "XDP rate flat over the ports XDP delivers to", "ratio": flat, "min": 0.9, "met": met})
        sweep = ", ".join(f"{k}: {v / 1e6:.2f}" for k, v in sorted(scale.items()))
        print(f"{'rate flat, ' + str(min(scale)) + '..' + str(max(scale)) + ' ports (min/max)':<40} {flat:>7.2f} {'>=0.9':>6}  {'met' if met else 'NOT MET'}"
              f"   (Mpps by ports: {sweep})")
        if bare:
            # The lab's own curve: the same spread by a redirect that decides nothing. Where it
            # falls as nsteer does, the veths, not the steering, set the rate.
            report["scale_bare"] = {str(k): v for k, v in sorted(bare.items())}
            rel = {k: scale[k] / bare[k] for k in scale if bare.get(k)}
            report["scale_vs_bare"] = {str(k): v for k, v in sorted(rel.items())}
            print(f"{'  bare spread redirect, same ports':<40} {'':>7} {'':>6}  "
                  f"   (Mpps by ports: {', '.join(f'{k}: {v / 1e6:.2f}' for k, v in sorted(bare.items()))})")
            print(f"{'  nsteer / bare spread, by ports':<40} {'':>7} {'':>6}  "
                  f"   ({', '.join(f'{k}: {v:.2f}' for k, v in sorted(rel.items()))})")

    spread = defaultdict(dict)  # ports -> path -> median pps
    for (k, n) in samples:
        if k == "pps" and n.startswith("spread_"):
            _, path, ports = n.split("_")
            spread[int(ports)][path] = med("pps", n)
    accounting = defaultdict(lambda: defaultdict(int))  # (path, ports) -> totals over rounds
    for line in open(results_path):
        f = line.split()
        if f and f[0] == "frames":
            kind, path, ports = f[1].split("_")
            if kind == "bcast":
                path = "bcast:" + path
            for key, value in zip(f[2::2], f[3::2]):
                accounting[(path, int(ports))][key] += int(value)
    if spread:
        paths = [p for p in SPREAD_PATHS if any(p in row for row in spread.values())]
        report["spread"] = {}
        print(f"\ninto the stack, traffic spread over N ports: Mpps delivered (x macvlan, of receive costs "
              "where known, else of rates), delivered/sent")
        print(f"{'ports':<6}" + "".join(f"{SPREAD_PATHS[p]:>27}" for p in paths))
        for n in sorted(spread):
            cells = []
            base = spread[n].get("macvlan")
            for p in paths:
                v = spread[n].get(p)
                a = accounting[(p, n)]
                if v is None:
                    cells.append(f"{'-':>27}")
                    continue
                share = a["delivered"] / a["sent"] if a["sent"] else 0
                ca, cb = rx_ns(f"spread_{p}_{n}"), rx_ns(f"spread_macvlan_{n}")
                ratio = cb / ca if ca and cb else v / base if base else None
                report["spread"].setdefault(str(n), {})[p] = {
                    "median_pps": v, "x_macvlan": ratio, "delivered_of_sent": share,
                    "sent": a["sent"], "delivered": a["delivered"],
                    "lost_in_uplink_ring": a["uplink_ring"], "nsteer_drops": a["nsteer_drops"]}
                rel = f"({ratio:.2f}x)" if ratio is not None and p != "macvlan" else ""
                cells.append(f"{v / 1e6:>9.2f} {rel:>8} {share * 100:>6.1f}%")
            print(f"{n:<6}" + "".join(f"{c:>27}" for c in cells))
            for p in paths:
                ratio = report["spread"].get(str(n), {}).get(p, {}).get("x_macvlan")
                if p != "macvlan" and ratio is not None:
                    report["ratios"].append({"bar": f"spread over {n} ports, {p} vs macvlan",
                                             "ratio": ratio, "min": 1.0, "met": ratio >= 1.0})
        lost = {f"{p}_{n}": (a["uplink_ring"], a["nsteer_drops"], a["port_rings"])
                for (p, n), a in sorted(accounting.items())
                if a["uplink_ring"] or a["nsteer_drops"] or a["port_rings"]}
        if lost:
            print("  not delivered, summed over rounds (lost in the uplink's ring before any steering / "
                  "dropped by nsteer, by reason in stats / lost in the ports' own receive rings): " +
                  ", ".join(f"{k} {u}/{d}/{r}" for k, (u, d, r) in lost.items()))

    bcast = defaultdict(dict)  # ports -> path -> (deliveries/s, share of sent x ports)
    for (path, n), a in accounting.items():
        if path.startswith("bcast:"):
            v = med("pps", f"bcast_{path[6:]}_{n}")
            share = a["delivered"] / (a["sent"] * n) if a["sent"] else 0
            bcast[n][path[6:]] = (v, share, a)
    if bcast:
        report["broadcast_into_stack"] = {}
        print(f"\nbroadcasts from the wire into the ports' stacks, N ports: copies delivered/s, M "
              "(share of sent x N)")
        print(f"{'ports':<6} {'nsteer (tc flood)':>24} {'macvlan':>24} {'nsteer/macvlan':>15}")
        for n in sorted(bcast):
            ns, mv = bcast[n].get("nsteer"), bcast[n].get("macvlan")
            cells = [f"{v / 1e6:>13.2f} ({share * 100:>5.1f}%)" if v is not None else f"{'-':>24}"
                     for v, share, _ in (ns or (None, 0, None), mv or (None, 0, None))]
            ratio = ns[0] / mv[0] if ns and mv and ns[0] and mv[0] else None
            report["broadcast_into_stack"][str(n)] = {
                p: {"copies_pps": v, "delivered_of_sent_x_ports": share, "sent": a["sent"],
                    "delivered": a["delivered"], "lost_in_uplink_ring": a["uplink_ring"],
                    "nsteer_drops": a["nsteer_drops"], "lost_in_port_rings": a["port_rings"]}
                for p, (v, share, a) in bcast[n].items()}
            if ratio is not None and n >= 100:
                report["ratios"].append({"bar": f"broadcast copies into {n} ports' stacks vs macvlan",
                                         "ratio": ratio, "min": 2.0, "met": ratio >= 2.0})
            shown = f"{ratio:>9.2f}x" if ratio is not None else f"{'-':>10}"
            verdict = ("  met (>=2x)" if ratio >= 2.0 else "  NOT MET (>=2x)") if ratio is not None and n >= 100 else ""
            print(f"{n:<6} {cells[0]:>24} {cells[1]:>24} {shown:>15}{verdict}")

    ipb, nsb, one = med("seconds", "ip_batch_1000"), med("seconds", "nsteer_batch_1000"), med("seconds", "port_add_one")
    if ipb and nsb:
        ratio = nsb / ipb
        met = ratio <= 2.0
        report["control_plane"] = {"ip_batch_1000_s": ipb, "nsteer_batch_1000_s": nsb, "port_add_one_s": one}
        report["ratios"].append({"bar": "1000 ports: nsteer batch / ip -batch", "ratio": ratio, "max": 2.0, "met": met})
        print(f"{'1000 ports: nsteer batch / ip -batch':<40} {ratio:>7.2f} {'<=2.0':>6}  {'met' if met else 'NOT MET'}"
              f"   ({nsb:.2f} s vs {ipb:.2f} s)")
    ipd, nsd = med("seconds", "ip_batch_del_1000"), med("seconds", "nsteer_detach_1000")
    if ipd and nsd:
        ratio = nsd / ipd
        met = ratio <= 2.0
        report["control_plane"].update({"ip_batch_del_1000_s": ipd, "nsteer_detach_1000_s": nsd})
        report["ratios"].append({"bar": "1000 ports: nsteer detach --ports / ip -batch del", "ratio": ratio,
                                 "max": 2.0, "met": met})
        print(f"{'1000 ports: detach --ports / ip -batch':<40} {ratio:>7.2f} {'<=2.0':>6}  {'met' if met else 'NOT MET'}"
              f"   ({nsd:.2f} s vs {ipd:.2f} s)")
    if one:
        met = one < 0.010
        ipone, start = med("seconds", "ip_commands_one"), med("seconds", "process_start")
        report["ratios"].append({"bar": "one nsteer port add", "value_s": one, "max_s": 0.010, "met": met,
                                 "ip_commands_s": ipone, "process_start_s": start})
        ref = f"   (netns add + link add + link set up as 3 ip commands: {ipone * 1000:.1f} ms" if ipone else ""
        if ipone and start:
            ref += f"; starting /bin/true: {start * 1000:.1f} ms"
        ref += ")" if ipone else ""
        print(f"{'one nsteer port add (median of 20)':<40} {one * 1000:>5.1f}ms {'<10ms':>6}  "
              f"{'met' if met else 'NOT MET'}{ref}")

    tcp = {n: v[0] for (k, n), v in samples.items() if k == "gbps"}
    if tcp:
        report["tcp_gbps"] = tcp
        print(f"\n{'TCP, iperf3, one stream (Gbit/s)':<52} {'to port':>14} {'from port':>14}")
        for path, label in TCP_PATHS.items():
            to, frm = tcp.get(f"tcp_{path}_to_port"), tcp.get(f"tcp_{path}_from_port")
            if to is None or frm is None:
                continue
            base_to, base_from = tcp.get("tcp_macvlan_to_port"), tcp.get("tcp_macvlan_from_port")
            cells = []
            for v, base, way in ((to, base_to, "to"), (frm, base_from, "from")):
                if base and path != "macvlan":
                    cells.append(f"{v:>6.1f} ({v / base:.2f}x)")
                    report["ratios"].append({"bar": f"TCP {way} port, {path} vs macvlan", "ratio": v / base,
                                             "min": 1.0, "met": v / base >= 1.0})
                else:
                    cells.append(f"{v:>6.1f}        ")
            print(f"{label:<52} {cells[0]:>14} {cells[1]:>14}")

    with open(json_path, "w") as f:
        json.dump(report, f, indent=2)
    print(f"\nraw samples: {results_path}; JSON: {json_path}")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
