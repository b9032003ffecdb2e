"""Batch solving: many tasks, each in an isolated worker process, results durable and resumable.

    from hypsearch.batch import run
    for record in run(["tasks/"], {"proposer": "none"}, out="runs/a", jobs=4, timeout=60):
        ...

See `runner.run`, `discovery.discover`, `formats.register_format/register_loader`,
`datasets.register_dataset`, `report.report` and `cli.add_batch_arguments`.
"""

from __future__ import annotations

from hypsearch.batch.cli import add_batch_arguments, main_batch, main_report
from hypsearch.batch.datasets import register_dataset
from hypsearch.batch.discovery import discover
from hypsearch.batch.executors import DaskExecutor, LocalExecutor
from hypsearch.batch.formats import (TaskFormat, get_loader, jsonl_tasks, read_raw, read_text, register_format,
                                     register_loader)
from hypsearch.batch.records import COMMON_FIELDS, STATUSES
from hypsearch.core.refs import TaskRef
from hypsearch.batch.report import report, summarize
from hypsearch.batch.results import read_results
from hypsearch.batch.runner import run, run_all
from hypsearch.batch.solve import SolveFn, default_solve, result_to_record

__all__ = [
    "TaskRef", "TaskFormat", "discover", "register_format", "register_loader", "register_dataset", "get_loader",
    "read_raw", "read_text", "jsonl_tasks", "run", "run_all", "SolveFn", "default_solve", "result_to_record",
    "report", "summarize", "read_results", "COMMON_FIELDS", "STATUSES", "LocalExecutor", "DaskExecutor",
    "add_batch_arguments", "main_batch", "main_report",
]
