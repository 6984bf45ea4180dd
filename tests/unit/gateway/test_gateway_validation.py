from __future__ import annotations

import pytest

from gateway.routes import obj, text
from gateway.rules.validation import (
    MAX_DEPTH,
    SchemaChecker,
    check_body,
    check_query,
    forbidden_keys,
    nesting_depth,
    too_deep,
)
from zjtx.errors import DomainError

BODY = obj({"name": text(10, 1), "count": {"type": "integer", "minimum": 1, "maximum": 5},
            "kind": {"type": "string", "enum": ["a", "b"]},
            "code": {"type": "string", "pattern": "^[0-9]{6}$", "x-message": "6位数字"},
            "data": {"type": "object", "propertyNames": {"pattern": "^[a-z_]+$"}}}, required=("name",))


def problems(body: object) -> dict[str, str]:
    with pytest.raises(DomainError) as error:
        check_body(SchemaChecker(BODY), body)
    assert error.value.code == "request.invalid"
    return {v.field: f"{v.code}|{v.message}" for v in error.value.violations}


@pytest.mark.parametrize("body, field", [
    ({"$where": "1"}, "$where"),
    ({"name": "x", "data": {"a.b": 1}}, "data.a.b"),
    ({"name": "x", "data": {"ok": [{"$gt": ""}]}}, "data.ok[0].$gt"),
    ({"name": {"$ne": None}}, "name.$ne"),
    ({"name": "x", "data": {"nul\x00": 1}}, "data.nul\x00"),
])
def test_operator_and_dotted_keys_are_refused_at_any_depth(body: object, field: str) -> None:
    found = forbidden_keys(body)
    assert [v.field for v in found] == [field]
    assert found[0].code == "request.forbidden_key"
    assert problems(body)[field].startswith("request.forbidden_key|字段名")


def test_every_schema_problem_is_named_in_chinese() -> None:
    found = problems({"name": "", "count": 9, "kind": "c", "code": "12", "extra": 1})
    assert found["name"] == "request.empty|不能为空"
    assert found["count"] == "request.too_large|不能大于5"
    assert found["kind"].startswith("request.not_allowed|取值“c”无效；可选：a、b")
    assert found["code"] == "request.format|格式不正确（“12”）；6位数字"
    assert found["body"].startswith("request.unknown_field|不接受字段：extra")


def test_missing_and_mistyped_fields() -> None:
    found = problems({"count": "3"})
    assert found["body"] == "request.required|缺少必填字段：name"
    assert found["count"] == "request.type|类型错误：应为整数"


def test_markup_is_just_text() -> None:
    """Accepted as characters (no stripping, no escaping): its length counts in full."""
    body = {"name": "<b>x</b>"}
    assert forbidden_keys(body) == [] and SchemaChecker(BODY).problems(body) == []
    check_body(SchemaChecker(BODY), body)
    assert body == {"name": "<b>x</b>"}
    assert problems({"name": "<i>xxxx</i>"})["name"].startswith("request.too_long|")  # 11 characters, limit 10


def test_query_values_are_typed_before_validation() -> None:
    checker = SchemaChecker(obj({"limit": {"type": "integer", "minimum": 1, "maximum": 50}, "unread": {"type": "boolean"}}))
    assert check_query(checker, {"limit": ["20"], "unread": ["true"]}) == {"limit": 20, "unread": True}
    with pytest.raises(DomainError) as error:
        check_query(checker, {"limit": ["x"], "status[$ne]": ["1"], "$where": ["1"]})
    fields = {v.field: v.code for v in error.value.violations}
    assert fields == {"$where": "request.forbidden_key"}  # key guard first, then the schema
    with pytest.raises(DomainError) as error:
        check_query(checker, {"limit": ["x"], "other": ["1"]})
    fields = {v.field: v.code for v in error.value.violations}
    assert fields == {"limit": "request.type", "other": "request.unknown_field"}  # the parameter, not `body`
    assert all("查询参数" in v.message for v in error.value.violations)
    assert "查询参数“other”" in next(v.message for v in error.value.violations if v.field == "other")
    with pytest.raises(DomainError) as error:
        check_query(checker, {"limit": ["1", "2"]})
    assert error.value.violations[0].code == "request.repeated"


def test_nesting_depth_is_measured_without_parsing() -> None:
    assert nesting_depth(b'{"a": [1, {"b": "[[[[{{{{"}], "c": "\\"[["}') == 3
    assert nesting_depth(b"[" * 100000) == 100000  # no recursion, no RecursionError
    assert nesting_depth(b"[]" * 1000) == 1
    assert too_deep(b"[" * MAX_DEPTH + b"]" * MAX_DEPTH) is None
    problem = too_deep(b"[" * (MAX_DEPTH + 1) + b"]" * (MAX_DEPTH + 1))
    assert problem is not None and problem.code == "request.too_deep" and str(MAX_DEPTH) in problem.message


def test_a_refused_mobile_or_email_is_never_echoed() -> None:
    from gateway.formats import EMAIL_SCHEMA, MOBILE_SCHEMA

    schema = obj({"mobile": MOBILE_SCHEMA, "email": EMAIL_SCHEMA})
    with pytest.raises(DomainError) as error:
        check_body(SchemaChecker(schema), {"mobile": "12270170244", "email": "li.si@nowhere"})
    messages = " ".join(v.message for v in error.value.violations)
    assert "12270170244" not in messages and "li.si" not in messages and "11位中国大陆手机号" in messages
