#!/usr/bin/env python3
"""Attributes the operators of a WebAssembly module's exports to functions.

Usage: profile.py MODULE.wasm [--top N] [--steps "quote write"] [--callers "memcmp __multi3"]

Runs `wasm-interp MODULE --run-all-exports --trace` twice, reading the trace
as a stream. Each trace line is `#DEPTH. OFFSET: ... | OPERATOR ARGS`, the
offset being in the interpreter's own code, not the module's. Pass 1 learns
where each function starts in that code: the line after `call $N` is the
first operator of function N. Pass 2 gives every operator to the function
whose start is the nearest at or below its offset (self) and to every
function on the call stack, each once (inclusive). A function entered only
by `call_indirect` (trait objects, closures behind pointers) has no start of
its own and is counted in the function laid out before it.

With --callers, the functions named (exactly, or as the end of a Rust
path) also get a table of their callers: the function one level up the
stack at each operator they execute, so the operators of a `memcmp` are
charged to what called it.

Only the exports named `profile_*` (benches/wasm-fuel/src/profile.rs) are
reported; the module's other exports, which wasm-interp also calls (with
zeros), are skipped.
"""
import argparse
import bisect
import collections
import re
import subprocess
import sys

EXPORT = -2  # the function of the step's export
LINE = re.compile(r"#(\d+)\.\s+(\d+):[^|]*\|\s*(\S+)\s*(\$\d+)?")


def trace(module):
    proc = subprocess.Popen(["wasm-interp", module, "--run-all-exports", "--trace"],
                            stdout=subprocess.PIPE, text=True, bufsize=1 << 20)
    yield from proc.stdout
    if proc.wait() != 0:
        sys.exit(f"profile.py: wasm-interp failed ({proc.returncode})")


def names_of(module):
    out = subprocess.run(["wasm-objdump", "-x", module], capture_output=True, text=True, check=True).stdout
    return {int(m.group(1)): m.group(2) for m in re.finditer(r"- func\[(\d+)\][^<\n]*<([^>]*)>", out)}


def short(name):
    """A legacy-mangled Rust symbol (`_ZN...E`) as a path without its hash, enough to read."""
    if not name.startswith("_ZN"):
        return name
    parts, rest = [], name[3:]
    while rest and rest[0].isdigit():
        n = re.match(r"\d+", rest).group(0)
        parts.append(rest[len(n):len(n) + int(n)])
        rest = rest[len(n) + int(n):]
    if parts and re.fullmatch(r"h[0-9a-f]{16}", parts[-1]):
        parts.pop()
    text = "::".join(parts) or name
    for a, b in (("$LT$", "<"), ("$GT$", ">"), ("$u20$", " "), ("$RF$", "&"), ("$C$", ","), ("$u7b$", "{"),
                 ("$u7d$", "}"), ("$u5b$", "["), ("$u5d$", "]"), ("$BP$", "*"), ("..", "::")):
        text = text.replace(a, b)
    return text.lstrip("_")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("module")
    ap.add_argument("--top", type=int, default=40)
    ap.add_argument("--steps", default="", help="steps to print (setup parse quote write drop quote_json); all by default")
    ap.add_argument("--callers", default="", help="functions whose callers to list, e.g. \"memcmp __multi3\"")
    args = ap.parse_args()
    names = names_of(args.module)
    wanted_callees = args.callers.split()
    watched = {f for f, n in names.items() if any(short(n) == w or short(n).endswith("::" + w) for w in wanted_callees)}

    starts = {}
    pending = None
    for line in trace(args.module):
        m = LINE.match(line)
        if not m:
            continue
        if pending is not None:
            starts.setdefault(int(m.group(2)), pending)
            pending = None
        if m.group(3) == "call" and m.group(4):
            pending = int(m.group(4)[1:])
    offsets = sorted(starts)

    def function_at(offset):
        i = bisect.bisect_right(offsets, offset) - 1
        return starts[offsets[i]] if i >= 0 else -1

    callers = collections.defaultdict(lambda: collections.defaultdict(collections.Counter))
    own = collections.defaultdict(collections.Counter)
    inclusive = collections.defaultdict(collections.Counter)
    step, stack, cache = None, [], {}
    for line in trace(args.module):
        if line.startswith(">>> running export"):
            export = line.split('"')[1]
            step = export[len("profile_") + 2:] if export.startswith("profile_") else None
            stack = []
            continue
        if step is None:
            continue
        m = LINE.match(line)
        if not m:
            continue
        depth, offset = int(m.group(1)), int(m.group(2))
        # Depth 0 is the export itself, never the target of a call.
        f = EXPORT if depth == 0 else cache.get(offset)
        if f is None:
            f = cache[offset] = function_at(offset)
        del stack[depth:]
        while len(stack) < depth:
            stack.append(-1)
        stack.append(f)
        own[step][f] += 1
        if f in watched and depth > 0:
            callers[step][f][stack[depth - 1]] += 1
        for g in set(stack):
            inclusive[step][g] += 1

    wanted = args.steps.split()
    for step in own:
        if wanted and step not in wanted:
            continue
        print(f"== {step}: {sum(own[step].values()):,} operators")
        for title, counts in (("inclusive", inclusive[step]), ("self", own[step])):
            print(f"-- {title}")
            for f, n in counts.most_common(args.top):
                label = f"profile_*_{step} (the export)" if f == EXPORT else short(names.get(f, f"func[{f}]"))
                print(f"{n:12,}  {label[:160]}")
        for f, by in callers[step].items():
            print(f"-- callers of {short(names.get(f, f'func[{f}]'))} (its operators, by caller)")
            for g, n in by.most_common(args.top):
                label = f"profile_*_{step} (the export)" if g == EXPORT else short(names.get(g, f"func[{g}]"))
                print(f"{n:12,}  {label[:160]}")
        print()


if __name__ == "__main__":
    main()
