#!/usr/bin/env python3
"""Every file of the tree is named in README's Layout section, so that it cannot fall behind.

A file counts as named when its path appears there, or when the row of its folder (`dir/`)
does and the section names the file in backticks: `name.c`, or `name` for a module (its .c and
.h), or a pattern such as `test_*.sh` that the folder's row explains. Data that a named folder holds as a whole (seeds, reproducers,
the Debian package's files, CI's entry points) is listed below, each with why.
Usage: layout_check.py README FILE... (the files: git ls-files). Prints the files not named.
"""
import fnmatch
import re
import sys

# Folders whose files are data or boilerplate of one named whole.
WHOLE = {
    "selftests/fuzz/corpus/": "the seeds gen_corpus.c writes",
    "selftests/fuzz/reproducers/": "past disagreements, replayed by test_replay.c",
    "debian/": "the Debian package, one row",
    ".github/": "the GitHub workflow that runs selftests/ci.sh",
    ".ci/": "CI's entry point, which runs selftests/ci.sh",
}
TOP = {"README.md", "Makefile", "LICENSE", ".gitignore", ".clang-format"}


def layout_section(readme):
    text = open(readme, encoding="utf-8").read()
    m = re.search(r"^## Layout\n(.*?)(?=^## |\Z)", text, re.S | re.M)
    return m.group(1) if m else ""


def named(path, section, ticked):
    if path in TOP or any(path.startswith(w) for w in WHOLE):
        return True
    if path in section:
        return True
    folder, _, name = path.rpartition("/")
    if f"`{folder}/`" not in section and f"`{folder}/" not in section:
        return False
    stem = name.split(".")[0]
    if name in ticked or stem in ticked:
        return True
    # A pattern names files, not everything: `*.install`, never a bare `*`.
    return any("*" in t and t.strip("*") and fnmatch.fnmatch(name, t) for t in ticked)


def main():
    section = layout_section(sys.argv[1])
    if not section:
        print("README has no '## Layout' section")
        return 1
    # Every word in backticks, and every comma-separated name inside them.
    ticked = set()
    for t in re.findall(r"`([^`]+)`", section):
        ticked.add(t.strip())
        for part in re.split(r"[\s,/()]+", t):
            if part:
                ticked.add(part)
                if "*" not in part:
                    ticked.add(part.split(".")[0])  # `check.c` names check.h too
    missing = [p for p in sys.argv[2:] if not named(p, section, ticked)]
    for p in missing:
        print(p)
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main())
