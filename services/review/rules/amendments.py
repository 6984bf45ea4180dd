"""Programme administration: a new programme from a template, and what a new version may change.

A programme document is data owned by review, with versions (who, when, why). Before the
window opens the owning authority may change anything but the id, the owner and the level.
Once it has opened, only what the notices themselves allow: a deadline extended (never
brought forward) with a stated reason, the target and its tolerance. Every change names a
reason. Plain Python: the use cases (``review.administration``) store and announce.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from review.rules.programme_parser import parse_programme
from review.rules.programmes import Programme, ProgrammeError, RuleSet
from zjtx.errors import Violation, invalid, precondition

MAX_REASON_CHARS = 500
FIXED = ("id", "owner", "level", "version")  # a programme keeps these for its whole life
# after the window opened: what the notices allow (deadlines only later, the target)
DEADLINES = ("window.closes_at", "window.review_closes_at")
OPEN_CHANGES = ("target_count", "target_tolerance")


def check_reason(reason: str) -> str:
    text = reason.strip()
    if not text:
        raise invalid("reason.required", "请说明修改原因（将告知受影响的企业和审核单位）",
                      [Violation("reason", "required", "请填写修改原因")])
    if len(text) > MAX_REASON_CHARS:
        raise invalid("reason.too_long", f"修改原因最多{MAX_REASON_CHARS}字",
                      [Violation("reason", "too_long", f"最多{MAX_REASON_CHARS}字，当前{len(text)}字")])
    return text


def read_patch(changes_json: str) -> dict[str, Any]:
    try:
        patch = json.loads(changes_json or "{}")
    except json.JSONDecodeError as error:
        raise invalid("changes.not_json", f"修改内容不是合法的 JSON：{error.msg}（第{error.pos}个字符）",
                      [Violation("changes_json", "not_json", error.msg)]) from None
    if not isinstance(patch, dict) or not patch:
        raise invalid("changes.empty", "修改内容应为非空的 JSON 对象（JSON Merge Patch，RFC 7386），"
                      "例如 {\"window\": {\"closes_at\": \"2020-05-31T23:59:59+08:00\"}}",
                      [Violation("changes_json", "empty", "没有要修改的内容")])
    return patch


def merge_patch(target: Any, patch: Any) -> Any:
    """RFC 7386: objects merge key by key, ``null`` removes a key, anything else replaces."""
    if not isinstance(patch, Mapping):
        return copy.deepcopy(patch)
    result = dict(target) if isinstance(target, Mapping) else {}
    for key, value in patch.items():
        if value is None:
            result.pop(key, None)
        else:
            result[key] = merge_patch(result.get(key), value)
    return result


def changed_paths(old: Any, new: Any, path: str = "") -> list[str]:
    """Dotted paths that differ; lists of mappings of the same length are compared item by item
    (``review_chain[1].review_closes_at``), other lists whole (``sections``)."""
    if isinstance(old, Mapping) and isinstance(new, Mapping):
        paths: list[str] = []
        for key in sorted(set(old) | set(new), key=str):
            paths += changed_paths(old.get(key), new.get(key), f"{path}.{key}" if path else str(key))
        return paths
    if (isinstance(old, list) and isinstance(new, list) and len(old) == len(new)
            and all(isinstance(i, Mapping) for i in old + new)):
        return [p for index, (a, b) in enumerate(zip(old, new, strict=True))
                for p in changed_paths(a, b, f"{path}[{index}]")]
    return [] if old == new else [path]


def _validated(document: dict[str, Any], rulesets: Mapping[str, RuleSet] | None) -> Programme:
    try:
        return parse_programme(document, rulesets=rulesets)
    except ProgrammeError as error:
        raise precondition("programme.invalid", f"培育批次文件有{len(error.errors)}处错误，未保存（English details per path）",
                           [Violation(e.split(":", 1)[0], "invalid", e) for e in error.errors]) from None


def _deadline_moves(old: Programme, new: Programme) -> list[tuple[str, datetime | None, datetime | None]]:
    moves = [("window.closes_at", old.window.closes_at, new.window.closes_at),
             ("window.review_closes_at", old.window.review_closes_at, new.window.review_closes_at)]
    for index, (a, b) in enumerate(zip(old.review_chain, new.review_chain, strict=False)):
        moves.append((f"review_chain[{index}].review_closes_at", a.review_closes_at, b.review_closes_at))
    return moves


def check_amendment(current: Programme, document: dict[str, Any], patch: dict[str, Any],
                    now: datetime, rulesets: Mapping[str, RuleSet] | None = None,
                    ) -> tuple[Programme, dict[str, Any], list[str], bool]:
    """The new version (programme, document), the paths it changes and whether it extends a deadline.

    Refused: a patch of the fixed keys; a change after the window opened that the notices do not
    allow (each named); a deadline brought forward after opening; a document that does not validate."""
    fixed = [key for key in FIXED if key in patch]
    if fixed:
        raise invalid("programme.fixed", f"培育批次的{'、'.join(fixed)}不能修改（版本号由系统递增）",
                      [Violation(f"changes_json.{k}", "fixed", "不能修改") for k in fixed])
    new_document = merge_patch(document, patch)
    new_document["version"] = current.version + 1
    changes = [p for p in changed_paths(document, new_document) if p != "version"]
    if not changes:
        raise invalid("changes.none", "修改内容与当前版本相同，没有需要保存的修改",
                      [Violation("changes_json", "none", "与当前版本相同")])
    programme = _validated(new_document, rulesets)
    moves = [(p, a, b) for p, a, b in _deadline_moves(current, programme) if a != b]
    extended = any(a is not None and b is not None and b > a for _, a, b in moves)
    if current.window_state(now) != "not_open":
        allowed = set(DEADLINES) | set(OPEN_CHANGES)
        refused = [p for p in changes if p not in allowed
                   and not (p.startswith("review_chain[") and p.endswith("].review_closes_at"))]
        if refused:
            raise precondition("programme.opened", "已开始受理的培育批次只能延长截止时间、调整认定目标数及其浮动范围；"
                               f"以下内容不能再修改：{'、'.join(refused)}",
                               [Violation(f"changes_json.{p}", "locked", "开始受理后不能修改") for p in refused])
        earlier = [p for p, a, b in moves if a is not None and (b is None or b < a)]
        if earlier:
            raise precondition("programme.deadline_earlier", "已开始受理的培育批次，截止时间只能延后，不能提前或取消："
                               f"{'、'.join(earlier)}",
                               [Violation(f"changes_json.{p}", "earlier", "只能延后") for p in earlier])
    return programme, new_document, changes, extended


def new_programme_document(template: dict[str, Any], *, programme_id: str, year: int, title: str,
                           opens_at: str, closes_at: str, review_closes_at: str,
                           rulesets: Mapping[str, RuleSet] | None = None) -> tuple[Programme, dict[str, Any]]:
    """A year's programme from a template: its form, chain, attachments and rules, with a new id, year,
    title and window. The template's per-level deadlines and its source notice belong to its own year."""
    document = copy.deepcopy(template)
    document.update(id=programme_id, version=1, year=year, title=title.strip() or template.get("title", ""),
                    window={"opens_at": opens_at, "closes_at": closes_at,
                            "review_closes_at": review_closes_at or closes_at})
    document.pop("notice", None)
    for level in document.get("review_chain") or []:
        if isinstance(level, dict):
            level.pop("review_closes_at", None)
    return _validated(document, rulesets), document
