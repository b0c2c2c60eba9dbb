"""Widens the access matrix's rows when personas are added (tests/access/routes.py PERSONAS),
keeping every existing outcome.

    ACCESS_MATRIX_DISCOVER=1 .venv/bin/pytest tests/test_access_matrix.py -p no:randomly -n 0 \\
        -k discover -s | grep '^    "' > /tmp/discovered.txt
    .venv/bin/python tests/access/widen_rows.py /tmp/discovered.txt

For each row of ROWS in tests/test_access_matrix.py with fewer outcomes than personas, the
outcomes of the missing personas (the last columns) are taken from the discovered rows; the
existing ones stay as written. Rows the matrix lacks are printed (to be read and added by
hand), and so is every row whose existing outcomes the discovery does not reproduce (a change
of behaviour to look at, never silently accepted). Read the new columns before committing.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

MATRIX = Path(__file__).resolve().parent.parent / "test_access_matrix.py"
ROW = re.compile(r'^(\s+)"([A-Z]+ [^"]+)": "([^"]+)",(.*)$')


def parse(lines) -> dict[str, list[str]]:
    rows = {}
    for line in lines:
        match = ROW.match(line.rstrip("\n"))
        if match:
            rows[match.group(2)] = match.group(3).split()
    return rows


def main(discovered_path: str) -> int:
    discovered = parse(Path(discovered_path).read_text(encoding="utf-8").splitlines())
    width = max(len(v) for v in discovered.values())
    out, differ = [], []
    for line in MATRIX.read_text(encoding="utf-8").splitlines(keepends=True):
        match = ROW.match(line.rstrip("\n"))
        if not match or match.group(2) not in discovered:
            out.append(line)
            continue
        indent, key, outcomes, rest = match.groups()
        have, found = outcomes.split(), discovered[key]
        if found[: len(have)] != have:
            differ.append(f"{key}: written {' '.join(have)}, discovered {' '.join(found)}")
        widened = have + found[len(have) : width]
        out.append(f'{indent}"{key}": "{" ".join(widened)}",{rest}\n')
    MATRIX.write_text("".join(out), encoding="utf-8")
    written = parse(MATRIX.read_text(encoding="utf-8").splitlines())
    for key in sorted(set(discovered) - set(written)):
        print(f'new row: "{key}": "{" ".join(discovered[key])}",')
    for line in differ:
        print(f"differs: {line}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
