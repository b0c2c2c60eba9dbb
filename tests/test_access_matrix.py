"""The access matrix (issue 7): every URL pattern of the project × every persona, with the outcome
each must get, from one fixture world (tests/access/world.py).

A row is one line: `"METHOD name": "o o o o o o o o o o o o o"` with one outcome per persona, in
the order anonymous, donor, other_donor, officer_a, officer_b, verifier, coordinator_h,
coordinator_k, admin, province_admin (of Quảng Trị, where the world is), and the staff of a second
province, Huế: province_admin_hue, coordinator_hue, officer_hue — nothing of the world may be
reached by them (issue 17). Adding a persona: tests/access/widen_rows.py widens every row.
An outcome is a status code, or `L` (302 to the sign-in page), or `R` (another redirect).
Writes are sent with an empty body: those allowed get their validation answer (400, or the page
again), the others 401/403/404 or `L`, and for every refusal (REFUSALS, 400 and 409 included) the
test asserts that no row was written.
A URL pattern (or an API method) without a row fails the test with its name.
For every response a donor, other_donor, anonymous or the second province's staff can get, no
household head name, CCCD digits or village name of the world appears in the body.
"""

from __future__ import annotations

import os

import pytest
from django.apps import apps
from django.conf import settings
from django.db import transaction
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from tests.access.routes import PERSONAS, SECOND_PROVINCE, all_routes, contains, strip_tokens
from tests.conftest import PROJECT_APPS

pytestmark = pytest.mark.django_db

PUBLIC_VIEWERS = ("anonymous", "donor", "other_donor", *SECOND_PROVINCE)

# fmt: off
ROWS = {
    "GET accounts:landing": "L R R 200 200 200 200 200 200 200 200 200 200",
    "GET accounts:login": "200 R R R R R R R R R R R R",
    "GET accounts:logout": "405 405 405 405 405 405 405 405 405 405 405 405 405",
    "GET accounts:password_reset": "200 200 200 200 200 200 200 200 200 200 200 200 200",
    "GET accounts:password_reset_complete": "200 200 200 200 200 200 200 200 200 200 200 200 200",
    "GET accounts:password_reset_confirm": "200 200 200 200 200 200 200 200 200 200 200 200 200",
    "GET accounts:password_reset_done": "200 200 200 200 200 200 200 200 200 200 200 200 200",
    "GET admin:index": "R R R R R R R R 200 R R R R",
    "GET api-docs": "200 200 200 200 200 200 200 200 200 200 200 200 200",
    "GET api:commune-detail": "200 200 200 200 200 200 200 200 200 200 200 200 200",
    "GET api:commune-list": "200 200 200 200 200 200 200 200 200 200 200 200 200",
    "GET api:gifts": "401 200 200 200 200 200 200 200 200 200 200 200 200",
    "GET api:household-detail": "401 403 403 200 404 200 403 403 200 403 403 403 404",
    "GET api:household-import-template": "401 403 403 200 200 200 403 403 200 403 403 403 200",
    "GET api:household-list": "401 403 403 200 200 200 403 403 200 403 403 403 200",
    "GET api:household-personal-data": "401 403 403 200 404 200 403 403 200 403 403 403 404",
    "GET api:hub-detail": "200 200 200 200 200 200 200 200 200 200 200 200 200",
    "GET api:hub-list": "200 200 200 200 200 200 200 200 200 200 200 200 200",
    "GET api:logistics-allocations": "401 403 403 200 200 403 200 200 200 403 403 200 200",
    "GET api:logistics-batch": "401 403 403 200 404 403 200 404 200 403 403 404 404",
    "GET api:logistics-batch-field-pack": "401 403 403 409 404 403 409 404 409 403 403 404 404",  # the world's batch is closed
    "GET api:logistics-batch-manifest": "401 403 403 200 404 403 200 404 200 403 403 404 404",
    "GET api:logistics-batches": "401 403 403 200 200 403 200 200 200 403 403 200 200",
    "GET api:logistics-device": "401 403 403 403 403 403 404 200 200 403 403 404 403",
    "GET api:logistics-devices": "401 403 403 403 403 403 200 200 200 403 403 200 403",
    "GET api:logistics-handover": "401 403 403 200 404 403 200 404 200 403 403 404 404",
    "GET api:logistics-handover-receipt": "401 403 403 200 404 403 200 404 200 403 403 404 404",
    "GET api:logistics-handover-photo": "401 403 403 404 404 403 404 404 404 403 403 404 404",  # no photo: no consent
    "GET api:logistics-handover-signature": "401 403 403 200 404 403 200 404 200 403 403 404 404",
    "GET api:logistics-labels": "401 403 403 403 403 403 400 400 400 403 403 400 403",
    "GET api:logistics-ticket": "401 403 403 200 404 403 200 404 200 403 403 404 404",
    "GET api:logistics-tickets": "401 403 403 200 200 403 200 200 200 403 403 200 200",
    "GET api:match-run": "401 403 403 403 403 403 200 404 200 403 403 404 403",
    "GET api:match-run-proposals": "401 403 403 403 403 403 200 404 200 403 403 404 403",
    "GET api:match-runs": "401 403 403 403 403 403 200 200 200 403 403 200 403",
    "GET api:me": "401 200 200 200 200 200 200 200 200 200 200 200 200",
    "GET api:held-money": "401 403 403 403 403 403 200 200 200 403 403 200 403",
    "GET api:statement": "401 403 403 403 403 403 200 200 200 403 403 200 403",
    "GET api:me-personal-data": "401 200 200 200 200 200 200 200 200 200 200 200 200",
    "GET api:messages": "401 403 403 200 200 403 200 200 200 403 403 200 200",
    "GET api:messages-callback": "400 400 400 400 400 400 400 400 400 400 400 400 400",  # verified by the provider's reference
    "GET api:pledge": "401 200 404 404 404 404 404 404 404 404 404 404 404",
    "GET api:pledge-photo": "401 200 404 404 404 404 404 404 404 404 404 404 404",
    "GET api:pledges": "401 200 200 200 200 200 200 200 200 200 200 200 200",
    "GET api:province-detail": "200 200 200 200 200 200 200 200 200 200 200 200 200",
    "GET api:province-list": "200 200 200 200 200 200 200 200 200 200 200 200 200",
    "GET api:poverty-lists": "401 403 403 200 200 200 403 403 200 403 403 403 200",
    "GET api:staff-detail": "401 403 403 403 403 403 403 403 200 200 404 403 403",
    "GET api:staff-list": "401 403 403 403 403 403 403 403 200 200 200 403 403",
    "GET api:stats": "200 200 200 200 200 200 200 200 200 200 200 200 200",
    "GET api:track": "200 200 200 200 200 200 200 200 200 200 200 200 200",
    "GET api:village-detail": "401 404 404 200 404 200 200 404 200 404 404 404 404",
    "GET api:village-list": "401 200 200 200 200 200 200 200 200 200 200 200 200",
    "GET donations:claim_confirm": "L 200 403 403 403 403 403 403 403 403 403 403 403",
    "GET donations:erase": "L 200 200 200 200 200 200 200 200 200 200 200 200",
    "GET donations:personal_data": "L 200 200 200 200 200 200 200 200 200 200 200 200",
    "GET donations:personal_data_json": "L 200 200 200 200 200 200 200 200 200 200 200 200",
    "GET donations:gift_cancel": "200 200 200 200 200 200 200 200 200 200 200 200 200",
    "GET donations:gift_new": "200 200 200 200 200 200 200 200 200 200 200 200 200",
    "GET donations:gift_success": "200 200 200 200 200 200 200 200 200 200 200 200 200",
    "GET donations:ledger": "200 200 200 200 200 200 200 200 200 200 200 200 200",
    "GET donations:mine": "L 200 200 200 200 200 200 200 200 200 200 200 200",
    "GET donations:pledge": "L 200 404 404 404 404 404 404 404 404 404 404 404",
    "GET donations:pledge_cancel": "L 405 405 405 405 405 405 405 405 405 405 405 405",
    "GET donations:pledge_codes_csv": "L 200 404 404 404 404 404 404 404 404 404 404 404",
    "GET donations:pledge_codes_pdf": "L 200 404 404 404 404 404 404 404 404 404 404 404",
    "GET donations:pledge_labels": "L 200 404 404 404 404 404 404 404 404 404 404 404",
    "GET donations:pledge_new": "200 200 200 200 200 200 200 200 200 200 200 200 200",
    "GET donations:pledge_photo": "L 200 404 404 404 404 404 404 404 404 404 404 404",
    "GET donations:recycling": "200 200 200 200 200 200 200 200 200 200 200 200 200",
    "GET donations:statements": "L 404 404 404 404 404 200 200 200 404 404 200 404",
    "GET donations:statement": "L 404 404 404 404 404 200 200 200 404 404 200 404",
    "GET donations:held_money": "L 404 404 404 404 404 200 200 200 404 404 200 404",
    "GET donations:stripe_webhook": "405 405 405 405 405 405 405 405 405 405 405 405 405",
    "GET donations:thanks": "R R R R R R R R R R R R R",
    "GET donations:track": "200 200 200 200 200 200 R 200 R 200 200 200 200",
    "GET donations:track_lookup": "200 200 200 200 200 200 200 200 200 200 200 200 200",
    "GET donations:vietqr": "200 200 200 200 200 200 200 200 200 200 200 200 200",
    "GET donations:vietqr_png": "200 200 200 200 200 200 200 200 200 200 200 200 200",
    "GET favicon": "R R R R R R R R R R R R R",
    "GET healthz": "200 200 200 200 200 200 200 200 200 200 200 200 200",
    "GET home": "200 200 200 200 200 200 200 200 200 200 200 200 200",
    "GET households:anonymise": "405 405 405 405 405 405 405 405 405 405 405 405 405",
    "GET households:appeal": "405 405 405 405 405 405 405 405 405 405 405 405 405",
    "GET households:consent": "L 403 403 200 404 403 403 403 200 403 403 403 404",
    "GET households:create": "L 403 403 200 200 403 403 403 200 403 403 403 200",
    "GET households:decide": "405 405 405 405 405 405 405 405 405 405 405 405 405",
    "GET households:detail": "L 403 403 200 404 200 403 403 200 403 403 403 404",
    "GET households:edit": "L 403 403 R 404 403 403 403 R 403 403 403 404",
    "GET households:export": "L 403 403 200 404 200 403 403 200 403 403 403 404",
    "GET households:import": "L 403 403 200 200 403 403 403 200 403 403 403 200",
    "GET households:import_commit": "405 405 405 405 405 405 405 405 405 405 405 405 405",
    "GET households:import_page": "L 403 403 200 404 403 403 403 404 403 403 403 404",
    "GET households:import_progress": "L 403 403 200 404 403 403 403 404 403 403 403 404",
    "GET households:import_submit": "405 405 405 405 405 405 405 405 405 405 405 405 405",
    "GET households:import_template": "L 403 403 200 200 403 403 403 200 403 403 403 200",
    "GET households:list": "L 403 403 200 200 200 403 403 200 403 403 403 200",
    "GET households:not_renewed": "405 405 405 405 405 405 405 405 405 405 405 405 405",
    "GET households:personal_data": "L 403 403 200 404 200 403 403 200 403 403 403 404",
    "GET households:queue": "L 403 403 403 403 200 403 403 200 403 403 403 403",
    "GET households:renewal": "L 403 403 200 404 200 403 403 200 403 403 403 404",
    "GET households:renewal_index": "L 403 403 200 200 200 403 403 200 403 403 403 200",
    "GET households:renewal_sheet": "L 403 403 200 404 403 403 403 200 403 403 403 404",
    "GET households:renewal_upload": "405 405 405 405 405 405 405 405 405 405 405 405 405",
    "GET households:submit": "405 405 405 405 405 405 405 405 405 405 405 405 405",
    "GET households:withdraw": "405 405 405 405 405 405 405 405 405 405 405 405 405",
    "GET logistics:allocation_release": "L 403 403 200 404 403 200 404 200 403 403 404 404",
    "GET logistics:allocations": "L 403 403 200 200 403 200 200 200 403 403 200 200",
    "GET logistics:batch": "L 403 403 200 404 403 200 404 200 403 403 404 404",
    "GET logistics:batch_dispatch": "L 403 403 403 403 403 405 405 405 403 403 405 403",
    "GET logistics:batch_manifest": "L 403 403 200 404 403 200 404 200 403 403 404 404",
    "GET logistics:batch_return": "L 403 403 403 403 403 405 405 405 403 403 405 403",
    "GET logistics:batches": "L 403 403 403 403 403 200 200 200 403 403 200 403",
    "GET logistics:commune": "L 403 403 200 404 403 200 404 200 403 403 404 404",
    "GET logistics:conflict_settle": "L 403 403 405 405 403 405 405 405 403 403 405 405",
    "GET logistics:dashboard": "L 403 403 403 403 403 200 200 200 403 403 200 403",
    "GET logistics:dashboard_xlsx": "L 403 403 403 403 403 200 200 200 403 403 200 403",
    "GET logistics:device": "L 403 403 403 403 403 404 200 200 403 403 404 403",
    "GET logistics:device_action": "L 403 403 403 403 403 405 405 405 403 403 405 403",
    "GET logistics:device_lost": "L 403 403 404 404 403 404 200 200 403 403 404 404",
    "GET logistics:device_photo": "L 403 403 403 403 403 200 404 200 403 403 404 403",
    "GET logistics:device_wipe_certificate": "L 403 403 403 403 403 200 404 200 403 403 404 403",
    "GET logistics:donor_wipe_certificate": "L 403 403 403 403 403 200 404 200 403 403 404 403",
    "GET logistics:field": "L 403 403 200 200 403 200 200 200 403 403 200 200",
    "GET logistics:field_manifest": "200 200 200 200 200 200 200 200 200 200 200 200 200",  # public: no personal data
    "GET logistics:field_sw": "200 200 200 200 200 200 200 200 200 200 200 200 200",  # public: no personal data
    "GET logistics:handover": "L 403 403 200 404 403 200 404 200 403 403 404 404",
    "GET logistics:handover_code": "L 403 403 405 405 403 405 405 405 403 403 405 405",
    "GET logistics:handover_code_send": "L 403 403 405 405 403 405 405 405 403 403 405 405",
    "GET logistics:handover_new": "L 403 403 200 404 403 200 404 200 403 403 404 404",
    "GET logistics:handover_return": "L 403 403 200 404 403 200 404 200 403 403 404 404",
    "GET logistics:handovers": "L 403 403 200 200 403 200 200 200 403 403 200 200",
    "GET logistics:handover_photo": "L 403 403 404 404 403 404 404 404 403 403 404 404",  # no photo: no consent
    "GET logistics:handover_signature": "L 403 403 200 404 403 200 404 200 403 403 404 404",
    "GET logistics:hub": "L 403 403 403 403 403 200 200 200 403 403 200 403",
    "GET logistics:labels": "L 403 403 403 403 403 R R R 403 403 R 403",
    "GET logistics:phone_wipe_certificate": "L 200 404 404 404 404 404 404 404 404 404 404 404",
    "GET logistics:pledge_wipe_certificate": "L 200 404 404 404 404 404 404 404 404 404 404 404",
    "GET logistics:receipt": "L 403 403 200 404 403 200 404 200 403 403 404 404",
    "GET logistics:ticket": "L 403 403 200 404 403 200 404 200 403 403 404 404",
    "GET logistics:ticket_new": "L 403 403 200 404 403 200 404 200 403 403 404 404",
    "GET logistics:tickets": "L 403 403 200 200 403 200 200 200 403 403 200 200",
    "GET logistics:walk_in": "L 403 403 403 403 403 200 200 200 403 403 200 403",
    "GET matching:approve": "L 405 405 405 405 405 405 405 405 405 405 405 405",
    "GET matching:discard": "L 405 405 405 405 405 405 405 405 405 405 405 405",
    "GET matching:reject": "L 403 403 403 403 403 200 404 200 403 403 404 403",
    "GET matching:run": "L 403 403 403 403 403 200 404 200 403 403 404 403",
    "GET matching:run_progress": "L 403 403 403 403 403 200 404 200 403 403 404 403",
    "GET matching:runs": "L 403 403 403 403 403 200 200 200 403 403 200 403",
    "GET matching:start": "L 403 403 403 403 403 200 200 200 403 403 200 403",
    "GET progress:communes": "200 200 200 200 200 200 200 200 200 200 200 200 200",
    "GET progress:country": "200 200 200 200 200 200 200 200 200 200 200 200 200",
    "GET progress:csv": "200 200 200 200 200 200 200 200 200 200 200 200 200",
    "GET progress:honour": "200 200 200 200 200 200 200 200 200 200 200 200 200",
    "GET progress:province": "200 200 200 200 200 200 200 200 200 200 200 200 200",
    "GET progress:province_csv": "200 200 200 200 200 200 200 200 200 200 200 200 200",
    "GET schema": "200 200 200 200 200 200 200 200 200 200 200 200 200",
    "GET set_language": "R R R R R R R R R R R R R",
    "PATCH api:household-detail": "401 403 403 409 404 403 403 403 409 403 403 403 404",
    "PATCH api:hub-detail": "401 403 403 403 403 403 403 403 200 200 403 403 403",
    "PATCH api:pledge": "401 409 404 404 404 404 404 404 404 404 404 404 404",
    "PATCH api:staff-detail": "401 403 403 403 403 403 403 403 200 200 404 403 403",
    "POST accounts:login": "200 R R R R R R R R R R R R",
    "POST accounts:logout": "R R R R R R R R R R R R R",
    "POST api:commune-flags": "401 403 403 403 403 403 403 403 200 200 403 403 403",
    "POST api:gift-checkout": "400 400 400 400 400 400 400 400 400 400 400 400 400",
    "POST api:gift-vietqr": "400 400 400 400 400 400 400 400 400 400 400 400 400",
    "POST api:household-anonymise": "401 403 403 200 404 200 403 403 200 403 403 403 404",
    "POST api:household-appeal": "401 403 403 409 404 403 403 403 409 403 403 403 404",
    "POST api:household-import": "401 403 403 400 400 400 403 403 400 403 403 403 400",
    "POST api:household-list": "401 403 403 400 400 400 403 403 400 403 403 403 400",
    "POST api:household-not-renewed": "401 403 403 409 404 403 403 403 409 403 403 403 404",
    "POST api:household-reconfirm": "401 403 403 400 400 400 403 403 400 403 403 403 400",
    "POST api:household-reconfirm-import": "401 403 403 415 415 415 403 403 415 403 403 403 415",
    "POST api:household-reject": "401 403 403 403 404 409 403 403 409 403 403 403 404",
    "POST api:household-request-changes": "401 403 403 403 404 409 403 403 409 403 403 403 404",
    "POST api:household-submit": "401 403 403 409 404 403 403 403 409 403 403 403 404",
    "POST api:household-submit-many": "401 403 403 400 400 403 403 403 400 403 403 403 400",
    "POST api:household-verify": "401 403 403 403 404 409 403 403 409 403 403 403 404",
    "POST api:household-withdraw-consent": "401 403 403 200 404 403 403 403 200 403 403 403 404",
    "POST api:hub-list": "401 403 403 403 403 403 403 403 400 400 400 403 403",
    "POST api:logistics-allocation-release": "401 403 403 400 404 403 400 404 400 403 403 404 404",
    "POST api:logistics-batch-dispatch": "401 403 403 403 403 403 409 404 409 403 403 404 403",
    "POST api:logistics-batches": "401 403 403 400 400 403 400 400 400 403 403 400 400",
    "POST api:logistics-devices": "401 403 403 403 403 403 400 400 400 403 403 400 403",
    "POST api:logistics-follow-up": "401 403 403 400 404 403 400 404 400 403 403 404 404",
    "POST api:logistics-handover-return": "401 403 403 400 404 403 400 404 400 403 403 404 404",
    "POST api:logistics-handover-code": "401 403 403 400 404 403 400 404 400 403 403 404 404",
    "POST api:logistics-handover-code-send": "401 403 403 409 404 403 409 404 409 403 403 404 404",  # no SIM number on the world's handover
    "POST api:logistics-handovers": "401 403 403 400 400 403 400 400 400 403 403 400 400",
    "POST api:logistics-lost": "401 403 403 404 404 403 404 400 400 403 403 404 404",
    "POST api:logistics-labels": "401 403 403 403 403 403 400 400 400 403 403 400 403",
    "POST api:logistics-qa": "401 403 403 403 403 403 404 400 400 403 403 404 403",
    "POST api:logistics-receive": "401 403 403 403 403 403 404 400 400 403 403 404 403",
    "POST api:logistics-reject": "401 403 403 403 403 403 404 400 400 403 403 404 403",
    "POST api:logistics-repair": "401 403 403 403 403 403 404 400 400 403 403 404 403",
    "POST api:logistics-ticket-assign": "401 403 403 400 404 403 400 404 400 403 403 404 404",
    "POST api:logistics-ticket-resolve": "401 403 403 400 404 403 400 404 400 403 403 404 404",
    "POST api:logistics-tickets": "401 403 403 400 400 403 400 400 400 403 403 400 400",
    "POST api:logistics-wipe": "401 403 403 403 403 403 404 400 400 403 403 404 403",
    "POST api:match-run-approve": "401 403 403 403 403 403 200 404 200 403 403 404 403",
    "POST api:match-run-discard": "401 403 403 403 403 403 200 404 200 403 403 404 403",
    "POST api:match-runs": "401 403 403 403 403 403 201 201 201 403 403 201 403",
    "POST api:me-erase": "401 400 400 400 400 400 400 400 400 400 400 400 400",
    "POST api:messages-callback": "400 400 400 400 400 400 400 400 400 400 400 400 400",
    "POST api:pledge-cancel": "401 409 404 404 404 404 404 404 404 404 404 404 404",
    "POST api:pledge-photos": "401 415 404 404 404 404 404 404 404 404 404 404 404",
    "POST api:pledges": "400 400 400 400 400 400 400 400 400 400 400 400 400",
    "POST api:province-activate": "401 403 403 403 403 403 403 403 409 403 403 403 403",
    "POST api:province-deactivate": "401 403 403 403 403 403 403 403 200 403 403 403 403",
    "POST api:poverty-lists": "401 403 403 400 400 400 403 403 400 403 403 403 400",
    "POST api:proposal-reject": "401 403 403 403 403 403 400 404 400 403 403 404 403",
    "POST api:staff-list": "401 403 403 403 403 403 403 403 400 400 400 403 403",
    "POST api:statements": "401 403 403 403 403 403 400 400 400 403 403 400 403",
    "POST api:held-settle": "401 403 403 403 403 403 400 400 400 403 403 400 403",
    "POST api:token": "400 400 400 400 400 400 400 400 400 400 400 400 400",
    "POST donations:gift_new": "200 200 200 200 200 200 200 200 200 200 200 200 200",
    "POST donations:claim_confirm": "L R 403 403 403 403 403 403 403 403 403 403 403",
    "POST donations:erase": "L 400 400 400 400 400 400 400 400 400 400 400 400",
    "POST donations:pledge": "L 200 404 404 404 404 404 404 404 404 404 404 404",
    "POST donations:pledge_cancel": "L R 404 404 404 404 404 404 404 404 404 404 404",
    "POST donations:pledge_new": "200 200 200 200 200 200 200 200 200 200 200 200 200",
    "POST donations:stripe_webhook": "400 400 400 400 400 400 400 400 400 400 400 400 400",
    "POST households:anonymise": "L 403 403 400 404 400 403 403 400 403 403 403 404",
    "POST households:appeal": "L 403 403 400 404 403 403 403 400 403 403 403 404",
    "POST households:consent": "L 403 403 200 404 403 403 403 200 403 403 403 404",
    "POST households:create": "L 403 403 200 200 403 403 403 200 403 403 403 200",
    "POST households:decide": "L 403 403 403 403 400 403 403 400 403 403 403 403",
    "POST households:edit": "L 403 403 R 404 403 403 403 R 403 403 403 404",
    "POST households:import": "L 403 403 200 200 403 403 403 200 403 403 403 200",
    "POST households:import_commit": "L 403 403 R R 403 403 403 R 403 403 403 R",
    "POST households:not_renewed": "L 403 403 400 404 403 403 403 400 403 403 403 404",
    "POST households:renewal": "L 403 403 400 404 400 403 403 400 403 403 403 404",
    "POST households:renewal_upload": "L 403 403 400 404 403 403 403 400 403 403 403 404",
    "POST households:import_submit": "L 403 403 R 404 403 403 403 404 403 403 403 404",
    "POST households:submit": "L 403 403 409 404 403 403 403 409 403 403 403 404",
    "POST households:withdraw": "L 403 403 400 404 403 403 403 400 403 403 403 404",
    "POST logistics:allocation_release": "L 403 403 200 404 403 200 404 200 403 403 404 404",
    "POST logistics:batch_dispatch": "L 403 403 403 403 403 R 404 R 403 403 404 403",
    "POST logistics:batch_return": "L 403 403 403 403 403 R 404 R 403 403 404 403",
    "POST logistics:conflict_settle": "L 403 403 R 404 403 R 404 R 403 403 404 404",
    "POST logistics:device_action": "L 403 403 403 403 403 404 400 400 403 403 404 403",
    "POST logistics:device_lost": "L 403 403 404 404 403 404 200 200 403 403 404 404",
    "POST logistics:handover_code": "L 403 403 R 404 403 R 404 R 403 403 404 404",
    "POST logistics:handover_code_send": "L 403 403 R 404 403 R 404 R 403 403 404 404",
    "POST logistics:handover_new": "L 403 403 200 404 403 200 404 200 403 403 404 404",
    "POST logistics:handover_return": "L 403 403 200 404 403 200 404 200 403 403 404 404",
    "POST logistics:ticket": "L 403 403 200 404 403 200 404 200 403 403 404 404",
    "POST logistics:ticket_new": "L 403 403 200 404 403 200 404 200 403 403 404 404",
    "POST logistics:labels": "L 403 403 403 403 403 R R R 403 403 R 403",
    "POST logistics:walk_in": "L 403 403 403 403 403 200 200 200 403 403 200 403",
    "POST matching:approve": "L 403 403 403 403 403 R 404 R 403 403 404 403",
    "POST matching:discard": "L 403 403 403 403 403 R 404 R 403 403 404 403",
    "POST matching:reject": "L 403 403 403 403 403 200 404 200 403 403 404 403",
    "POST matching:start": "L 403 403 403 403 403 200 200 200 403 403 200 403",
    "POST set_language": "R R R R R R R R R R R R R",
    "PUT api:hub-detail": "401 403 403 403 403 403 403 403 405 405 405 403 403",
}
# fmt: on


def _kwargs(name: str, w) -> dict:
    """URL parameters of each route, taken from the world."""
    h, d = w.household_a, w.device_h
    table = {
        "accounts:password_reset_confirm": {"uidb64": "MQ", "token": "set-password"},
        "households:import_commit": {"pk": w.household_import.id},
        # (not the household's pk: on a fresh database the two ids happened to be equal)
        "households:import_page": {"pk": w.household_import.id},
        "households:import_progress": {"pk": w.household_import.id},
        "households:import_submit": {"pk": w.household_import.id},
        "households:export": {"code": w.household_a.commune_id},
        "donations:pledge": {"pledge_id": w.pledge.id},
        "donations:pledge_cancel": {"pledge_id": w.pledge.id},
        "donations:claim_confirm": {"token": w.claim_token},
        "donations:track": {"code": d.tracking_code},
        "donations:vietqr": {"memo": w.gift.memo},
        "donations:vietqr_png": {"memo": w.gift.memo},
        "logistics:device": {"code": w.device_k.tracking_code},
        "logistics:device_wipe_certificate": {"code": d.tracking_code},
        "logistics:phone_wipe_certificate": {"code": d.tracking_code},
        "logistics:device_action": {"code": w.device_k.tracking_code, "action": "wipe"},
        "logistics:donor_wipe_certificate": {"donor_id": w.donor_record.id},
        "logistics:batch_return": {"batch_id": w.batch.id, "code": d.tracking_code},
        "logistics:handover_new": {"code": d.tracking_code},
        "logistics:device_lost": {"code": w.device_k.tracking_code},
        "api:logistics-lost": {"code": w.device_k.tracking_code},
        "api:pledge": {"pledge_id": w.pledge.id},
        "api:pledge-cancel": {"pledge_id": w.pledge.id},
        "api:pledge-photos": {"pledge_id": w.pledge.id},
        "api:pledge-photo": {"pledge_id": w.pledge.id, "photo_id": w.photo.id},
        "donations:pledge_photo": {"pledge_id": w.pledge.id, "photo_id": w.photo.id},
        "logistics:device_photo": {"code": d.tracking_code, "photo_id": w.photo.id},
        "api:track": {"tracking_code": d.tracking_code},
        "api:commune-detail": {"code": h.commune_id},
        "api:hub-detail": {"pk": w.device_k.hub_id},
        "api:village-detail": {"pk": w.village_a.id},
        "api:staff-detail": {"pk": w.household_a.created_by_id},
        "api:messages-callback": {"provider": "esms"},
        "api:province-detail": {"code": w.household_a.commune.province_id},
        "api:commune-flags": {"code": h.commune_id},
        # an inactive province without a reviewed file (activate), the second one (deactivate)
        "api:province-activate": {"code": "40"},
        "api:province-deactivate": {"code": "46"},
        "progress:province": {"code": w.household_a.commune.province_id},
        "progress:province_csv": {"code": w.household_a.commune.province_id},
    }
    if name in table:
        return table[name]
    by_param = {
        "pk": h.id,
        "batch_id": w.batch.id,
        "handover_id": w.handover.id,
        "code": w.device_k.tracking_code,
        "pledge_id": w.pledge.id,
        "run_id": w.match_run.id,
        "proposal_id": w.proposal.id,
        "allocation_id": w.allocation.id,
        "ticket_id": w.ticket.id,
        "commune": h.commune_id,
        "statement_id": w.held.statement_id,
        "held_id": w.held.id,
        "conflict_id": w.conflict.id,
    }
    return by_param


def _path(route, w) -> str:
    from django.urls import NoReverseMatch

    try:
        return reverse(route.name)
    except NoReverseMatch:
        pass
    wanted = _kwargs(route.name, w)
    for size in range(1, len(wanted) + 1):
        import itertools

        for keys in itertools.combinations(wanted, size):
            try:
                return reverse(route.name, kwargs={k: wanted[k] for k in keys})
            except NoReverseMatch:
                continue
    raise AssertionError(f"no URL parameters for {route.name} ({route.pattern})")


class Clients:
    """One signed-in session per persona, made once: each request gets a fresh client carrying
    that session's cookie (or token), so what one request does to its cookies stays with it."""

    def __init__(self, personas):
        self.personas = personas
        self.sessions = {}

    def get(self, persona, is_api):
        user = self.personas[persona]
        if is_api:
            from rest_framework.authtoken.models import Token

            client = APIClient()
            if user is not None:
                token, _ = Token.objects.get_or_create(user=user)
                client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
            return client
        client = Client()
        if user is not None:
            if persona not in self.sessions:
                client.force_login(user)
                self.sessions[persona] = client.cookies[settings.SESSION_COOKIE_NAME].value
            client.cookies[settings.SESSION_COOKIE_NAME] = self.sessions[persona]
        return client


def _outcome(response) -> str:
    if response.status_code in (301, 302, 303):
        login = str(settings.LOGIN_URL)
        if not login.startswith("/"):
            login = reverse(login)
        return "L" if response["Location"].startswith(login) else "R"
    return str(response.status_code)


def _counted_models() -> list:
    return [
        model
        for model in apps.get_models()
        if model._meta.app_label in PROJECT_APPS and not model._meta.proxy
    ]


def _counts() -> dict[str, int]:
    """The number of rows of every model of the project, in one query."""
    from django.db import connection

    counted = _counted_models()
    quote = connection.ops.quote_name
    tables = ", ".join(f"(SELECT COUNT(*) FROM {quote(m._meta.db_table)})" for m in counted)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {tables}")
        row = cursor.fetchone()
    return {model._meta.label: count for model, count in zip(counted, row, strict=True)}


def _send(client, method, path, is_api, body):
    if method == "GET":
        return client.get(path)
    call = getattr(client, method.lower())
    return call(path, body, format="json") if is_api else call(path, body)


def _body(response) -> str:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content).decode("utf-8", "replace")
    return response.content.decode("utf-8", "replace")


# Outcomes that refuse a write, for a persona's role or for the (empty) input: no row may have
# been written, whatever the refusal (nothing half-written before a validation error either).
# `R` is not among them: in the rows above a write is answered by a redirect only to personas
# allowed to act (the owner cancelling, a coordinator approving), or by sign-in/out and language.
REFUSALS = {"L", "400", "401", "403", "404", "405", "409", "415", "429"}

# Bodies for writes that an empty body would stop before the permission layer is asked.
BODIES = {
    "POST matching:approve": {"all": "1"},
    # Valid requests, so that the roles allowed to erase a household's data are seen doing it.
    "POST api:household-anonymise": {"reason": "Chủ hộ yêu cầu xoá dữ liệu"},
    "POST api:household-withdraw-consent": {"method": "signed_form"},
}

# Plain Django views that also take POST (forms and actions): their POST rows are required too.
# A view answering GET with 405 for everyone is POST-only and needs a POST row as well.
FORM_PAGES = {
    "accounts:login",
    "households:create",
    "households:edit",
    "households:consent",
    "households:import",
    "donations:pledge",
    "donations:pledge_new",
    "donations:gift_new",
    "donations:claim_confirm",
    "donations:erase",
    "logistics:walk_in",
    "logistics:handover_new",
    "logistics:allocation_release",
    "logistics:device_lost",
    "logistics:handover_return",
    "logistics:ticket_new",
    "logistics:ticket",
    "households:renewal",
    "logistics:labels",  # a short list by GET ?devices=, any number by POST
    # actions (POST only)
    "set_language",
    "donations:pledge_cancel",
    "logistics:batch_dispatch",
    "logistics:batch_return",
    "logistics:device_action",
    "logistics:conflict_settle",
    "logistics:handover_code",
    "logistics:handover_code_send",
    "matching:start",
    "matching:approve",
    "matching:discard",
    "matching:reject",
}


def _requests():
    """(key, route, method) for every route and method the matrix must cover."""
    for route in all_routes():
        methods = list(route.methods or ("GET",))
        get_row = ROWS.get(f"GET {route.name}", "")
        post_only = bool(get_row) and set(get_row.split()) == {"405"}
        if not route.methods and (route.name in FORM_PAGES or post_only):
            methods.append("POST")
        for method in methods:
            yield f"{method} {route.name}", route, method


def _visit(world, clients, persona, key, route, method) -> tuple[str, list[str]]:
    """Requests one route as one persona, in a transaction rolled back after it: the outcome, and
    the rows a refusal wrote or the personal data a public answer showed."""
    problems = []
    client = clients.get(persona, route.is_api)
    with transaction.atomic():
        before = _counts() if method != "GET" else None
        path = _path(route, world)
        response = _send(client, method, path, route.is_api, BODIES.get(key, {}))
        outcome = _outcome(response)
        if before is not None and outcome in REFUSALS:
            after = _counts()
            changed = {k: (before[k], after[k]) for k in before if before[k] != after[k]}
            if changed:
                problems.append(f"{key} as {persona} ({outcome}) wrote {changed}")
        transaction.set_rollback(True)
    if persona in PUBLIC_VIEWERS and response.status_code < 300:
        body = strip_tokens(_body(response))
        for secret in world.secrets:
            if contains(body, secret):
                problems.append(f"{key} as {persona}: {secret!r} in the response")
    return outcome, problems


def test_every_url_pattern_has_a_row():
    missing = [f"{key}  ({route.pattern})" for key, route, _ in _requests() if key not in ROWS]
    assert not missing, "URL patterns without a row in the access matrix:\n" + "\n".join(missing)


@pytest.mark.parametrize("persona", PERSONAS)
def test_every_url_pattern_gets_the_expected_outcome(persona, shared_world, settings):
    settings.RATE_LIMITS = {}
    clients = Clients(shared_world.personas)
    column = PERSONAS.index(persona)
    problems = []
    for key, route, method in _requests():
        if key not in ROWS:
            continue  # named by the test above
        outcome, found = _visit(shared_world, clients, persona, key, route, method)
        problems += found
        expected = ROWS[key].split()[column]
        if outcome != expected:
            problems.append(f"{key} as {persona}: got {outcome}, expected {expected}")
    assert not problems, "\n".join(problems)


@pytest.mark.skipif(
    os.environ.get("ACCESS_MATRIX_DISCOVER") != "1",
    reason="a tool for writing new rows, not a check: run it with ACCESS_MATRIX_DISCOVER=1",
)
def test_discover_the_rows(shared_world, settings, capsys):
    """Prints a row for every route and method, whatever ROWS says, to write new rows from."""
    settings.RATE_LIMITS = {}
    clients = Clients(shared_world.personas)
    with capsys.disabled():
        for key, route, method in _requests():
            outcomes = [
                _visit(shared_world, clients, persona, key, route, method)[0]
                for persona in PERSONAS
            ]
            print(f'    "{key}": "{" ".join(outcomes)}",')
