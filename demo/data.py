"""The demo's enterprises and what they file: made up, but shaped like real applications."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

from kernel.uscc import make_uscc

PROGRAMME = "hunan-2020-little-giant"


@dataclass(frozen=True)
class DemoEnterprise:
    key: str
    name: str
    region: str          # county-level GB/T 2260 code
    city: str            # the city code in its USCC
    industry: str
    product: str
    focus: str           # one of the programme's five 培育重点
    revenue_2019: int    # 万元
    patents: int         # invention patents
    two_integration: bool

    @property
    def uscc(self) -> str:
        body = "MA4L" + hashlib.sha256(self.key.encode()).hexdigest()[:4].upper()
        body = "".join(c if c not in "IOSVZ" else "A" for c in body)
        return make_uscc("9", "1", self.city, body)


# Three cities (长沙, 株洲, 衡阳) and one 省财政直管县市 (耒阳, reviewed by its own unit).
ENTERPRISES = [
    DemoEnterprise("cs-1", "长沙星沙智能装备有限公司", "430121", "430100", "专用设备制造业", "智能仓储物流装备",
                   "manufacturing_chain", 26000, 6, True),
    DemoEnterprise("cs-2", "长沙麓谷芯联电子科技有限公司", "430104", "430100", "计算机、通信和其他电子设备制造业",
                   "工业级5G通信模组", "new_infrastructure", 18000, 9, True),
    DemoEnterprise("cs-3", "长沙望城新材料有限公司", "430112", "430100", "化学原料和化学制品制造业", "电子级高纯试剂",
                   "industrial_foundation", 9000, 2, False),
    DemoEnterprise("zz-1", "株洲荷塘轨道精密部件有限公司", "430202", "430200", "铁路、船舶、航空航天和其他运输设备制造业",
                   "轨道交通制动部件", "industrial_foundation", 21000, 5, True),
    DemoEnterprise("zz-2", "株洲天元硬质合金工具有限公司", "430211", "430200", "金属制品业", "数控刀片",
                   "traditional_brand", 15000, 3, False),
    DemoEnterprise("hy-1", "衡阳珠晖特种电缆有限公司", "430405", "430400", "电气机械和器材制造业", "矿用特种电缆",
                   "manufacturing_chain", 17000, 4, True),
    DemoEnterprise("hy-2", "衡阳雁峰医疗防护用品有限公司", "430406", "430400", "纺织服装、服饰业", "医用防护服",
                   "epidemic_supplies", 8000, 1, False),
    DemoEnterprise("ly-1", "耒阳蔡伦竹木新材料有限公司", "430481", "430400", "木材加工和木、竹、藤、棕、草制品业",
                   "竹基复合材料", "traditional_brand", 11000, 2, True),
    # the last evening: one submits an hour before the system closes, one a second after
    DemoEnterprise("cs-4", "长沙岳麓激光科技有限公司", "430104", "430100", "专用设备制造业", "激光熔覆设备",
                   "new_infrastructure", 7000, 3, True),
    DemoEnterprise("zz-3", "株洲渌口陶瓷新材料有限公司", "430212", "430200", "非金属矿物制品业", "电子陶瓷基板",
                   "industrial_foundation", 6000, 1, False),
]
LATE = ("cs-4", "zz-3")


def sections(enterprise: DemoEnterprise, on_cloud: bool = True) -> dict[str, dict[str, Any]]:
    revenue = enterprise.revenue_2019
    return {
        "basic": {"legal_representative": "王建国", "established_on": "2008-09-18", "registered_capital": 5000,
                  "registration_type": "private", "industry": "C35", "main_product": enterprise.product,
                  "focus_category": enterprise.focus, "employees": 120 + revenue // 100,
                  "address": f"{enterprise.name}厂区", "contact_name": "李娟", "contact_phone": "0731-88888888",
                  "contact_email": f"{enterprise.key}@example.cn"},
        "economic": {"main_revenue_2017": int(revenue * 0.72), "main_revenue_2018": int(revenue * 0.85),
                     "main_revenue_2019": revenue, "operating_revenue_2019": int(revenue * 1.05),
                     "net_profit_2017": int(revenue * 0.06), "net_profit_2018": int(revenue * 0.07),
                     "net_profit_2019": int(revenue * 0.08), "tax_paid_2019": int(revenue * 0.04),
                     "total_assets_2019": revenue * 2, "debt_ratio_2019": 42},
        "specialisation": {"years_in_segment": 11, "main_product_revenue_2019": int(revenue * 0.8),
                           "main_product_share": 80, "market_share": 9, "supplies_large_enterprises": True},
        "innovation": {"rnd_expense_2019": int(revenue * 0.05), "rnd_expense_ratio_2019": 5, "rnd_staff": 35,
                       "invention_patents": enterprise.patents, "rnd_institution": "provincial",
                       "high_tech_enterprise": True},
        "other": {"cloud_platform": on_cloud, "two_integration": enterprise.two_integration,
                  "epidemic_supplies": enterprise.focus == "epidemic_supplies"},
    }


def pdf(text: str) -> bytes:
    """A one-page PDF (ASCII text), standing in for a scanned document."""
    body = f"BT /F1 12 Tf 72 720 Td ({text}) Tj ET".encode()
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
               b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>",
               b"<< /Length %d >>\nstream\n" % len(body) + body + b"\nendstream"]
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for number, obj in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + obj + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


PNG = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
       b"\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82")


def attachments(enterprise: DemoEnterprise) -> list[tuple[str, str, str, bytes]]:
    """(kind, file name, media type, content) for every attachment the programme requires."""
    key = enterprise.key
    return [("authenticity_pledge", "真实性承诺.pdf", "application/pdf", pdf(f"pledge {key}")),
            *[("financial_statements", f"{year}年财务报表.pdf", "application/pdf", pdf(f"finance {year} {key}"))
              for year in (2017, 2018, 2019)],
            ("business_licence", "营业执照.pdf", "application/pdf", pdf(f"licence {key}")),
            ("supporting_evidence", "佐证材料.pdf", "application/pdf", pdf(f"evidence {key}")),
            ("development_report", "发展报告.pdf", "application/pdf", pdf(f"report {key}")),
            ("photos", "厂区照片.png", "image/png", PNG)]


REVIEW_2023 = "hunan-2023-little-giant-review"


def review_sections(enterprise: DemoEnterprise) -> dict[str, dict[str, Any]]:
    """The 2023 复核 form (MIIT's 2022 专精特新 indicators): figures grown from 2019's."""
    revenue = int(enterprise.revenue_2019 * 1.3)
    return {
        "basic": {"independent_legal_person": True, "is_sme": True, "credit_clean": True,
                  "established_on": "2008-09-18", "industry": "C35", "main_product": enterprise.product,
                  "niche_years": 14, "employees": 120 + revenue // 100, "rnd_staff": 30 + revenue // 1000,
                  "contact_name": "李娟", "contact_phone": "0731-88888888"},
        "economic": {"operating_revenue_y1": int(revenue * 1.05), "main_revenue_y1": revenue,
                     "main_revenue_y2": int(revenue * 0.9), "main_revenue_y3": int(revenue * 0.82),
                     "net_profit_y1": int(revenue * 0.08), "total_assets_y1": revenue * 2,
                     "total_liabilities_y1": int(revenue * 0.9)},
        "specialisation": {"product_domain": "six_foundations"},
        "refinement": {"digital_level": "level_2", "quality": ["quality_system", "own_brand"]},
        "local": {"key_chain": True, "market_share": 8},
        "innovation": {"ip_class": "class_i_self_developed", "invention_patents": enterprise.patents + 2,
                       "rnd_expense_y1": int(revenue * 0.05), "rnd_institution": "provincial"},
        "direct": {"science_award": False, "rnd_expense_2y_mean": int(revenue * 0.045), "equity_financing_2y": 0,
                   "maker_china_top500": False},
        "other": {"two_integration": enterprise.two_integration, "cloud_platform": True},
    }


def review_attachments(enterprise: DemoEnterprise) -> list[tuple[str, str, str, bytes]]:
    return [(kind, f"{title}.pdf", "application/pdf", pdf(f"{enterprise.key} {kind} 2023"))
            for kind, title in (("authenticity_pledge", "真实性承诺"), ("financial_statements", "2022年度财务报表"),
                                ("business_licence", "营业执照"), ("supporting_evidence", "佐证材料"))]
