#!/usr/bin/env python3
"""The first data rule, checked: every read of a soft-deleted table filters `deleted_at`.

Scans the Swift sources for SQL that reads a soft-deleted table (`FROM`/`JOIN`, or a record
table named through `sqlTable`) without mentioning `deleted_at`, and for query-interface reads
of a soft-deleted record type that do not start from `live()`. A read that means to see deleted
rows (history, restore, the archive) says so in its statement or the comment above it:

    // reads deleted rows: <why>

and SQL whose filter is built elsewhere says where (`// filtered by: <where>`). Exit 1 with each finding as `path:line: …`. The tables come from Sources/Shared/Database/SoftDeletable.swift.
"""
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
MARKER = "reads deleted rows:"
ELSEWHERE = "filtered by:"
SKIP = ("Sources/Shared/Database/Migrations/", "Sources/crm-testkit/")


def soft_tables() -> set[str]:
    text = (ROOT / "Sources/Shared/Database/SoftDeletable.swift").read_text()
    block = text[text.index("names: Set<String> = ["):]
    return set(re.findall(r'"([a-z_]+)"', block[: block.index("]")]))


def soft_types() -> set[str]:
    types = set()
    for path in (ROOT / "Sources/Shared").rglob("*.swift"):
        for match in re.finditer(r"extension (\w+): SoftDeletable|struct (\w+)[^{]*\bSoftDeletable\b", path.read_text()):
            types.add(match.group(1) or match.group(2))
    return types


def literals(text: str):
    """(line, body) for each string literal, multi-line ones whole."""
    index, line = 0, 1
    while index < len(text):
        if text.startswith('"""', index):
            end = text.index('"""', index + 3)
            yield line, text[index + 3:end]
            line += text.count("\n", index, end + 3)
            index = end + 3
        elif text[index] == '"':
            end = index + 1
            while end < len(text) and text[end] != '"' and text[end] != "\n":
                end += 2 if text[end] == "\\" else 1
            yield line, text[index + 1:end]
            index = end + 1
        elif text.startswith("//", index):
            end = text.find("\n", index)
            index = len(text) if end < 0 else end
        else:
            if text[index] == "\n":
                line += 1
            index += 1


def marked(lines: list[str], line: int) -> bool:
    """The marker anywhere in the statement the line belongs to, or in the comments just above it."""
    start = line
    # Up through the lines the statement continues from (arguments split over lines).
    while start > 1 and start > line - 12:
        above = lines[start - 2].strip()
        if not above or above.startswith("//") or above.endswith(("{", "}")):
            break
        start -= 1
    while start > 1 and lines[start - 2].strip().startswith("//"):
        start -= 1
    return any(MARKER in lines[number - 1] or ELSEWHERE in lines[number - 1] for number in range(start, line + 1))


def check(path: Path, tables: set[str], types: set[str]) -> list[str]:
    text = path.read_text()
    lines = text.splitlines()
    relative = path.relative_to(ROOT)
    findings = []
    reads = re.compile(r"\b(?:FROM|JOIN)\s+(\w+|\\\([^)]*sqlTable[^)]*\))", re.I)
    for line, body in literals(text):
        named = [m.group(1) for m in reads.finditer(body)]
        soft = [t for t in named if t in tables or "sqlTable" in t]
        if not soft or "deleted_at" in body or re.search(r"\bDELETE\s+FROM\b", body, re.I) and len(soft) == 1:
            continue
        if not marked(lines, line):
            findings.append(f"{relative}:{line}: reads {', '.join(sorted(set(soft)))} without deleted_at")
    chain = re.compile(r"\b(" + "|".join(sorted(types)) + r")\.(fetchAll|fetchOne|fetchCount|fetchCursor|filter|order|select|all\(\))")
    starts_live = (".live()", ".withEmail(", ".activeAdmins()", "deleted_at", "sql:")
    for number, text_line in enumerate(lines, 1):
        for match in chain.finditer(text_line):
            # The call and the lines it continues on: raw SQL is checked as a literal above.
            window = "\n".join([text_line[match.start():]] + lines[number:number + 3])
            if any(start in window for start in starts_live) or marked(lines, number):
                continue
            findings.append(f"{relative}:{number}: {match.group(1)}.{match.group(2)} without .live()")
    return findings


def main() -> int:
    tables, types = soft_tables(), soft_types()
    findings = []
    for path in sorted((ROOT / "Sources").rglob("*.swift")):
        if any(str(path.relative_to(ROOT)).startswith(skip) for skip in SKIP):
            continue
        findings += check(path, tables, types)
    for finding in findings:
        print(finding)
    if findings:
        print(f"{len(findings)} read(s) of soft-deleted tables without deleted_at; filter them, or mark a read "
              f"that means to see deleted rows with `// {MARKER} <why>`.", file=sys.stderr)
    return 1 if findings else 0


if __name__ == "__main__":
    sys.exit(main())
