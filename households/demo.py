"""Demo households: about thirty nominations in every state of the life cycle, across Tà Rụt,
Hướng Phùng and another mountain commune, made through the services (so they carry their
events, consent records and priority breakdowns). Puts `ctx["households"]` (status → list)."""

from __future__ import annotations

from django.utils import timezone

from households.cccd import cccd_hash
from households.lifecycle import household_transition
from households.models import Household
from households.services import editing, renewal, verification
from places.models import Village

OFFICER_A = "canbo.tarut@noisong.local"  # 19588
OFFICER_B = "canbo.huongphung@noisong.local"  # 19441, 19489
VERIFIER = "xacminh@noisong.local"
# (commune, village, head, officer, final status, extra facts)
PLAN = [
    ("19588", "Bản A Vao", "Hồ Văn Lai", OFFICER_A, "verified", {"school_age_children": 3}),
    ("19588", "Bản A Vao", "Hồ Thị Xiêm", OFFICER_A, "verified", {"elderly": 2}),
    ("19588", "Bản A Vao", "Pả Văn Chăm", OFFICER_A, "submitted", {}),
    ("19588", "Bản A Vao", "Hồ Văn Lai", OFFICER_A, "submitted", {"members": 3}),  # near-duplicate
    ("19588", "Bản Tà Rụt 1", "Kăn Thị Pơ", OFFICER_A, "draft", {}),
    ("19588", "Bản Tà Rụt 1", "A Lăng Văn Bốn", OFFICER_A, "needs_changes", {}),
    ("19588", "Bản Tà Rụt 1", "Hồ Thị Mai", OFFICER_A, "verified", {"disabled": 1}),
    ("19588", "Bản Vực Leng", "Hồ Văn Thắm", OFFICER_A, "verified", {"school_age_children": 2}),
    ("19588", "Bản Vực Leng", "Pả Thị Liên", OFFICER_A, "verified", {"school_age_children": 1}),
    ("19588", "Bản Vực Leng", "Hồ Văn Pả", OFFICER_A, "rejected", {"poverty_status": "other"}),
    ("19588", "Bản A Đeng", "Kăn Văn Sơn", OFFICER_A, "inactive", {}),
    ("19588", "Bản A Đeng", "Hồ Thị Nhung", OFFICER_A, "verified", {"phone_situation": "none"}),
    ("19441", "Bản Cheng", "Hồ Văn Dũng", OFFICER_B, "verified", {"school_age_children": 2}),
    ("19441", "Bản Cheng", "Hồ Thị Plang", OFFICER_B, "submitted", {}),
    ("19441", "Bản Cheng", "Pả Văn Hiền", OFFICER_B, "draft", {}),
    ("19441", "Bản Ta Păng", "Kăn Thị Lý", OFFICER_B, "verified", {"elderly": 1}),
    ("19441", "Bản Ta Păng", "Hồ Văn Ngọc", OFFICER_B, "needs_changes", {}),
    ("19441", "Bản Ta Păng", "Hồ Thị Kim", OFFICER_B, "verified", {"disabled": 2}),
    ("19441", "Bản Hướng Phùng", "Pả Văn Tuấn", OFFICER_B, "verified", {}),
    ("19441", "Bản Hướng Phùng", "Hồ Thị Hằng", OFFICER_B, "rejected", {}),
    ("19441", "Bản Hướng Phùng", "Hồ Văn Minh", OFFICER_B, "verified", {"coverage_4g": "good"}),
    ("19489", "Bản Cu Ôi", "Hồ Văn Khiêm", OFFICER_B, "verified", {"school_age_children": 4}),
    ("19489", "Bản Cu Ôi", "Hồ Thị Nga", OFFICER_B, "submitted", {}),
    ("19489", "Bản Ra Ly", "Pả Văn Luân", OFFICER_B, "verified", {"poverty_status": "near_poor"}),
    ("19489", "Bản Ra Ly", "Kăn Thị Hoa", OFFICER_B, "draft", {}),
    ("19489", "Bản Ra Ly", "Hồ Văn Thành", OFFICER_B, "inactive", {}),
    ("19489", "Bản A Xóc", "Hồ Thị Loan", OFFICER_B, "verified", {"elderly": 1}),
    ("19489", "Bản A Xóc", "Pả Văn Quang", OFFICER_B, "submitted", {}),
    (
        "19489",
        "Bản A Xóc",
        "Hồ Văn Tâm",
        OFFICER_B,
        "verified",
        {"phone_situation": "broken_smartphone"},
    ),
    ("19489", "Bản A Xóc", "A Lăng Thị Diệu", OFFICER_B, "verified", {"school_age_children": 2}),
    # Their certificate is of last year, and the commune published this year's list: to re-confirm.
    ("19489", "Bản Cu Ôi", "Hồ Văn Chiến", OFFICER_B, "lapsed", {"school_age_children": 1}),
    ("19489", "Bản Ra Ly", "Kăn Thị Bình", OFFICER_B, "lapsed", {"elderly": 1}),
]
# The commune whose poverty list of this year is published in the demo (the others' lists are
# last year's): its households carry this year's certificates, except the "lapsed" ones.
RENEWED_COMMUNE = "19489"

NEEDS = [
    "Các cháu phải học trực tuyến, nhà chỉ có điện thoại phổ thông.",
    "Cần cài VNeID để làm thủ tục trực tuyến, không phải đi xa lên xã.",
    "Người già nhận lương hưu, trợ cấp qua tài khoản điện tử.",
    "Cả nhà chưa ai dùng internet; muốn học cách bán nông sản qua Zalo.",
]


def _cccd(index: int) -> str:
    return f"0450{70 + index % 25:02d}{500100 + index:06d}"


def load(ctx: dict) -> None:
    accounts = ctx["accounts"]
    rng = ctx["rng"]
    verifier = accounts[VERIFIER]
    made: dict[str, list[Household]] = {}
    if Household.objects.filter(cccd_hash=cccd_hash(_cccd(0))).exists():
        for household in Household.objects.filter(created_by__email__in=[OFFICER_A, OFFICER_B]):
            made.setdefault(household.status, []).append(household)
        ctx["households"] = made
        return
    this_year = timezone.localdate().year
    ids: list[int] = []
    for index, (commune, village_name, head, officer_email, final, extra) in enumerate(PLAN):
        officer = accounts[officer_email]
        year = this_year if commune == RENEWED_COMMUNE and final != "lapsed" else this_year - 1
        village = Village.objects.get(commune_id=commune, name=village_name)
        facts = {
            "members": rng.randint(4, 8),
            "school_age_children": 0,
            "elderly": 0,
            "disabled": 0,
            "poverty_status": rng.choice(["poor", "poor", "near_poor"]),
            "poverty_certificate_no": f"GCN-{commune}-{year}-{index + 1:03d}",
            "poverty_certificate_year": year,
            "deprivations": rng.choice(
                [["no_internet"], ["no_internet", "no_info_access"], ["no_info_access"]]
            ),
            "phone_situation": rng.choice(["none", "feature_phone", "feature_phone"]),
            "coverage_4g": rng.choice(["good", "weak", "weak"]),
            "need": rng.choice(NEEDS),
        }
        facts.update(extra)
        consent = None
        if final != "draft" or index % 2:
            consent = {
                "processing": True,
                "share_story": rng.random() < 0.7,
                "share_photo": rng.random() < 0.4,
                "method": rng.choice(["signed_form", "thumbprint", "signed_form"]),
            }
        household = editing.household_create(
            actor=officer,
            commune=commune,
            village=village.id,
            head_name=head,
            cccd=_cccd(index),
            consent=consent,
            **facts,
        )
        hid = household.id
        if final in ("inactive",):
            household_transition(
                household_id=hid, to="inactive", actor=officer, reason="Hộ đã chuyển đi nơi khác"
            )
        elif final != "draft":
            editing.household_submit(household_id=hid, actor=officer)
            if final == "needs_changes":
                verification.household_request_changes(
                    household_id=hid,
                    actor=verifier,
                    reason="Ghi rõ số giấy chứng nhận hộ nghèo và năm cấp.",
                )
            elif final == "rejected":
                verification.household_reject(
                    household_id=hid,
                    actor=verifier,
                    reason="Hộ không thuộc diện nghèo hoặc cận nghèo và đã có điện thoại thông minh.",
                )
            elif final in ("verified", "lapsed"):
                # Allocated and served households come from the phones that reach them (the
                # matching and logistics demos): a status without its phone breaks the
                # season's invariants (progress/invariants.py).
                verification.household_verify(household_id=hid, actor=verifier)
        ids.append(household.id)
    renewal.poverty_list_publish(commune_code=RENEWED_COMMUNE, year=this_year, actor=verifier)
    # Hướng Phùng's officer appeals a rejection: another verifier than the one who rejected it
    # decides (the queue shows it as an appeal).
    rejected = Household.objects.filter(
        id__in=ids, commune_id="19441", status=Household.Status.REJECTED
    ).first()
    if rejected is not None:
        verification.household_appeal(
            household_id=rejected.id,
            actor=accounts[OFFICER_B],
            reason="Hộ có giấy chứng nhận hộ nghèo năm nay; điện thoại cũ đã hỏng từ tháng trước.",
        )
    for household in Household.objects.filter(id__in=ids).order_by("id"):
        made.setdefault(household.status, []).append(household)
    ctx["households"] = made
