"""The Hunan 2020 小巨人 programme as its people live it, on the notice's own dates.

1. 2020-04-10: the province's admin creates reviewer accounts for 长沙, 株洲, 衡阳 and the
   省财政直管县市 耒阳; eight enterprises register and apply (one is first refused by the
   上云上平台 gate, then corrects), attach the six kinds of material, sign the pledge, submit.
2. 2020-05-08: the units review 真实性 and 完整性: 长沙 returns one application, which is
   corrected and resubmitted, 株洲 rejects one; the rest pass. Each unit prints its
   推荐汇总表, uploads the signed scan and confirms its recommendations.
3. 2020-05-15 23:00: one enterprise submits an hour before the system closes; a second
   after the close another is refused; the next morning a decision on the late
   application is refused too (reviews had to be in by the close as well). The province
   then extends the reviewing deadline by two days with a reason (a new version of the
   programme, announced to the reviewing units); the decision is accepted, but its unit
   had already confirmed its 推荐汇总表 and does not confirm again.
4. 2020-05-20: the province ranks and recognises on merit, opens the 公示; an objection is
   recorded and dismissed; 2020-06-05: the list is published, and every application reaches
   a final state (recognised, rejected, expired: the unconfirmed recommendation and the draft
   never submitted), printed and written to out/demo/final-states.txt.
5. Everyone was notified; the departments download their workbooks, figures and PDFs.
6. After recognition: the recommended enterprise left off the list sits in the province's 后备
   pool (exported); each recognition is valid three years; the recognised and 后备 enterprises
   file quarterly 调度 reports through 2021 (one is late once, and shows on the late list);
   2022-03: one recognition is revoked with a reason; 2023: a 复核 cycle on the current rules
   (MIIT's 2022 indicators, with the live self-assessment) renews those that take part, and
   on 2023-06-05 the one that did not lapses, with notice.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any, TypeVar

from demo.data import (
    ENTERPRISES,
    LATE,
    PROGRAMME,
    REVIEW_2023,
    DemoEnterprise,
    attachments,
    pdf,
    review_attachments,
    review_sections,
    sections,
)
from demo.http import DemoError, Gateway
from zjtx.clock import set_clock_file, to_shanghai
from zjtx.up import Suite

T = TypeVar("T")
PASSWORD = "Qiye-2020-mima"
STAFF_PASSWORD = "Shenhe-2020-mima"
UNITS = {"430100": "unit-430100", "430200": "unit-430200", "430400": "unit-430400", "430481": "unit-430481"}
RETURNED, REJECTED = "cs-3", "zz-2"
FINAL = ("recognised", "not_recognised", "rejected", "withdrawn", "expired")


def unit_of(enterprise: DemoEnterprise) -> str:
    return UNITS.get(enterprise.region) or UNITS[enterprise.city]


def wait_for(probe: Callable[[], T | None], what: str, timeout: float = 120) -> T:
    deadline = time.monotonic() + timeout
    while True:
        value = probe()
        if value:
            return value
        if time.monotonic() > deadline:
            raise DemoError(f"timed out after {timeout:.0f}s waiting for {what}")
        time.sleep(0.3)


def say(text: str) -> None:
    print(f"  {text}", flush=True)


class Scenario:
    def __init__(self, suite: Suite, clock_file: Path, out: Path, admin_password: str, ops_password: str) -> None:
        self.suite = suite
        self.clock_file = clock_file
        self.out = out
        self.api = Gateway(suite.endpoints["gateway"])
        self.admin_password = admin_password
        self.ops_password = ops_password
        self.tokens: dict[str, str] = {}
        self.applications: dict[str, str] = {}
        self.summary: dict[str, Any] = {}

    def clock(self, instant: str) -> None:
        set_clock_file(self.clock_file, instant)
        print(f"\n[{instant[:10]}]", flush=True)

    def run(self) -> dict[str, Any]:
        self.clock("2020-04-10T09:00:00+08:00")
        self.people()
        self.applications_filed()
        self.clock("2020-05-08T09:30:00+08:00")
        self.reviews()
        self.summary_tables()
        self.last_evening()
        self.clock("2020-05-20T09:00:00+08:00")
        self.recognition()
        self.clock("2020-06-05T09:00:00+08:00")
        self.publication()
        self.outputs()
        self.notifications()
        self.timeline()
        self.after_recognition()
        return self.summary

    # ---- 1. accounts and applications -------------------------------------------------

    def people(self) -> None:
        api = self.api
        # staff confirm with a TOTP code and change the password set for them first (demo/http.py)
        self.tokens["admin"] = api.staff_session("admin", self.admin_password)
        self.tokens["ops"] = api.staff_session("ops", self.ops_password)
        programme = api.get(f"/api/v1/programmes/{PROGRAMME}")
        say(f"programme {programme['title']}: window {programme['window']['opens_at'][:10]} to "
            f"{programme['window']['closes_at']}, target about {programme['target_count']}")
        for unit_id in sorted(set(UNITS.values())):
            username = f"reviewer-{unit_id.removeprefix('unit-')}"
            account = api.post(f"/api/v1/units/{unit_id}/accounts", {
                "username": username, "name": f"{unit_id}审核人", "email": f"{username}@gxt.example.cn",
                "mobile": "13900139000", "role": "reviewer", "initial_password": STAFF_PASSWORD},
                token=self.tokens["admin"])
            self.tokens[unit_id] = api.staff_session(username, STAFF_PASSWORD)
            say(f"reviewer account {username} for {account['account'].get('unit_id', unit_id)}")
        notice = api.get("/api/v1/privacy-notice")  # what the sign-up page shows and the enterprise accepts
        for enterprise in ENTERPRISES:
            api.post("/api/v1/enterprises", {
                "uscc": enterprise.uscc, "name": enterprise.name, "region_code": enterprise.region,
                "industry": enterprise.industry, "park_id": "", "password": PASSWORD,
                "privacy_notice_version": notice["version"],
                "contact": {"person": "李娟", "mobile": "13800138000", "email": f"{enterprise.key}@example.cn"}})
            self.tokens[enterprise.key] = api.post("/api/v1/sessions/enterprise", {
                "uscc": enterprise.uscc, "password": PASSWORD})["token"]
        say(f"{len(ENTERPRISES)} enterprises registered with their 统一社会信用代码")

    def applications_filed(self) -> None:
        api = self.api
        for enterprise in ENTERPRISES:
            token = self.tokens[enterprise.key]
            app_id = api.post("/api/v1/applications", {"programme_id": PROGRAMME}, token=token)["id"]
            self.applications[enterprise.key] = app_id
            gate_first = enterprise.key == "hy-2"
            for section_id, data in sections(enterprise, on_cloud=not gate_first).items():
                api.put(f"/api/v1/applications/{app_id}/sections/{section_id}", {"data": data}, token=token)
            for kind, filename, media_type, content in attachments(enterprise):
                api.upload(f"/api/v1/applications/{app_id}/attachments", content, media_type, token,
                           kind=kind, filename=filename)
            api.post(f"/api/v1/applications/{app_id}/pledge", {"signer_name": "王建国", "signer_title": "法定代表人"},
                     token=token)
            if gate_first:
                refused = api.attempt("POST", f"/api/v1/applications/{app_id}/submit", {}, token)
                reasons = "; ".join(v["message"] for v in (refused.body or {}).get("violations", []))
                say(f"{enterprise.name}: submission refused ({refused.status}): {reasons}")
                self.summary["gate_refusal"] = reasons
                data = sections(enterprise)["other"]
                app = api.get(f"/api/v1/applications/{app_id}", token=token)
                version = next(s["version"] for s in app["sections"] if s["id"] == "other")
                api.put(f"/api/v1/applications/{app_id}/sections/other", {"data": data, "expected_version": version},
                        token=token)
            if enterprise.key in LATE:
                say(f"{enterprise.name} has everything ready but waits until the last evening")
                continue
            self.submit(enterprise)

    def submit(self, enterprise: DemoEnterprise) -> None:
        token, app_id = self.tokens[enterprise.key], self.applications[enterprise.key]
        submitted = self.api.post(f"/api/v1/applications/{app_id}/submit", {}, token=token)
        say(f"{enterprise.name} submitted (snapshot v{submitted['snapshot_version']}, "
            f"hash {submitted.get('content_hash', '')[:12]})")
        self.summary["submitted"] = self.summary.get("submitted", 0) + 1

    # ---- 2. reviews ---------------------------------------------------------------------

    def open_task(self, enterprise: DemoEnterprise) -> dict[str, Any]:
        token, app_id = self.tokens[unit_of(enterprise)], self.applications[enterprise.key]

        def probe() -> dict[str, Any] | None:
            tasks = self.api.get(f"/api/v1/tasks?programme_id={PROGRAMME}", token=token).get("tasks", [])
            return next((t for t in tasks if t["application_id"] == app_id and t["status"] == "open"), None)

        return wait_for(probe, f"the review task of {enterprise.name}")

    def reviews(self) -> None:
        api = self.api
        for enterprise in ENTERPRISES:
            if enterprise.key in LATE:
                continue
            task = self.open_task(enterprise)
            token = self.tokens[unit_of(enterprise)]
            if enterprise.key == RETURNED:
                api.post(f"/api/v1/tasks/{task['id']}/return", {"reasons": [
                    {"target_kind": "section", "target": "innovation",
                     "reason": "研发投入占比与2019年财务报表不一致，请核实后修改"}]}, token=token)
                say(f"{task.get('unit_name') or unit_of(enterprise)} returned {enterprise.name} for correction")
                self.correct_and_resubmit(enterprise)
                task = self.open_task(enterprise)
            if enterprise.key == REJECTED:
                api.post(f"/api/v1/tasks/{task['id']}/reject",
                         {"reason": "佐证材料显示企业主营业务收入增速未达到申报条件"}, token=token)
                say(f"{unit_of(enterprise)} rejected {enterprise.name}")
                continue
            api.post(f"/api/v1/tasks/{task['id']}/pass", {"opinion": "经审核，申报材料真实、完整，同意推荐"},
                     token=token)
        say(f"{len(ENTERPRISES) - len(LATE) - 1} applications passed their unit's review")

    def correct_and_resubmit(self, enterprise: DemoEnterprise) -> None:
        token, app_id = self.tokens[enterprise.key], self.applications[enterprise.key]
        application = wait_for(lambda: (lambda a: a if a["status"] == "returned" else None)(
            self.api.get(f"/api/v1/applications/{app_id}", token=token)), "the return to reach the enterprise")
        reasons = "; ".join(c.get("reason", "") for c in application.get("corrections", []))
        say(f"{enterprise.name} sees the reviewer's reasons: {reasons}")
        section = next(s for s in application["sections"] if s["id"] == "innovation")
        data = sections(enterprise)["innovation"] | {"rnd_expense_ratio_2019": 4.6}
        self.api.put(f"/api/v1/applications/{app_id}/sections/innovation",
                     {"data": data, "expected_version": section["version"]}, token=token)
        again = self.api.post(f"/api/v1/applications/{app_id}/resubmit", {}, token=token)
        say(f"{enterprise.name} corrected and resubmitted (snapshot v{again['snapshot_version']})")

    def summary_tables(self) -> None:
        api = self.api
        for unit_id in sorted(set(UNITS.values())):
            token = self.tokens[unit_id]
            draft = api.post(f"/api/v1/programmes/{PROGRAMME}/reports", {
                "kind": "summary_table", "unit_id": unit_id, "include_pending": True}, token=token)
            for report in draft.get("reports", []):
                self.download(report, token, f"推荐汇总表-待签字-{unit_id}")
            upload = api.call("POST", f"/api/v1/programmes/{PROGRAMME}/units/{unit_id}/summaries", token,
                              data=pdf(f"signed summary table {unit_id}"),
                              params={"filename": "推荐汇总表-签字盖章.pdf"},
                              headers={"Content-Type": "application/pdf"})
            api.post(f"/api/v1/programmes/{PROGRAMME}/units/{unit_id}/finalise", token=token)
            say(f"{unit_id} uploaded its signed 推荐汇总表 (sha256 {upload.get('sha256', '')[:12]}) and confirmed "
                f"{len(upload.get('finalised_application_ids', []))} recommendation(s)")

    def last_evening(self) -> None:
        early, late = (next(e for e in ENTERPRISES if e.key == key) for key in LATE)
        self.clock("2020-05-15T23:00:00+08:00")
        self.submit(early)
        task = self.open_task(early)
        self.clock("2020-05-16T00:00:01+08:00")
        refused = self.api.attempt("POST", f"/api/v1/applications/{self.applications[late.key]}/submit", {},
                                   self.tokens[late.key])
        reasons = "; ".join(v["message"] for v in (refused.body or {}).get("violations", [])) or \
            (refused.body or {}).get("message", "")
        say(f"{late.name} one second after the close: refused ({refused.status}): {reasons}")
        self.clock("2020-05-16T08:30:00+08:00")
        decision = self.api.attempt("POST", f"/api/v1/tasks/{task['id']}/pass", {"opinion": "同意推荐"},
                                    self.tokens[unit_of(early)])
        say(f"the morning after, {unit_of(early)}'s decision on it is refused ({decision.status}): "
            f"{(decision.body or {}).get('message', '')}")
        self.summary["refused_after_close"] = {"submission": refused.status, "decision": decision.status}
        self.extension(early, task)

    def extension(self, early: DemoEnterprise, task: dict[str, Any]) -> None:
        """The province extends the reviewing deadline by two days with a stated reason (a new version of the
        programme); the unit's decision is then accepted. Its 推荐汇总表 was confirmed before, and the unit
        never confirms again: at publication that recommendation expires."""
        api, admin = self.api, self.tokens["admin"]
        programme = api.get(f"/api/v1/programmes/{PROGRAMME}")
        reason = "5月15日晚系统访问量激增，部分审核单位未能及时提交审核意见，审核截止时间延长至5月17日24时"
        amended = api.call("PATCH", f"/api/v1/programmes/{PROGRAMME}", admin, json={
            "expected_version": programme["version"], "reason": reason,
            "changes": {"window": {"review_closes_at": "2020-05-17T23:59:59+08:00"}}})
        say(f"extension: the province amends {PROGRAMME} v{programme['version']} -> v{amended['version']}: "
            f"review deadline {programme['window']['review_closes_at']} -> {amended['window']['review_closes_at']} "
            f"({reason})")
        versions = api.get(f"/api/v1/programmes/{PROGRAMME}/versions", token=admin)["versions"]
        for v in versions:
            say(f"  version {v['version']} ({v['kind']}) by {v['changed_by']} from {v.get('client_address') or '-'}: "
                f"{', '.join(v.get('changes', [])) or '-'}")
        unit = unit_of(early)
        passed = self.api.post(f"/api/v1/tasks/{task['id']}/pass", {"opinion": "同意推荐"}, token=self.tokens[unit])
        say(f"{unit}'s decision is now accepted ({passed['task']['status']}); the application waits for a "
            f"推荐汇总表 the unit had already confirmed")
        notice = wait_for(lambda: next((m for m in self.api.get(
            "/api/v1/inbox", token=self.tokens[unit], params={"box": f"unit:{unit}"}).get("messages", [])
            if m.get("event_type") == "programme.amended"), None), f"{unit}'s extension notice")
        say(f"{unit}'s inbox: {notice['title']}")
        (self.out / "extension.txt").write_text(
            f"{PROGRAMME}: v{programme['version']} -> v{amended['version']}\nreason: {reason}\n"
            f"review_closes_at: {programme['window']['review_closes_at']} -> {amended['window']['review_closes_at']}\n\n"
            f"{notice['title']}\n{notice['body']}\n", encoding="utf-8")
        self.summary["extension"] = {"from_version": programme["version"], "to_version": amended["version"],
                                     "review_closes_at": amended["window"]["review_closes_at"], "reason": reason}

    # ---- 4. recognition ---------------------------------------------------------------------

    def recognition(self) -> None:
        api, admin = self.api, self.tokens["admin"]
        wait_for(lambda: api.get(f"/api/v1/programmes/{PROGRAMME}/status", token=admin).get("reviews_closed"),
                 "the reviews to close")
        ranking = api.get(f"/api/v1/programmes/{PROGRAMME}/ranking", token=admin)
        say("ranking (rubric score where there is one, then 两化融合贯标 and invention patents):")
        for row in ranking["ranked"]:
            markers = ", ".join(f"{m.get('title', m.get('id'))} {m.get('value')}" for m in row.get("markers", []))
            say(f"  {row.get('rank')}. {row['enterprise']['name']} ({row.get('unit_name')}; {markers})"
                f"{'' if row.get('within_target') else '  beyond the target'}")
        chosen = [r["application_id"] for r in ranking["ranked"] if r.get("within_target")][:-1]
        say("the last ranked is left off the list on merit: it will stay in the 后备 pool")
        publicity = api.post(f"/api/v1/programmes/{PROGRAMME}/recognition", {"application_ids": chosen}, token=admin)
        say(f"{len(chosen)} recognised on merit; 公示 from {publicity.get('opens_at', '')[:10]} "
            f"to {publicity.get('closes_at', '')[:10]}")
        objection = api.post(f"/api/v1/programmes/{PROGRAMME}/objections", {
            "application_id": self.applications["cs-1"], "objector": "匿名来信",
            "content": "反映该企业发明专利数量与实际不符"}, token=admin)
        api.post(f"/api/v1/programmes/{PROGRAMME}/objections/{objection['id']}/resolve", {
            "upheld": False, "resolution": "经核查国家知识产权局登记信息，专利真实有效，异议不成立"}, token=admin)
        say("an objection during the 公示 was recorded, checked and dismissed")
        self.summary["recognised_on_list"] = len(chosen)

    def publication(self) -> None:
        published = self.api.post(f"/api/v1/programmes/{PROGRAMME}/publish", token=self.tokens["admin"])
        recognised = published.get("recognised", [])
        not_recognised = published.get("not_recognised", [])
        expired = published.get("expired", [])
        say(f"published: {len(recognised)} recognised, {len(not_recognised)} not recognised, {len(expired)} expired")
        self.summary["recognised"] = len(recognised)
        self.summary["not_recognised"] = len(not_recognised)
        self.summary["expired"] = len(expired)
        self.final_states()

    def final_states(self) -> None:
        """No application in limbo: each one's final state as its enterprise sees it (registration)."""
        lines, states = [], {}
        for enterprise in ENTERPRISES:
            app_id, token = self.applications[enterprise.key], self.tokens[enterprise.key]
            application = wait_for(lambda a=app_id, t=token: (lambda d: d if d["status"] in FINAL else None)(
                self.api.get(f"/api/v1/applications/{a}", token=t)), f"the final state of {enterprise.name}")
            reason = application.get("decision_reason") or ""
            states[enterprise.key] = application["status"]
            lines.append(f"{enterprise.name:<22} {application['status']:<15} {application.get('status_label', '')}"
                         f"{'：' + reason if reason else ''}")
        say("final states:")
        for line in lines:
            say(f"  {line}")
        (self.out / "final-states.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
        self.summary["final_states"] = states

    # ---- 5. outputs -----------------------------------------------------------------------

    def download(self, report: dict[str, Any], token: str, stem: str) -> Path:
        suffix = report.get("format") or Path(report.get("filename", "x.bin")).suffix.lstrip(".")
        target = self.out / f"{stem}.{suffix}"
        self.api.download(f"/api/v1/reports/{report['id']}/file", token, target)
        return target

    def outputs(self) -> None:
        api, admin = self.api, self.tokens["admin"]
        files: list[str] = []
        requests = [("summary_table", {}, "推荐汇总表-全省"), ("charts", {"formats": ["png", "svg"]}, "统计图"),
                    ("recognition_list", {"stage": "final", "formats": ["xlsx", "pdf"]}, "认定名单")]
        for kind, extra, stem in requests:
            result = api.post(f"/api/v1/programmes/{PROGRAMME}/reports", {"kind": kind, **extra}, token=admin)
            for number, report in enumerate(result.get("reports", [])):
                name = report.get("title") or f"{stem}-{number}"
                files.append(str(self.download(report, admin, f"{stem}-{name}" if name != stem else stem)
                                 .relative_to(self.out)))
        for key in ("cs-1", "ly-1"):
            result = api.post(f"/api/v1/programmes/{PROGRAMME}/reports", {
                "kind": "application_pdf", "application_id": self.applications[key]}, token=admin)
            for report in result.get("reports", []):
                files.append(str(self.download(report, admin, f"申报书-{key}").relative_to(self.out)))
        statistics = api.get(f"/api/v1/programmes/{PROGRAMME}/statistics", token=admin)
        (self.out / "statistics.json").write_text(__import__("json").dumps(statistics, ensure_ascii=False, indent=2))
        files.append("statistics.json")
        self.summary["files"] = sorted(files)
        say(f"wrote {len(files)} files: " + ", ".join(sorted(files)))

    def notifications(self) -> None:
        api, ops = self.api, self.tokens["ops"]

        def settled() -> dict[str, Any] | None:
            stats = api.get("/api/v1/ops/deliveries/stats", token=ops)
            pending = sum(int(row.get("count", 0)) for row in stats.get("counts", [])
                          if row.get("state") in ("pending", "sending", "retrying"))
            return stats if pending == 0 else None

        stats = wait_for(settled, "notifications to be delivered", timeout=180)
        rows = stats.get("counts", [])
        by_channel: dict[str, dict[str, int]] = {}
        for row in rows:
            by_channel.setdefault(row.get("channel", "?"), {})[row.get("state", "?")] = int(row.get("count", 0))
        say("notifications by channel: " + "; ".join(
            f"{channel}: " + ", ".join(f"{n} {state}" for state, n in sorted(states.items()))
            for channel, states in sorted(by_channel.items())))
        self.summary["notifications"] = by_channel

    def timeline(self) -> None:
        from zjtx.ops import Operations

        app_id = self.applications[RETURNED]
        operations = Operations(self.suite.env)
        rows = operations.timeline(app_id)
        lines = [f"{row.at.isoformat()}  {row.service:<12} {row.what:<34} {row.detail}  trace {row.trace_id}"
                 for row in rows]
        (self.out / f"timeline-{app_id}.txt").write_text("\n".join(lines) + "\n")
        say(f"timeline of the returned-and-corrected application {app_id}: {len(rows)} entries "
            f"(out/demo/timeline-{app_id}.txt; live: python -m zjtx.ops {app_id} while `make up` runs)")
        self.summary["timeline_application"] = app_id

    # ---- 6. after recognition: 后备 pool, validity, revocation, 复核, lapse ------------------

    def after_recognition(self) -> None:
        api, admin = self.api, self.tokens["admin"]
        pool = api.get("/api/v1/reserve", token=admin)["entries"]
        for entry in pool:
            say(f"后备 pool: {entry['enterprise']['name']} ({entry['source_label']}: {entry['reason']})")
        api.download("/api/v1/reserve/export", admin, self.out / "后备企业库.csv")
        self.summary["reserve"] = [e["enterprise"]["name"] for e in pool]
        records = api.get(f"/api/v1/recognitions?programme_id={PROGRAMME}", token=admin)["recognitions"]
        say(f"{len(records)} recognitions, each valid until {records[0]['valid_until'][:10] if records else '-'} "
            "(three years)")
        by_key = {e.key: r for e in ENTERPRISES for r in records if r["enterprise"]["uscc"] == e.uscc}
        self.operating_reports(sorted(by_key), [e.key for e in ENTERPRISES
                                                if any(p["enterprise"]["uscc"] == e.uscc for p in pool)])
        revoked_key = sorted(by_key)[-1]
        self.clock("2022-03-01T10:00:00+08:00")
        revoked = api.post(f"/api/v1/recognitions/{by_key[revoked_key]['id']}/revoke",
                           {"reason": "企业发生重大安全生产事故，依规撤销认定"}, token=admin)
        say(f"{revoked['enterprise']['name']}: recognition {revoked['status_label']} ({revoked['revoked_reason']})")
        self.clock("2022-04-10T09:00:00+08:00")  # the 2022-Q1 window: registration no longer asks it

        def refused() -> str | None:
            answer = api.attempt("PUT", f"/api/v1/programmes/{PROGRAMME}/operating-reports/periods/2022-Q1",
                                 {"figures": {"employees": 1}}, token=self.tokens[revoked_key])
            return answer.body.get("message") if answer.status == 403 else None

        say(f"{revoked['enterprise']['name']} files 2022-Q1: {wait_for(refused, 'registration to hear the revocation')}")
        lapsing_key = sorted(k for k in by_key if k != revoked_key)[0]
        renewing = [k for k in sorted(by_key) if k not in (revoked_key, lapsing_key)]
        self.renewal_cycle(renewing)
        self.clock("2023-06-05T00:00:05+08:00")

        def lapsed() -> list[dict[str, Any]] | None:
            found = api.get(f"/api/v1/recognitions?programme_id={PROGRAMME}&status=lapsed", token=admin)
            return found["recognitions"] or None

        for record in wait_for(lapsed, "the unrenewed recognition to lapse"):
            local = to_shanghai(datetime.fromisoformat(record["lapsed_at"].replace("Z", "+00:00")))
            say(f"{record['enterprise']['name']}: {record['status_label']} on {local:%Y-%m-%d} (valid until "
                f"{record['valid_until'][:10]}), with notice")
        final = api.get(f"/api/v1/recognitions?programme_id={PROGRAMME}", token=admin)["recognitions"]
        self.summary["recognitions"] = {r["enterprise"]["name"]: {"status": r["status"], "valid_until": r["valid_until"]}
                                        for r in final}

    def renewal_cycle(self, keys: list[str]) -> None:
        """2023 复核: a submission and a review like an application, on the current rules."""
        api, admin = self.api, self.tokens["admin"]
        self.clock("2023-03-10T09:00:00+08:00")
        apps: dict[str, str] = {}
        for key in keys:
            enterprise = next(e for e in ENTERPRISES if e.key == key)
            token = self.tokens[key]
            app_id = api.post("/api/v1/applications", {"programme_id": REVIEW_2023}, token=token)["id"]
            data = review_sections(enterprise)
            for section_id, values in data.items():
                api.put(f"/api/v1/applications/{app_id}/sections/{section_id}", {"data": values}, token=token)
            assessment = api.post(f"/api/v1/programmes/{REVIEW_2023}/assessment", {"sections": data}, token=token)
            for kind, filename, media_type, content in review_attachments(enterprise):
                api.upload(f"/api/v1/applications/{app_id}/attachments", content, media_type, token,
                           kind=kind, filename=filename)
            api.post(f"/api/v1/applications/{app_id}/pledge", {"signer_name": "王建国", "signer_title": "法定代表人"},
                     token=token)
            api.post(f"/api/v1/applications/{app_id}/submit", {}, token=token)
            apps[key] = app_id
            say(f"复核: {enterprise.name} self-assessed {assessment['total']} points ({assessment['summary']}) "
                "and submitted")
        self.summary["self_assessment"] = {k: api.post(f"/api/v1/programmes/{REVIEW_2023}/assessment", {
            "sections": review_sections(next(e for e in ENTERPRISES if e.key == k))}, token=self.tokens[k])["total"]
            for k in keys}
        units = sorted({unit_of(next(e for e in ENTERPRISES if e.key == k)) for k in keys})
        for key, app_id in apps.items():
            token = self.tokens[unit_of(next(e for e in ENTERPRISES if e.key == key))]

            def probe(app_id: str = app_id, token: str = token) -> dict[str, Any] | None:
                tasks = api.get(f"/api/v1/tasks?programme_id={REVIEW_2023}", token=token).get("tasks", [])
                return next((t for t in tasks if t["application_id"] == app_id and t["status"] == "open"), None)

            task = wait_for(probe, f"the 复核 task of {key}")
            api.post(f"/api/v1/tasks/{task['id']}/pass", {"opinion": "复核材料真实、完整，同意续期"}, token=token)
        for unit_id in units:
            token = self.tokens[unit_id]
            api.call("POST", f"/api/v1/programmes/{REVIEW_2023}/units/{unit_id}/summaries", token,
                     data=pdf(f"signed 2023 review table {unit_id}"), params={"filename": "复核汇总表-签字盖章.pdf"},
                     headers={"Content-Type": "application/pdf"})
            api.post(f"/api/v1/programmes/{REVIEW_2023}/units/{unit_id}/finalise", token=token)
        self.clock("2023-05-05T09:00:00+08:00")
        wait_for(lambda: api.get(f"/api/v1/programmes/{REVIEW_2023}/status", token=admin).get("reviews_closed"),
                 "the 复核 reviews to close")
        ranking = api.get(f"/api/v1/programmes/{REVIEW_2023}/ranking", token=admin)
        chosen = [r["application_id"] for r in ranking["ranked"] if r.get("within_target")]
        api.post(f"/api/v1/programmes/{REVIEW_2023}/recognition", {"application_ids": chosen}, token=admin)
        self.clock("2023-05-20T09:00:00+08:00")
        api.post(f"/api/v1/programmes/{REVIEW_2023}/publish", token=admin)
        renewed = api.get(f"/api/v1/recognitions?programme_id={PROGRAMME}&status=valid", token=admin)["recognitions"]
        for record in renewed:
            if record.get("renewals"):
                say(f"复核 passed: {record['enterprise']['name']} renewed until {record['valid_until'][:10]}")
            else:
                say(f"{record['enterprise']['name']} did not take part: valid until {record['valid_until'][:10]}")

    def operating_reports(self, recognised: list[str], reserve: list[str]) -> None:
        """定期调度: quarterly reports from 2020-Q2 through 2021-Q4, each in its window."""
        api, admin = self.api, self.tokens["admin"]
        periods = [("2020-Q2", "2020-07-10"), ("2020-Q3", "2020-10-12"), ("2020-Q4", "2021-01-11"),
                   ("2021-Q1", "2021-04-12"), ("2021-Q2", "2021-07-12"), ("2021-Q3", "2021-10-11"),
                   ("2021-Q4", "2022-01-10")]
        late_key = recognised[0]
        filed = 0
        for number, (period, day) in enumerate(periods):
            self.clock(f"{day}T09:00:00+08:00")
            for key in recognised + reserve:
                if key == late_key and period == "2021-Q2":
                    continue  # forgets this quarter
                enterprise = next(e for e in ENTERPRISES if e.key == key)
                quarter = enterprise.revenue_2019 // 4
                grown = int(quarter * (1 + 0.03 * number))
                api.put(f"/api/v1/programmes/{PROGRAMME}/operating-reports/periods/{period}", {
                    "figures": {"operating_revenue": grown, "total_profit": int(grown * 0.08),
                                "rnd_expense": int(grown * 0.05), "employees": 120 + enterprise.revenue_2019 // 100,
                                "export_value": int(grown * 0.1), "new_invention_patents": number % 2},
                    "note": "生产经营正常"}, token=self.tokens[key])
                filed += 1
            if period == "2021-Q2":
                self.clock("2021-07-20T09:00:00+08:00")
                late = api.get(f"/api/v1/programmes/{PROGRAMME}/operating-reports/late-filers", token=admin)
                names = "、".join(f["enterprise_name"] for f in late["late"]) or "none"
                say(f"调度 {late['period_label']}: {late['due'] - len(late['late'])} of {late['due']} filed; "
                    f"late: {names}")
                self.summary["late_filers_2021_q2"] = [f["enterprise_name"] for f in late["late"]]
        say(f"{filed} quarterly 调度 reports filed from 2020-Q2 to 2021-Q4 by {len(recognised)} recognised and "
            f"{len(reserve)} 后备 enterprises")
        self.summary["operating_reports"] = filed
        # reporting's sums of the reports by 市州 over time, and its workbook and trend charts
        sums = wait_for(lambda: (lambda s: s if sum(r["reports"] for r in s["rows"]) == filed else None)(api.get(
            f"/api/v1/programmes/{PROGRAMME}/operating-statistics?group_by=city", token=admin)),
            "reporting to sum every report filed")
        for row in [r for r in sums["rows"] if r["period"] in ("2020-Q2", "2021-Q4")]:
            say(f"调度 sums {row['period_label']} {row['label']}: {row['reports']} reports, 营业收入 "
                f"{row['totals']['operating_revenue']} 万元")
        made = api.post(f"/api/v1/programmes/{PROGRAMME}/reports", {"kind": "operating_reports", "group_by": "city"},
                        token=admin)
        for report in made["reports"]:
            api.download(f"/api/v1/reports/{report['id']}/file", admin, self.out / report["filename"])
        say(f"调度 sums by city: {', '.join(r['filename'] for r in made['reports'])}")
        self.summary["operating_sums"] = [r["filename"] for r in made["reports"]]
