"""What the import commands print: a progress bar of records while a file imports, and the report."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn, TimeElapsedColumn
from rich.table import Table

from servicescape.cli.common import err, out


class _Tick:
    def __init__(self, progress: Progress | None, task: TaskID | None) -> None:
        self.progress, self.task = progress, task

    def __call__(self, report: Any) -> None:
        if self.progress is not None and self.task is not None:
            total = self.progress.tasks[0].total
            if total is not None and report.read > total:
                self.progress.update(self.task, total=report.read)
            self.progress.update(self.task, completed=report.read)


class progress_bar:
    """A Rich progress bar of records on a terminal (the total estimated from the file's lines)."""

    def __init__(self, file: Path, *, enabled: bool) -> None:
        self.file, self.enabled = file, enabled
        self.bar: Progress | None = None

    def __enter__(self) -> _Tick:
        if not self.enabled:
            return _Tick(None, None)
        self.bar = Progress(TextColumn("[progress.description]{task.description}"), BarColumn(),
                            MofNCompleteColumn(), TimeElapsedColumn(), console=err, transient=True)
        self.bar.start()
        task = self.bar.add_task(f"Importing {self.file.name}", total=_estimated_records(self.file))
        return _Tick(self.bar, task)

    def __exit__(self, *exc: object) -> None:
        if self.bar is not None:
            self.bar.stop()


def _estimated_records(file: Path) -> int | None:
    """Lines of a text file minus the header (a quoted newline counts too: it is an estimate)."""
    if file.suffix.lower() not in (".csv", ".tsv", ".txt"):
        return None
    lines = 0
    with file.open("rb") as handle:
        while chunk := handle.read(1 << 20):
            lines += chunk.count(b"\n")
    return max(lines - 1, 1)


def summary(report: Any) -> None:
    """An import's report as a table, with its first warnings and rejects."""
    title = escape(f"{'Checked' if report.dry_run else 'Imported'} {report.kind} from {report.file}")
    table = Table("read", "imported", "updated", "rejected", "warnings", title=title)
    table.add_row(*(f"{value:,}" for value in report.to_dict().values()))
    out.print(table)
    if report.dry_run:
        out.print("Dry run: nothing was written.")
    if report.custom_fields:
        out.print(f"Kept as custom fields: {', '.join(report.custom_fields)}", markup=False)
    for number, message in report.warning_messages[:10]:
        out.print(f"warning: {f'record {number}: ' if number else ''}{message}", markup=False)
    if report.warnings > 10:
        out.print(f"… and {report.warnings - 10:,} more warnings.")
    if report.rejected:
        for number, reason in report.rejects[:10]:
            for problem in reason.split("\n"):
                out.print(f"rejected: record {number}: {problem}", markup=False)
        if report.rejected > 10:
            out.print(f"… and {report.rejected - 10:,} more.")
        out.print(f"{report.rejected:,} rejected rows with their reasons are in {report.rejects_path}", markup=False)
