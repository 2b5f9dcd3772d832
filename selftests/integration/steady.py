#!/usr/bin/python3 -S
"""A steady stream of frames, for test_upgrade.sh (run as `$NST_PYTHON -S steady.py`).

  send IFNAME DST[,DST...] RATE READY STOP OUT
                          RATE frames a second, to each DST in turn, until the file STOP exists,
                          in frames.py's format (ethertype 0x88b5, payload "TAG i"), so that
                          `frames.py capture` records them; TAG is "m<MS>", MS the millisecond of
                          the stream the frame was sent in. READY is created once the first
                          frames are out; OUT (JSON, at the end): start (epoch seconds), and for
                          each DST the frames sent, in total and per MS
  tally OUT DST CAPTURE [NAME=FROM:TO]...
                          what a capture (frames.py's JSON) received against what was sent to
                          DST, in total and between each pair of epoch times given; exits 1
                          unless every frame arrived exactly once, naming the milliseconds that
                          lost or doubled frames

Paced by the clock, not by sleeps: each wake-up sends what is due, a few frames at a time, so
the stream stays steady on a busy machine and never bursts past the 256 frames a veth holds.
"""
import json, os, socket, struct, sys, time

import frames # beside this file


def send(ifname, dsts, rate, ready, stop, out):
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
    s.bind((ifname, 0))
    dsts = dsts.split(",")
    tail = frames.mac_bytes("self", ifname) + struct.pack("!H", 0x88b5)
    heads = [frames.mac_bytes(d, ifname) + tail for d in dsts]
    rate, sent, per_ms = float(rate), 0, [{} for d in dsts]
    start, t0 = time.time(), time.monotonic()
    while sent < len(dsts) or not os.path.exists(stop):
        now = time.monotonic() - t0
        ms = int(now * 1000)
        tag = b"m%d" % ms
        due = max(len(dsts), int(now * rate))
        while sent < due:
            i = sent % len(dsts)
            s.send(heads[i] + (tag + b" %d" % sent).ljust(46, b"\0"))
            sent += 1
            per_ms[i][ms] = per_ms[i].get(ms, 0) + 1
        if not os.path.exists(ready):
            open(ready, "w").close()
        time.sleep(0.0005)
    frames.write_atomically(out, json.dumps({"start": start, "to": {
        d: {"sent": sum(per_ms[i].values()), "per_ms": per_ms[i]} for i, d in enumerate(dsts)}}))


def spans(ms_list):
    """[3, 4, 5, 9] -> "3-5, 9" """
    out, ms_list = [], sorted(ms_list)
    for m in ms_list:
        if out and out[-1][1] == m - 1:
            out[-1][1] = m
        else:
            out.append([m, m])
    return ", ".join("%d" % a if a == b else "%d-%d" % (a, b) for a, b in out)


def tally(out, dst, capture, *windows):
    stream = json.load(open(out))
    sent, start = stream["to"][dst], stream["start"]
    cap = json.load(open(capture))
    if len(cap["frames"]) >= frames.MAX_FRAMES:
        sys.exit("the capture is full (%d frames): send fewer" % frames.MAX_FRAMES)
    per_ms_sent = {int(k): v for k, v in sent["per_ms"].items()}
    per_ms_got = {}
    for f in cap["frames"]:
        tag = f["tag"] or ""
        if tag[:1] == "m" and tag[1:].isdigit():
            per_ms_got[int(tag[1:])] = per_ms_got.get(int(tag[1:]), 0) + 1
    got = sum(per_ms_got.values())
    last = max(per_ms_sent) if per_ms_sent else 0
    said = ["sent %d frames in %.1f s, received %d" % (sent["sent"], last / 1000, got)]
    for w in windows:
        name, span = w.split("=", 1)
        a, b = (int((float(t) - start) * 1000) for t in span.split(":"))
        n = sum(v for k, v in per_ms_sent.items() if a <= k <= b)
        g = sum(v for k, v in per_ms_got.items() if a <= k <= b)
        said.append("%s: ms %d-%d of the stream, %d sent, %d received" % (name, a, b, n, g))
    short = [k for k, v in per_ms_sent.items() if per_ms_got.get(k, 0) < v]
    extra = [k for k in per_ms_got if per_ms_got[k] > per_ms_sent.get(k, 0)]
    if short:
        said.append("frames lost in ms %s" % spans(short))
    if extra:
        said.append("frames received more often than sent in ms %s" % spans(extra))
    if cap.get("socket_drops"):
        said.append("the capture's own socket dropped %d frames (too slow: not the datapath)"
                    % cap["socket_drops"])
    print("; ".join(said))
    sys.exit(1 if got != sent["sent"] or short or extra else 0)


COMMANDS = {"send": send, "tally": tally}

if __name__ == "__main__":
    if len(sys.argv) < 2 or sys.argv[1] not in COMMANDS:
        sys.exit(__doc__)
    COMMANDS[sys.argv[1]](*sys.argv[2:])
