"""One fixture world for the access matrix: every object a URL parameter can name, built with the
apps' services (model rows only where a service needs a matching run that is not ours to fake).

- household_a: commune A (Tà Rụt), village "Bản A Vao", verified, allocated, dispatched and
  handed over a phone of hub H (so a batch and a handover, with a drawn signature, exist);
- household_b: commune B (Hướng Phùng), village "Bản Cheng", submitted, waiting for the verifier;
- pledge: `donor`'s pledge of one phone (post), with the donor's photo of it (a private file);
  other_pledge: `other_donor`'s;
- device_k: a phone received at hub K; device_h: the delivered phone of hub H;
- gift: `donor`'s VietQR gift; an Excel import of officer A;
- claim: a VietQR gift made without signing in naming `donor`'s email, waiting for the donor to
  confirm it (claim_token: its link's token);
- match_run: a run at hub H with one proposal (a second phone for household_a2 of commune A);
- conflict: a field record of household_a's phone that came after the online handover, kept by
  the server for the hub (logistics.services.field);
- allocation: device_h's (delivered) allocation to household_a; ticket: officer A's ticket about
  the handover (a broken screen), open.

SECRETS lists the personal data that must never reach a donor or the public.
"""

from __future__ import annotations

from dataclasses import dataclass

HEAD_A = "Hồ Thị Xuyến"
HEAD_B = "Pả Văn Kiêm"
CCCD_A = "045185739146"
CCCD_B = "045085802468"
HEAD_A2 = "Hồ Văn Lâm"
CCCD_A2 = "045085613579"


@dataclass
class World:
    household_a: object
    household_b: object
    pledge: object
    other_pledge: object
    device_h: object
    device_k: object
    batch: object
    handover: object
    photo: object
    gift: object
    household_import: object
    match_run: object
    proposal: object
    donor_record: object
    village_a: object
    village_b: object
    personas: dict
    claim: object
    claim_token: str
    allocation: object
    ticket: object
    conflict: object
    held: object = None  # held statement money (a line naming two gifts)
    # Huế, switched on beside Quảng Trị, with hub H2 and its staff (conftest.make_second_province):
    # nothing of the world above may be reached from it.
    second_province: dict | None = None

    @property
    def secrets(self) -> list[str]:
        names = [HEAD_A, HEAD_B, HEAD_A2, self.village_a.name, self.village_b.name]
        return [*names, CCCD_A[-4:], CCCD_B[-4:], CCCD_A2[-4:]]


def _signature() -> str:
    """A drawn signature as the handover form sends it (a PNG data URL)."""
    import base64
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("RGBA", (60, 20), (0, 0, 0, 255)).save(out, "PNG")
    return "data:image/png;base64," + base64.b64encode(out.getvalue()).decode()


def build_world(personas, communes, villages, hubs) -> World:
    """Builds the world above; `personas` as the fixture of tests/conftest.py gives them."""
    from django.core.files.base import ContentFile

    from donations.models import Device, DonorClaim
    from donations.services.claims import donor_claim_token
    from donations.services.gifts import gift_vietqr_create
    from donations.services.photos import device_photo_add
    from donations.services.pledges import pledge_create
    from households.models import HouseholdImport
    from households.services.editing import household_create, household_submit
    from households.services.verification import household_verify
    from logistics.models import HandoverConflict, WipeRecord
    from logistics.services.bench import device_receive
    from logistics.services.delivery import handover_create
    from logistics.services.tickets import ticket_open
    from matching.models import Allocation
    from matching.services import match_run_create
    from tests.conftest import allocate_and_dispatch
    from tests.donations.conftest import jpeg_with_gps, phone
    from tests.households.conftest import household_data
    from tests.logistics.conftest import new_imei

    officer_a, officer_b = personas["officer_a"], personas["officer_b"]
    verifier, coordinator_h = personas["verifier"], personas["coordinator_h"]
    admin, donor = personas["admin"], personas["donor"]

    household_a = household_create(
        actor=officer_a,
        **household_data(communes["A"], head_name=HEAD_A, cccd=CCCD_A, village=villages["A"].id),
    )
    household_submit(household_id=household_a.id, actor=officer_a)
    household_verify(household_id=household_a.id, actor=verifier)
    household_b = household_create(
        actor=officer_b,
        **household_data(communes["B"], head_name=HEAD_B, cccd=CCCD_B, village=villages["B"].id),
    )
    household_b = household_submit(household_id=household_b.id, actor=officer_b)

    pledge = pledge_create(actor=donor, devices=[phone()], dropoff="post").pledge
    other_pledge = pledge_create(
        actor=personas["other_donor"], devices=[phone(model="Redmi 12")], dropoff="post"
    ).pledge

    # A phone of the donor's pledge travels to household A through hub H.
    device_h = pledge.devices.get()
    # (wipe, repair and QA records are the logistics tests' business: the phone is set ready here,
    # with a wipe record so that its wipe certificate can be asked for)
    Device.objects.filter(id=device_h.id).update(status="ready", hub=hubs["H"], imei=new_imei())
    device_h.refresh_from_db()
    WipeRecord.objects.create(device=device_h, method="factory_reset", operator=coordinator_h)
    batch = allocate_and_dispatch(
        device_h, household_a, admin=admin, coordinator=coordinator_h, carrier_name="Cán bộ xã"
    )
    handover = handover_create(
        device_id=device_h.id,
        household_id=household_a.id,
        received_by=HEAD_A,
        recipient_cccd_last4=CCCD_A[-4:],
        signature=_signature(),
        actor=officer_a,
    )
    from django.utils import timezone

    from logistics.services.field import FieldConflict, field_handover_sync

    try:
        field_handover_sync(
            actor=officer_a,
            client_id="7f6d7c1e-3a0b-4d53-9a43-1f2e3d4c5b6a",
            recorded_at=timezone.now(),
            device_code=device_h.tracking_code,
            household_id=household_a.id,
            batch_id=batch.id,
            received_by=HEAD_A,
            recipient_cccd_last4=CCCD_A[-4:],
        )
    except FieldConflict as error:
        conflict_id = error.extra["conflict"]
    photo = device_photo_add(
        pledge_id=pledge.id,
        tracking_code=device_h.tracking_code,
        image=ContentFile(jpeg_with_gps(size=(64, 48)), name="anh.jpg"),
        actor=donor,
    )

    device_k = other_pledge.devices.get()
    device_receive(
        device_id=device_k.id, hub_id=hubs["K"].id, imei=new_imei(), actor=personas["coordinator_k"]
    )

    gift = gift_vietqr_create(
        actor=donor, amount=300000, purpose="sim", email="", name="", language="vi"
    )
    household_import = HouseholdImport.objects.create(uploaded_by=officer_a, file_name="ds.xlsx")

    # A matching run at hub H proposes a second ready phone for a second verified household of A.
    household_a2 = household_create(
        actor=officer_a,
        **household_data(communes["A"], head_name=HEAD_A2, cccd=CCCD_A2, village=villages["A"].id),
    )
    household_submit(household_id=household_a2.id, actor=officer_a)
    household_verify(household_id=household_a2.id, actor=verifier)
    spare = pledge_create(actor=donor, devices=[phone(model="Galaxy A15")], dropoff="post")
    Device.objects.filter(pledge=spare.pledge).update(
        status="ready", hub=hubs["H"], imei=new_imei()
    )
    match_run = match_run_create(actor=coordinator_h, hub_ids=[hubs["H"].id], seed=7)
    proposal = match_run.proposals.get()

    claimed = gift_vietqr_create(
        actor=None, amount=200000, email=donor.email, name="Khách", language="vi"
    )
    claim = DonorClaim.objects.get(donor=claimed.donor)

    ticket = ticket_open(
        handover_id=handover.id, kind="broken", description="Màn hình bị vỡ", actor=officer_a
    )

    held = _held_money(coordinator_h, donor)
    device_h.refresh_from_db()
    device_k = Device.objects.get(id=device_k.id)
    return World(
        household_a=household_a,
        household_b=household_b,
        pledge=pledge,
        other_pledge=other_pledge,
        device_h=device_h,
        device_k=device_k,
        batch=batch,
        handover=handover,
        photo=photo,
        gift=gift,
        household_import=household_import,
        match_run=match_run,
        proposal=proposal,
        donor_record=pledge.donor,
        village_a=villages["A"],
        village_b=villages["B"],
        personas=personas,
        claim=claim,
        claim_token=donor_claim_token(claim),
        allocation=Allocation.objects.get(device=device_h),
        ticket=ticket,
        conflict=HandoverConflict.objects.get(id=conflict_id),
        held=held,
    )


def _held_money(coordinator, donor):
    """A statement whose one line names two gifts: its money is held for a decision."""
    from donations.services.gifts import gift_vietqr_create
    from donations.services.statements import statement_reconcile

    memos = [
        gift_vietqr_create(actor=donor, amount=100000, email="", name="", language="vi").memo
        for _ in range(2)
    ]
    content = f"Ngày,Số tiền,Nội dung\n01/12/2026,200000,{' '.join(memos)}\n".encode()
    statement = statement_reconcile(content=content, filename="w.csv", actor=coordinator)
    return statement.held_items.get()
