#!/usr/bin/env python3
"""TCX from the tests' side, which Debian 12's bpftool (7.1) and iproute2 (6.1) predate.

  tcx.py ids DEV                         ids of the programs on DEV's TCX ingress, in the order
                                         they run (exit 3: the kernel has no TCX)
  tcx.py attach PROG_PIN DEV LINK_PIN [--before]
                                         hangs the pinned program on DEV's TCX ingress, as another
                                         tool would: last (the kernel's default), or first; the
                                         link is pinned at LINK_PIN, and removing the pin detaches
"""
import ctypes
import os
import sys

NR_BPF = 321  # x86_64
OBJ_PIN, OBJ_GET, PROG_QUERY, LINK_CREATE = 6, 7, 16, 28
TCX_INGRESS = 46
F_BEFORE = 1 << 3
ATTR_SIZE = 128  # zeroed beyond the fields used, as the kernel demands

libc = ctypes.CDLL(None, use_errno=True)
libc.syscall.restype = ctypes.c_long


def bpf(cmd, attr):
    ret = libc.syscall(NR_BPF, cmd, ctypes.byref(attr), ATTR_SIZE)
    if ret < 0:
        err = ctypes.get_errno()
        raise OSError(err, os.strerror(err))
    return ret


def attr_with(*fields):
    """A bpf_attr from (offset, ctype, value) triples."""
    attr = (ctypes.c_ubyte * ATTR_SIZE)()
    for offset, ctype, value in fields:
        ctype.from_buffer(attr, offset).value = value
    return attr


def obj_get(path):
    name = ctypes.create_string_buffer(path.encode())
    return bpf(OBJ_GET, attr_with((0, ctypes.c_uint64, ctypes.addressof(name))))


def ids(dev):
    ifindex = int(open("/sys/class/net/%s/ifindex" % dev).read())
    progs = (ctypes.c_uint32 * 64)()
    attr = attr_with((0, ctypes.c_uint32, ifindex), (4, ctypes.c_uint32, TCX_INGRESS),
                     (16, ctypes.c_uint64, ctypes.addressof(progs)), (24, ctypes.c_uint32, 64))
    try:
        bpf(PROG_QUERY, attr)
    except OSError as e:
        if e.errno == 22:  # EINVAL: an attach type this kernel does not know
            sys.exit(3)
        raise
    count = ctypes.c_uint32.from_buffer(attr, 24).value
    for i in range(count):
        print(progs[i])


def attach(prog_pin, dev, link_pin, before):
    ifindex = int(open("/sys/class/net/%s/ifindex" % dev).read())
    prog_fd = obj_get(prog_pin)
    link_fd = bpf(LINK_CREATE, attr_with((0, ctypes.c_uint32, prog_fd), (4, ctypes.c_uint32, ifindex),
                                         (8, ctypes.c_uint32, TCX_INGRESS),
                                         (12, ctypes.c_uint32, F_BEFORE if before else 0)))
    name = ctypes.create_string_buffer(link_pin.encode())
    bpf(OBJ_PIN, attr_with((0, ctypes.c_uint64, ctypes.addressof(name)), (8, ctypes.c_uint32, link_fd)))


def main():
    if len(sys.argv) == 3 and sys.argv[1] == "ids":
        ids(sys.argv[2])
    elif len(sys.argv) in (5, 6) and sys.argv[1] == "attach":
        attach(sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5:] == ["--before"])
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
