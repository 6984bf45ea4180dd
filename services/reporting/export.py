"""``python -m reporting.export``: every report of a programme, downloaded into a folder.

For the demo and for a department that wants the whole set at once: the programme-wide
推荐汇总表 and one per recommending unit, the statistics charts (PNG and SVG), the
公示 / recognition list (XLSX and PDF) once there is one, and the paper copy (PDF) of
recommended applications. It calls the reporting service over gRPC like any client
(plain grpcio, no eventlet), as the system role, and prints what it wrote.

    python -m reporting.export --programme hunan-2020-little-giant --out out/demo/reporting
"""

from __future__ import annotations

import argparse
import hashlib
import sys
from collections.abc import Callable
from pathlib import Path

import grpc

from zjtx.grpc_channel import open_channel
from zjtx_api import reporting_pb2 as pb
from zjtx_api.reporting_pb2_grpc import ReportingStub

DEADLINE = 1800.0


def download(stub: ReportingStub, report: pb.Report, folder: Path) -> Path:
    chunks = list(stub.DownloadReport(pb.DownloadReportRequest(report_id=report.id), timeout=DEADLINE))
    data = b"".join(chunk.data for chunk in chunks)
    if hashlib.sha256(data).hexdigest() != report.sha256:
        raise RuntimeError(f"{report.filename}: downloaded bytes do not match the stored sha256")
    path = folder / report.filename
    path.write_bytes(data)
    return path


def generate(stub: ReportingStub, request: pb.GenerateReportRequest, say: Callable[[str], None]) -> list[pb.Report]:
    reports: list[pb.Report] = []
    for progress in stub.GenerateReport(request, timeout=DEADLINE):
        if progress.finished:
            reports = list(progress.reports)
            say(f"  {progress.message}")
        elif progress.total and progress.done in (0, progress.total):
            say(f"  … {progress.message}")
    return reports


def export(target: str, programme_id: str, folder: Path, max_pdfs: int, say: Callable[[str], None] = print) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    with open_channel(target, "reporting") as channel:  # mutual TLS and a signed identity (ops)
        stub = ReportingStub(channel)
        table = stub.GetSummaryRows(pb.SummaryRowsRequest(programme_id=programme_id, limit=10000), timeout=DEADLINE)
        units = list(dict.fromkeys(row.unit_id for row in table.rows if row.unit_id))
        requests = [pb.GenerateReportRequest(kind="summary_table", programme_id=programme_id)]
        requests += [pb.GenerateReportRequest(kind="summary_table", programme_id=programme_id, unit_id=u) for u in units]
        requests.append(pb.GenerateReportRequest(kind="charts", programme_id=programme_id))
        requests.append(pb.GenerateReportRequest(kind="recognition_list", programme_id=programme_id))
        requests += [pb.GenerateReportRequest(kind="application_pdf", programme_id=programme_id,
                                              application_id=row.application_id) for row in table.rows[:max_pdfs]]
        for request in requests:
            say(f"{request.kind} {request.unit_id or request.application_id}".rstrip())
            try:
                reports = generate(stub, request, say)
            except grpc.RpcError as error:
                if error.code() == grpc.StatusCode.FAILED_PRECONDITION:
                    say(f"  skipped: {error.details()}")  # e.g. no 公示 list yet
                    continue
                raise
            for report in reports:
                written.append(download(stub, report, folder))
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Download every report of a programme into a folder")
    parser.add_argument("--programme", default="hunan-2020-little-giant")
    parser.add_argument("--out", default="out/demo/reporting", type=Path)
    parser.add_argument("--target", default="127.0.0.1:50054", help="reporting's gRPC address")
    parser.add_argument("--max-pdfs", type=int, default=20, help="paper copies of at most this many applications")
    args = parser.parse_args(argv)
    try:
        written = export(args.target, args.programme, args.out, args.max_pdfs)
    except grpc.RpcError as error:
        print(f"reporting export: {error.code().name}: {error.details()}", file=sys.stderr)
        return 1
    print(f"wrote {len(written)} files to {args.out.resolve()}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
