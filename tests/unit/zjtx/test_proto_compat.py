"""buf breaking (tools/contract) refuses a change to proto/ that would break old subscribers or
clients, with buf's own message; an added field passes. The baseline comes from git history."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from zjtx import proto_compat

REVIEW = "zjtx_api/review.proto"
RANK = "  int32 rank = 6;"  # review.recognised's Recognition.rank


@pytest.fixture(scope="module")
def buf() -> Path:
    return proto_compat.ensure_tools()


def changed(tmp_path: Path, old: str, new: str) -> Path:
    copy = tmp_path / "proto"
    shutil.copytree(proto_compat.PROTO, copy)
    text = (copy / REVIEW).read_text(encoding="utf-8")
    assert text.count(old) == 1, f"{old!r} is no longer in {REVIEW}: adjust the test"
    (copy / REVIEW).write_text(text.replace(old, new), encoding="utf-8")
    return copy


@pytest.mark.parametrize(("what", "new"), [("removed", ""), ("renumbered", "  int32 rank = 96;")])
def test_removing_or_renumbering_a_field_fails_with_bufs_message(buf: Path, tmp_path: Path, what: str,
                                                                 new: str) -> None:
    result = proto_compat.breaking(buf, changed(tmp_path, RANK, new), proto_compat.PROTO)
    print(f"{what}: buf breaking exit {result.returncode}: {result.stdout.strip()}")
    assert result.returncode != 0
    assert re.search(r'Previously present field "6" with name "rank" on message "Recognition" was deleted',
                     result.stdout)


def test_adding_a_field_is_compatible(buf: Path, tmp_path: Path) -> None:
    result = proto_compat.breaking(buf, changed(tmp_path, RANK, RANK + "\n  string added_later = 99;"),
                                   proto_compat.PROTO)
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_baseline_is_the_commit_that_set_the_schema_version() -> None:
    commit, why = proto_compat.baseline()
    first_with_protos = proto_compat.git("log", "--diff-filter=A", "--format=%H", "--", "proto/").splitlines()[-1]
    if proto_compat.SCHEMA_VERSION == "1" and not why.startswith("release tag"):
        assert commit == first_with_protos and "schema version 1" in why
    assert proto_compat.git("cat-file", "-t", commit) == "commit"
