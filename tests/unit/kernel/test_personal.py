"""kernel.personal: which form fields are personal (declared once), sealing and opening by path, erasure,
and what reporting drops; registration's archive-period rule."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone

import pytest

from kernel import personal
from kernel.programme import ProgrammeModel, programme_from_message
from registration.rules.erasure import archived_until, check_erasable
from registration.rules.snapshots import content_hash
from unit.registration.registration_programme import message
from zjtx.crypto import FieldCipher, FieldUnreadable
from zjtx.errors import DomainError

CIPHER = FieldCipher.from_env({})


def programme(document: dict | None = None, closes_at: str = "2020-05-15T23:59:59+08:00") -> ProgrammeModel:
    m = message()
    m.window.closes_at = closes_at
    m.document_json = json.dumps(document or {})
    return programme_from_message(m)


def test_personal_fields_are_the_documents_marks_and_the_well_known_ids() -> None:
    plain = programme()
    assert plain.personal_fields == {}  # the test programme's ids are none of the well-known ones
    marked = programme({"sections": [{"id": "basic", "fields": [{"id": "name", "personal": True},
                                                                {"id": "phone", "personal": True},
                                                                {"id": "staff", "personal": False}]}],
                        "archive_years": 30})
    assert marked.personal_fields == {"basic": ("name", "phone")} and marked.archive_years == 30
    assert plain.archive_years == personal.DEFAULT_ARCHIVE_YEARS == 10


def test_a_snapshot_sealed_by_path_opens_whole_and_its_hash_is_over_the_clear_values() -> None:
    snapshot = {"sections": {"basic": {"name": "张三", "phone": "0734-8888888", "staff": 3}},
                "pledge": {"signer_name": "李四", "signer_title": "法定代表人", "signed_at": "", "text_sha256": "x"},
                "enterprise": {"name": "某公司", "contact": {"person": "王五", "mobile": "13800138000", "email": "w@x.cn"}},
                "attachments": []}
    expected = content_hash(snapshot["sections"], [], snapshot["pledge"])
    sealed = personal.seal_snapshot(CIPHER, snapshot, {"basic": ("name", "phone")})
    text = json.dumps(sealed, ensure_ascii=False)
    assert not any(v in text for v in ("张三", "0734-8888888", "李四", "王五", "13800138000", "w@x.cn"))
    assert sealed["sections"]["basic"]["staff"] == 3 and sealed["pledge"]["signer_title"] == "法定代表人"
    opened = personal.open_snapshot(CIPHER, sealed)
    assert opened == snapshot
    assert content_hash(opened["sections"], [], opened["pledge"]) == expected
    # a sealed value moved to another field does not open there (the path is its associated data)
    with pytest.raises(FieldUnreadable):
        CIPHER.decrypt("sections.basic.phone", sealed["sections"]["basic"]["name"])


def test_erasure_replaces_declared_and_sealed_values_and_keeps_the_rest() -> None:
    sections = {"basic": {"legal_representative": "张三", "name": CIPHER.encrypt("sections.basic.name", "李四"),
                          "staff": 3, "contact_email": ""}}
    erased = personal.erase_sections(sections, {})
    assert erased == {"basic": {"legal_representative": personal.ERASED, "name": personal.ERASED, "staff": 3,
                                "contact_email": ""}}
    assert personal.erase_pledge({"signer_name": "李四", "signer_title": "总经理"}) == {
        "signer_name": personal.ERASED, "signer_title": "总经理"}


def test_reporting_drops_contacts_sealed_values_and_personal_form_fields() -> None:
    event = {"application": {"enterprise": {"name": "某公司", "contact": {"person": "王五"},
                                            "sealed_contact": {"mobile": "enc:1:aes256gcm:abc"}},
                             "sections": {"basic": {"contact_name": "李四", "staff": 3,
                                                    "other": "enc:1:sm4gcm:xyz"}},
                             "pledge": {"signer_name": "enc:1:aes256gcm:q", "signer_title": "总经理"}}}
    assert personal.without_contacts(event) == {"application": {
        "enterprise": {"name": "某公司"}, "sections": {"basic": {"staff": 3}}, "pledge": {"signer_title": "总经理"}}}


def test_erasure_is_refused_within_the_archive_period_naming_the_day_it_becomes_possible() -> None:
    model = programme()
    until = archived_until(model)
    assert until == datetime(2030, 5, 15, 23, 59, 59, tzinfo=until.tzinfo)
    with pytest.raises(DomainError) as refused:
        check_erasable("衡阳某公司", [model], until - timedelta(seconds=1))
    assert refused.value.code == "personal_data.archive_period" and "2030年5月15日" in refused.value.message
    assert check_erasable("衡阳某公司", [model], until + timedelta(seconds=1)) == until
    assert check_erasable("衡阳某公司", [], datetime(2020, 1, 1, tzinfo=timezone.utc)) is None
    leap = programme(closes_at="2024-02-29T23:59:59+08:00")
    assert archived_until(leap).date().isoformat() == "2034-03-01"
