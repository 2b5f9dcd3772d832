#!/usr/bin/env python3
"""Checks the library's layering as README's Layout states it: src/ read bottom-up, each module
calling only those listed before it. The calls come from the built objects (nm): a module calls
another when it uses a symbol the other defines. So a call cycle, or a module listed above one it
calls, fails here instead of waiting for a reader to notice.

Usage: layering_check.py README.md OBJECT_DIR   (OBJECT_DIR: .output/lib, one MODULE.o per src file)
"""
import os
import re
import subprocess
import sys


def listed_modules(readme):
    """The modules of the `src/` row of the Layout table, in the order it names them."""
    for line in open(readme):
        if line.startswith("| `src/` |"):
            # Names in backquotes that are modules (no '/', '.', or spaces), first mention only.
            names = []
            for name in re.findall(r"`([a-z_]+)`", line):
                if name not in names:
                    names.append(name)
            return names
    sys.exit("layering_check: README has no `src/` row in its Layout")


def calls(object_dir):
    defined, used = {}, {}
    for name in sorted(os.listdir(object_dir)):
        if not name.endswith(".o"):
            continue
        module = name[:-2]
        out = subprocess.run(["nm", os.path.join(object_dir, name)], capture_output=True,
                             text=True, check=True).stdout
        used[module] = set()
        for line in out.splitlines():
            f = line.split()
            if len(f) == 3 and f[1] in "TDBR":
                defined[f[2]] = module
            elif len(f) == 2 and f[0] == "U":
                used[module].add(f[1])
    return {m: {defined[s] for s in syms if s in defined and defined[s] != m}
            for m, syms in used.items()}


def main(readme, object_dir):
    order = [m for m in listed_modules(readme)]
    graph = calls(object_dir)
    problems = [f"src/{m}.c is not named in README's src/ row" for m in sorted(graph) if m not in order]
    position = {m: i for i, m in enumerate(order)}
    for m in sorted(graph):
        for callee in sorted(graph[m]):
            if m in position and callee in position and position[callee] > position[m]:
                problems.append(f"{m} calls {callee}, which README lists after it")
    if problems:
        print("\n".join(problems))
        sys.exit(1)
    print(f"{len(graph)} modules, each calling only those listed before it")


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2])
