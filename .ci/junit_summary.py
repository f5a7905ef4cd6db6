"""Summarise pytest's JUnit XML reports for .ci/run (standard library only).

    python .ci/junit_summary.py step LABEL REPORT [--no-skips-under PREFIX]
    python .ci/junit_summary.py total REPORT...

`step` prints one step's counts and every skip reason; with --no-skips-under it fails when a test
whose class name starts with PREFIX was skipped (CI installs Chromium, so a skipped browser test
means the browser tests did not really run). `total` prints the closing line over all reports.
"""

from __future__ import annotations

import argparse
import sys
import xml.etree.ElementTree as ET
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class Counts:
    passed: int = 0
    failed: int = 0
    skipped: int = 0
    skip_reasons: Counter[str] = field(default_factory=Counter)
    skipped_names: list[str] = field(default_factory=list)

    def line(self, label: str) -> str:
        return f"{label}: {self.passed} passed, {self.failed} failed, {self.skipped} skipped"


def read_report(path: Path, *, prefix: str = "") -> Counts:
    """Count outcomes in one report; `prefix` limits it to tests whose class name starts with it."""
    counts = Counts()
    # The report is pytest's own output from this run, not untrusted input.
    for case in ET.parse(path).iter("testcase"):  # noqa: S314
        name = f"{case.get('classname', '')}::{case.get('name', '')}"
        if not name.startswith(prefix):
            continue
        if case.find("failure") is not None or case.find("error") is not None:
            counts.failed += 1
        elif (skip := case.find("skipped")) is not None:
            counts.skipped += 1
            counts.skip_reasons[skip.get("message", "no reason given")] += 1
            counts.skipped_names.append(name)
        else:
            counts.passed += 1
    return counts


def step(label: str, report: Path, no_skips_under: str | None) -> int:
    counts = read_report(report)
    for reason, number in counts.skip_reasons.most_common():
        print(f"  skipped x{number}: {reason}")
    print(counts.line(label))
    if no_skips_under is None:
        return 0
    guarded = read_report(report, prefix=no_skips_under)
    if guarded.skipped:
        print(f"FAIL: {guarded.skipped} test(s) under {no_skips_under} were skipped:")
        print(*(f"  {name}" for name in guarded.skipped_names), sep="\n")
        return 1
    if guarded.passed + guarded.failed == 0:
        print(f"note: no tests under {no_skips_under} in this run")
    return 0


def total(reports: list[Path]) -> int:
    overall = Counts()
    for report in reports:
        counts = read_report(report)
        overall.passed += counts.passed
        overall.failed += counts.failed
        overall.skipped += counts.skipped
    print(overall.line("Total"))
    return 0


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    commands = parser.add_subparsers(dest="command", required=True)
    step_parser = commands.add_parser("step")
    step_parser.add_argument("label")
    step_parser.add_argument("report", type=Path)
    step_parser.add_argument("--no-skips-under", metavar="PREFIX")
    total_parser = commands.add_parser("total")
    total_parser.add_argument("reports", type=Path, nargs="*")
    args = parser.parse_args(argv)
    if args.command == "step":
        return step(args.label, args.report, args.no_skips_under)
    return total(args.reports)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
