"""The privacy notice shown at sign-up (PIPL arts. 14, 17), and the check that the one accepted is current.

The notice is versioned: sign-up names the version the person read and accepted
(``privacy_notice_version``); the gateway records it with the time on the enterprise's
credential (``privacy_consent``). A sign-up naming another version is refused with the
current one, so a front showing an old notice learns it must show the new one.
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from gateway.routes import Context, Registry, Route
from zjtx.errors import Violation, invalid

VERSION = "2026-12-01"
TITLE = "个人信息保护告知"
# What PIPL art. 17 requires the notice to state: who handles the data and how to reach them,
# purposes and means, the kinds of data and how long they are kept, how to exercise one's rights.
TEXT = """\
一、处理者：本平台由所在地工业和信息化主管部门运营（以下称“我们”）。如需查询、更正或删除个人信息，请通过平台站内信或所在地工信部门公布的联系方式与我们联系。
二、处理目的与方式：为办理“专精特新”中小企业培育申报、审核、认定、公示和结果通知，我们收集企业联系人的姓名、手机号和电子邮箱，用于向联系人发送申报进度通知，并供审核部门在审核中核实情况。
三、存储与保护：手机号、电子邮箱等联系方式以加密方式存储；列表与运维界面仅显示脱敏信息；日志与链路追踪不记录上述信息。
四、保存期限：个人信息在企业注册期间保存；申报材料按培育批次规定的档案保存期限保存，期满后删除个人信息，仅保留不含个人信息的政府记录。
五、您的权利：您可以查阅、复制、更正您的个人信息（在“企业信息”中修改联系人），并可在保存期限届满后申请删除。
六、同意：点击“同意并注册”即表示您已阅读并同意本告知。告知内容更新时，我们将提示您重新阅读并确认。"""

VERSION_SCHEMA: dict[str, Any] = {
    "type": "string", "enum": [VERSION],
    "description": "The version of the privacy notice (GET /api/v1/privacy-notice) the person read and accepted",
}


def notice() -> dict[str, str]:
    return {"version": VERSION, "title": TITLE, "text": TEXT}


def consent(version: str, at: datetime | None = None) -> dict[str, Any]:
    """The consent to record, after ``version`` is checked to be the current notice."""
    if version != VERSION:
        raise invalid("privacy.notice_outdated", f"请阅读并同意最新版《{TITLE}》（版本 {VERSION}）后再注册",
                      [Violation("privacy_notice_version", "privacy.notice_outdated",
                                 f"已同意的版本为“{version[:32]}”，当前版本为 {VERSION}")])
    return {"version": VERSION, "accepted_at": at or datetime.now(timezone.utc)}


def get_notice(ctx: Context) -> Any:
    return notice()


def register(r: Registry) -> None:
    r.add(Route("GET", "/api/v1/privacy-notice", "getPrivacyNotice",
                "The current privacy notice, which sign-up must accept by its version", "enterprises", (),
                get_notice, response={"type": "object", "additionalProperties": False,
                                      "required": ["version", "title", "text"],
                                      "properties": {"version": {"type": "string"}, "title": {"type": "string"},
                                                     "text": {"type": "string"}}}))
