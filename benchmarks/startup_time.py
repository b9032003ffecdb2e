"""Start-up cost of reading a task: CPU and wall seconds of format detection, parsing and domain choice.

Each run is a fresh interpreter (imports included), so the figure is what `hypsearch solve FILE` pays before
its search starts.

    python benchmarks/startup_time.py examples/initials.sl --runs 3 --out /tmp/startup.json
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

PROBE = """
import time; c = time.process_time(); w = time.perf_counter()
import sys
from pathlib import Path
from hypsearch.core.formats import detect_format
p = Path(sys.argv[1]); tasks = detect_format(p).load(p)
print(round(time.process_time() - c, 3), round(time.perf_counter() - w, 3), "numpy" in sys.modules)
"""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("file", type=Path)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--python", default=sys.executable, help="the interpreter (another venv: another tree)")
    parser.add_argument("--out", type=Path, default=None, help="also write the runs as JSON here")
    args = parser.parse_args(argv)
    rows = []
    for _ in range(args.runs):
        out = subprocess.run([args.python, "-c", PROBE, str(args.file)], capture_output=True, text=True, check=True)
        cpu, wall, numpy = out.stdout.split()
        rows.append({"cpu_s": float(cpu), "wall_s": float(wall), "numpy": numpy == "True"})
    print("| run | CPU s | wall s | numpy imported |\n|---|---|---|---|")
    for k, r in enumerate(rows, 1):
        print(f"| {k} | {r['cpu_s']} | {r['wall_s']} | {'yes' if r['numpy'] else 'no'} |")
    if args.out:
        args.out.write_text(json.dumps(rows, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
