#!/usr/bin/env python3
"""Renames classes so each name in docs/design/vocabulary.md means one thing (issue 14, "vocabulary drift").

Replayable: run it from anywhere inside the repository, e.g. after merging a branch that still uses the old names.
Idempotent: a second run changes nothing. For every rename it

  1. git-mv's the class file (src/main/java or src/test/java of any module) when the old file exists,
  2. rewrites the fully qualified name in every *.java and *.md file,
  3. rewrites the simple name (whole word, not after a '.') in the *.java files that can see the class unqualified:
     the files of its package and the files importing it (a file importing another class of the same simple name
     is left alone), plus the files listed in `java_also`; with `code_only`, only where that lookahead matches,
  4. rewrites the simple name (whole word) in the docs: every *.md file when the name is unique in the code
     (`docs="all"`), else only the files listed.

Afterwards, when a renamed class still appears in the generated JSON Schema files
(schemas/src/main/resources/schemas/*.schema.json), it regenerates them with Maven (offline, the schemas module only;
skip with --no-mvn). The JSON wire format does not change: event type names come from @JsonSubTypes names and field
names from record components, none of which is renamed here.

    scripts/dev/rename-vocabulary.py [--dry-run] [--no-mvn]
"""
import argparse
import re
import subprocess
import sys
from pathlib import Path

# old fully qualified name -> new simple name (same package). Keep this list short: only names that meant two things.
RENAMES = [
    # The event bodies are named without an "Event" suffix (VmCreated, Snapshot, ...); three were not.
    dict(old="io.ktstr4j.schemas.event.VerdictEvent", new="RunVerdict", docs="all"),  # run.verdict
    # "result" meant both the guest's assert (TestResult, guest.test_result) and the sidecar: the body that carries
    # the run's sidecar (run.result) is named for what it carries.
    dict(old="io.ktstr4j.schemas.event.ResultEvent", new="RunSidecar", docs="all"),  # run.result
    dict(old="io.ktstr4j.schemas.event.PayloadMetricsEvent", new="PayloadMetricsReport", docs="all"),
    # schemas.Check is the records' validation helper; "checks" are the verdict checks (io.ktstr4j.pipeline.checks).
    # (Only where the name is code: "Check thresholds ..." in a comment is English.)
    dict(old="io.ktstr4j.schemas.Check", new="Validate", docs=[], code_only=r"(?=\.\w|\(|\s*\{)"),
    # Two MonitorVerdicts: the failure report's part (schemas.failure, JSON monitor_verdict, kept) and what the
    # monitor checks concluded over a run (pipeline.checks, renamed).
    dict(old="io.ktstr4j.pipeline.checks.MonitorVerdict", new="MonitorConclusion", docs=[]),
    # Two KvmStats: the sidecar's per-vCPU totals (schemas.sidecar, kept) and the monitor's parser of KVM's binary
    # statistics layout (vmm.monitor, renamed).
    dict(old="io.ktstr4j.vmm.monitor.KvmStats", new="KvmStatsLayout", docs=["docs/monitor.md"],
         java_also=["vmm/api/src/main/java/io/ktstr4j/vmm/hooks/KvmStatsFile.java"]),
    dict(old="io.ktstr4j.vmm.monitor.KvmStatsTest", new="KvmStatsLayoutTest", docs=[]),
]

SCHEMA_FILES = "schemas/src/main/resources/schemas"
REGENERATE = ["mvn", "-o", "-q", "-B", "-pl", "schemas", "test", "-Dtest=JsonSchemaFilesTest",
              "-Dktstr.regenerateSchemas=true", "-Dsurefire.failIfNoSpecifiedTests=false"]


def git(root, *args):
    return subprocess.run(["git", *args], cwd=root, check=True, capture_output=True, text=True).stdout


def files(root, suffix):
    out = git(root, "ls-files", "--cached", "--others", "--exclude-standard", "-z")
    return sorted({p for p in out.split("\0") if p.endswith(suffix) and (root / p).is_file()})


def split(fqcn):
    pkg, _, simple = fqcn.rpartition(".")
    return pkg, simple


def rewrite_java(text, path, r):
    old_pkg, old = split(r["old"])
    new_fqcn = old_pkg + "." + r["new"]
    text = re.sub(r"\b" + re.escape(r["old"]) + r"\b", new_fqcn, text)
    m = re.search(r"^\s*package\s+([\w.]+)\s*;", text, re.M)
    pkg = m.group(1) if m else ""
    sees = (pkg == old_pkg
            or re.search(r"^\s*import\s+" + re.escape(new_fqcn) + r"\s*;", text, re.M)
            or re.search(r"^\s*import\s+" + re.escape(old_pkg) + r"\.\*\s*;", text, re.M)
            or path in r.get("java_also", []))
    # A single-type import of another class with the old simple name shadows the renamed one.
    shadowed = re.search(r"^\s*import\s+(?!" + re.escape(new_fqcn) + r"\s*;)[\w.]+\." + re.escape(old) + r"\s*;",
                         text, re.M)
    if sees and not shadowed:
        text = re.sub(r"(?<![\w.$])" + re.escape(old) + r"\b" + r.get("code_only", ""), r["new"], text)
    return text


def rewrite_doc(text, path, r):
    old_pkg, old = split(r["old"])
    text = re.sub(r"\b" + re.escape(r["old"]) + r"\b", old_pkg + "." + r["new"], text)
    if r["docs"] == "all" or path in r["docs"]:
        text = re.sub(r"(?<![\w.$])" + re.escape(old) + r"\b", r["new"], text)
    return text


def move(root, r, dry):
    old_pkg, old = split(r["old"])
    rel = old_pkg.replace(".", "/") + "/" + old + ".java"
    moved = []
    for p in files(root, ".java"):
        if p.endswith("/" + rel) and re.search(r"/src/(main|test)/java/", p):
            target = p[: -len(old + ".java")] + r["new"] + ".java"
            if (root / target).exists():
                sys.exit(f"rename-vocabulary: both {p} and {target} exist; merge them by hand first")
            if not dry:
                git(root, "mv", p, target)
            moved.append(f"{p} -> {target}")
    return moved


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--dry-run", action="store_true", help="print what would change, change nothing")
    ap.add_argument("--no-mvn", action="store_true", help="do not regenerate the JSON Schema files")
    a = ap.parse_args()
    root = Path(subprocess.run(["git", "rev-parse", "--show-toplevel"], check=True, capture_output=True,
                               text=True).stdout.strip())
    changed = []
    for r in RENAMES:
        for m in move(root, r, a.dry_run):
            print("moved", m)
    java, docs = files(root, ".java"), files(root, ".md")
    for group, fn in ((java, rewrite_java), (docs, rewrite_doc)):
        for p in group:
            before = (root / p).read_text(encoding="utf-8")
            after = before
            for r in RENAMES:
                after = fn(after, p, r)
            if after != before:
                changed.append(p)
                if not a.dry_run:
                    (root / p).write_text(after, encoding="utf-8")
    for p in changed:
        print("rewrote", p)
    stale = []
    schema_dir = root / SCHEMA_FILES
    if schema_dir.is_dir():
        for p in sorted(schema_dir.glob("*.schema.json")):
            t = p.read_text(encoding="utf-8")
            for r in RENAMES:
                # a $defs key, a $ref or the "(Java record ...)" description
                if r["old"].startswith("io.ktstr4j.schemas.") and re.search(r"[\"/.]" + re.escape(split(r["old"])[1])
                                                                            + r"[\")]", t):
                    stale.append(p.name)
                    break
    if stale:
        if a.dry_run or a.no_mvn:
            print("stale JSON Schema files (regenerate with: " + " ".join(REGENERATE) + "):", ", ".join(stale))
        else:
            print("regenerating the JSON Schema files:", " ".join(REGENERATE))
            subprocess.run(REGENERATE, cwd=root, check=True)
    if not changed and not stale:
        print("rename-vocabulary: nothing to do")


if __name__ == "__main__":
    main()
