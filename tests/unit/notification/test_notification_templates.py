"""Templates: the shipped set is complete and renders; a broken set is refused with every problem named."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from notification.rules.catalogue import CHANNELS, FIELDS, provided_fields
from notification.rules.templates import TemplateError, load_templates, parse_template
from zjtx.config import REPO_ROOT, ConfigError

SHIPPED = REPO_ROOT / "services" / "notification" / "templates"


def sample(kind: str) -> dict[str, str]:
    return {name: f"<{name}>" for name in provided_fields(kind)}


@pytest.fixture
def copy(tmp_path: Path) -> Path:
    target = tmp_path / "templates"
    shutil.copytree(SHIPPED, target)
    return target


def test_the_shipped_templates_cover_every_kind_and_channel_and_render_every_placeholder() -> None:
    templates = load_templates(SHIPPED)
    assert len(templates) == len(FIELDS) * len(CHANNELS)
    for kind in FIELDS:
        for channel in CHANNELS:
            rendered = templates.render(kind, channel, sample(kind))
            assert "$" not in rendered.title + rendered.body, (kind, channel)
            assert rendered.body
            assert bool(rendered.title) == (channel != "sms")


def test_email_subject_and_body_come_from_the_file() -> None:
    rendered = load_templates(SHIPPED).render("review.returned", "email", {
        **sample("review.returned"), "programme_title": "2020年湖南省“专精特新”小巨人企业培育认定",
        "reasons": "1. 【栏目】经济效益：数据不一致", "recipient_name": "张三"})
    assert rendered.title == "【退回修改】2020年湖南省“专精特新”小巨人企业培育认定（请按审核意见修改后重新提交）"
    assert rendered.body.startswith("张三，您好：")
    assert "1. 【栏目】经济效益：数据不一致" in rendered.body


def test_a_field_the_event_does_not_provide_is_named_with_its_file(copy: Path) -> None:
    path = copy / "review.rejected.sms.txt"
    path.write_text("${enterprise_name}：${reviewer_phone}\n", encoding="utf-8")
    with pytest.raises(TemplateError) as error:
        load_templates(copy)
    assert error.value.problems == [
        "review.rejected.sms.txt: field ${reviewer_phone} is not provided by review.rejected; provided: "
        + ", ".join(sorted(provided_fields("review.rejected")))]
    assert isinstance(error.value, ConfigError), "zjtx.launch prints a ConfigError as one line"
    assert "\n" not in str(error.value)


def test_every_problem_is_listed_at_once(copy: Path) -> None:
    (copy / "reminder.draft.inbox.txt").unlink()
    (copy / "review.passed.emial.txt").write_text("x\n\ny", encoding="utf-8")
    (copy / "review.passed.email.txt").write_text("no blank line\nbody", encoding="utf-8")
    (copy / "review.passed.sms.txt").write_text("成本 $ 100", encoding="utf-8")
    with pytest.raises(TemplateError) as error:
        load_templates(copy)
    problems = error.value.problems
    assert any(p.startswith("review.passed.emial.txt matches no notice kind and channel") for p in problems)
    assert "reminder.draft.inbox.txt is missing (one template per notice kind and channel)" in problems
    assert any(p.startswith("review.passed.email.txt: write the subject on the first line") for p in problems)
    assert any(p.startswith("review.passed.sms.txt: invalid placeholder") for p in problems)
    assert len(problems) == 4


def test_a_missing_directory_is_refused(tmp_path: Path) -> None:
    with pytest.raises(TemplateError, match="does not exist; set TEMPLATES_DIR"):
        load_templates(tmp_path / "nowhere")


def test_dollar_signs_are_written_twice() -> None:
    template, problems = parse_template("review.passed", "sms", "x.sms.txt", "奖励$$100元，${enterprise_name}")
    assert problems == [] and template is not None
    assert template.render({"enterprise_name": "甲公司"}).body == "奖励$100元，甲公司"


def test_a_second_round_task_and_each_review_reminder_step_have_titles_of_their_own() -> None:
    """Issue 21: a resubmitted application's task looked like the first one, and the 7-day
    and 3-day review reminders had the same subject."""
    from notification.rules.notices import round_text

    templates = load_templates(SHIPPED)
    for channel in ("inbox", "email"):
        titles = {templates.render("review.task_opened", channel, {
            **sample("review.task_opened"), "round_text": round_text(number)}).title for number in (0, 1, 2)}
        assert len(titles) == 3, (channel, titles)
        reminders = {templates.render("reminder.review", channel, {
            **sample("reminder.review"), "open_tasks": "7", "days_left": str(days)}).title for days in (7, 3, 1)}
        assert len(reminders) == 3, (channel, reminders)
    assert templates.render("review.task_opened", "email", {
        **sample("review.task_opened"), "enterprise_name": "甲公司", "programme_title": "乙批次",
        "round_text": round_text(1)}).title == "【待审核·第1次修改后重新提交】甲公司（乙批次）"
