#!/usr/bin/env python3
"""Checks that nsteer(8), rendered as plain text, says everything --help says.

Usage: man_vs_help.py NSTEER RENDERED_MAN

For every command that `nsteer --help` lists, `nsteer CMD [SUB] --help` gives a synopsis, a
description and options with their help. The synopsis must be in the page's SYNOPSIS, and the
description, every option and every option's help in the command's part of COMMANDS. Whitespace
is compared as single spaces, as troff fills lines. Prints what is missing; exits 1 if anything is.
"""
import re
import subprocess
import sys


def norm(text):
    return " ".join(text.split())


def help_of(nsteer, words):
    out = subprocess.run([nsteer, *words, "--help"], capture_output=True, text=True, check=True)
    return out.stdout


def commands(nsteer):
    """The commands of `nsteer --help`, as word lists: ["attach"], ["port", "add"], ..."""
    lines = help_of(nsteer, [])
    listed, cmds = False, []
    for line in lines.splitlines():
        if line == "Commands:":
            listed = True
        elif listed and not line.strip():
            break
        elif listed and re.match(r"  [a-z]", line):
            words = line.split()
            cmds.append(words[:2] if len(words) > 1 and words[1].isalpha() and words[1].islower() else words[:1])
    return cmds


def parse_usage(text):
    """(synopsis, description, {option: help}) of one command's --help."""
    lines = text.splitlines()
    synopsis = [lines[0].removeprefix("Usage: nsteer ")]
    i = 1
    while i < len(lines) and lines[i].startswith(" ") and not lines[i].lstrip().startswith("--"):
        synopsis.append(lines[i])
        i += 1
    description = []
    while i < len(lines) and lines[i] and not lines[i].startswith("  --"):
        description.append(lines[i])
        i += 1
    options, current = {}, None
    for line in lines[i:]:
        m = re.match(r"  (--[a-z-]+)(?: \S+)?\s+(.*)", line)
        if m:
            current = m.group(1)
            options[current] = [m.group(2)]
        elif current and line.startswith(" " * 17):
            options[current].append(line)
        else:
            current = None
    return norm(" ".join(synopsis)), norm(" ".join(description)), {
        o: norm(" ".join(h)) for o, h in options.items()
    }


def sections(man):
    """{section or "COMMANDS/sub": text} of the rendered page."""
    parts, name, sub = {}, None, None
    for line in man.splitlines():
        if re.match(r"[A-Z][A-Z ]+$", line):
            name, sub = line, None
        elif name == "COMMANDS" and re.match(r"   [a-z]", line):
            sub = line.strip()
        key = f"{name}/{sub}" if sub else name
        parts[key] = parts.get(key, "") + line + "\n"
    return {k: norm(v) for k, v in parts.items()}


def main():
    nsteer, man_file = sys.argv[1], sys.argv[2]
    with open(man_file, encoding="utf-8") as f:
        page = sections(f.read())
    missing = []
    cmds = commands(nsteer)
    if not cmds:
        missing.append("no commands found in nsteer --help")
    for words in cmds:
        name = " ".join(words)
        synopsis, description, options = parse_usage(help_of(nsteer, words))
        part = page.get(f"COMMANDS/{name}", "")
        if "nsteer " + synopsis not in page.get("SYNOPSIS", ""):
            missing.append(f"SYNOPSIS: nsteer {synopsis}")
        if not part:
            missing.append(f"COMMANDS: no part for {name}")
        if description not in part:
            missing.append(f"{name}: its description '{description}'")
        for opt in sorted(set(re.findall(r"--[a-z][a-z-]*", synopsis)) | set(options)):
            if opt not in part:
                missing.append(f"{name}: option {opt}")
        for opt, text in options.items():
            if text not in part:
                missing.append(f"{name} {opt}: its help '{text}'")
    for m in missing:
        print("missing from the man page:", m)
    print(f"{len(cmds)} commands compared")
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main())
