"""The site's URLs plus two reference points served by the same processes, with the same
middleware, so that the differences are what the real endpoints do:

- the ceiling: a bare Django JSON view;
- the pledge floor: POST /api/v1/pledges/ without its database work. It checks the same input
  with the same serializer and rate limit and answers with the same serializer over phones made
  in memory; nothing is written or read (the email a pledge owes is a row of its transaction, in
  the outbox: database work). No pledge can be cheaper
  than this while the API answers 201 with the pledge's id and tracking codes;
- the pledge by hand (PostgreSQL only): what a pledge would cost written without DRF and the ORM
  - the JSON read and answered directly, the same device rules (services.device_check), the same
  rows written with hand-written SQL in one transaction, the owed email in the outbox included. A measuring
  instrument for the load goal, not a second way to pledge: it skips the rate limit, the donor's
  details and the commune rule, so it is, if anything, cheaper than a real pledge could be."""

import json

from django.db import connection, transaction
from django.http import JsonResponse
from django.urls import path
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from config.urls import handler404, handler500
from config.urls import urlpatterns as site_urlpatterns
from donations.api import PledgeInput, PledgeOutput
from donations.models import Device, DeviceEvent, Pledge, new_tracking_code
from donations.services.pledges import DEVICE_FIELDS, device_check
from donations.views import rate_limit

__all__ = ["handler404", "handler500", "urlpatterns"]

OWED_EMAIL = "donations.tasks.email_pledge_received"  # what pledge_create owes (core/outbox.py)


def ceiling(request):
    return JsonResponse({"status": "ok"})


class PledgeFloor(APIView):
    permission_classes = [AllowAny]

    def post(self, request):
        data = PledgeInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        rate_limit(request, "pledge", values["donor"]["email"])
        pledge = Pledge(id=0, dropoff=values["dropoff"], hub_id=values.get("hub"))
        pledge.created_at = timezone.now()
        pledge.device_list = []
        for index, spec in enumerate(values["devices"]):
            device_check(dict(spec), prefix=f"devices.{index}")
            fields = {k: spec[k] for k in DEVICE_FIELDS if k in spec}
            device = Device(pledge=pledge, tracking_code=new_tracking_code(), **fields)
            device.timeline = [DeviceEvent(device=device, new_status="pledged", at=timezone.now())]
            device.photo_list = []
            pledge.device_list.append(device)
        return Response(PledgeOutput(pledge).data, status=201)


def pledge_by_hand(request):
    body = json.loads(request.body)
    donor, specs = body["donor"], body["devices"]
    for index, spec in enumerate(specs):
        device_check(spec, prefix=f"devices.{index}")
    email = donor["email"].strip().lower()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT id FROM places_hub WHERE id = %s AND is_active", [body["hub"]])
        if cursor.fetchone() is None:
            return JsonResponse({"error": {"code": "unknown_hub"}}, status=400)
        cursor.execute(
            "SELECT u.id, d.id FROM accounts_user u LEFT JOIN donations_donor d ON d.user_id = u.id"
            " WHERE UPPER(u.email) = UPPER(%s)",
            [email],
        )
        found = cursor.fetchone()
        user_id, donor_id = found if found else (None, None)
        if user_id is None:
            cursor.execute(
                "INSERT INTO accounts_user (password, is_superuser, email, name, language,"
                " is_active, is_staff, date_joined) VALUES ('!', false, %s, %s, 'vi', true, false,"
                " now()) RETURNING id",
                [email, donor["name"]],
            )
            user_id = cursor.fetchone()[0]
        if donor_id is None:
            cursor.execute(
                "INSERT INTO donations_donor (user_id, name, email, kind, country, language,"
                " public_name, created_at) VALUES (%s, %s, %s, %s, %s, 'vi', '', now())"
                " RETURNING id",
                [user_id, donor["name"], email, donor["kind"], donor["country"]],
            )
            donor_id = cursor.fetchone()[0]
        cursor.execute(
            "INSERT INTO donations_pledge (donor_id, status, preference_strict, dropoff, hub_id,"
            " pickup_address, pickup_window, created_at, updated_at) VALUES (%s, 'open', false,"
            " %s, %s, '', '', now(), now()) RETURNING id, created_at",
            [donor_id, body["dropoff"], body["hub"]],
        )
        pledge_id, created_at = cursor.fetchone()
        codes = [new_tracking_code() for _spec in specs]
        rows = [
            (
                code,
                pledge_id,
                s["brand"],
                s["model"],
                s["ram_gb"],
                s["storage_gb"],
                s["os"],
                s["os_version"],
                s["condition"],
            )
            for code, s in zip(codes, specs, strict=True)
        ]
        cursor.execute(
            "INSERT INTO donations_device (tracking_code, pledge_id, brand, model, ram_gb,"
            " storage_gb, os, os_version, supports_4g, supports_volte, has_nfc, has_camera,"
            " condition, imei, status, created_at, updated_at) SELECT c, p, b, m, r::numeric,"
            " st::int, o, ov, true, true, false, true, cd, '', 'pledged', now(), now()"
            " FROM unnest(%s::text[], %s::bigint[], %s::text[], %s::text[], %s::text[],"
            " %s::text[], %s::text[], %s::text[], %s::text[]) AS t(c, p, b, m, r, st, o, ov, cd)"
            " RETURNING id",
            [list(column) for column in zip(*rows, strict=True)],
        )
        device_ids = [row[0] for row in cursor.fetchall()]
        cursor.execute(
            "INSERT INTO donations_deviceevent (device_id, actor_id, old_status, new_status,"
            " reason, data, at) SELECT d, %s, '', 'pledged', '', '{}', now()"
            " FROM unnest(%s::bigint[]) AS t(d)",
            [user_id, device_ids],
        )
        cursor.execute(
            "INSERT INTO donations_pledgeevent (pledge_id, actor_id, action, old_status,"
            " new_status, reason, data, at) VALUES (%s, %s, 'created', '', 'open', '', %s, now())",
            [pledge_id, user_id, json.dumps({"devices": codes, "warnings": []})],
        )
        cursor.execute(
            "INSERT INTO core_outboxmessage (task, args, created_at, due_at, attempts,"
            " last_error) VALUES (%s, %s, now(), now(), 0, '')",
            [OWED_EMAIL, json.dumps([pledge_id])],
        )
    answer = {
        "id": pledge_id,
        "status": "open",
        "created_at": created_at.isoformat(),
        "devices": [{"tracking_code": code, "status": "pledged"} for code in codes],
    }
    return JsonResponse(answer, status=201)


urlpatterns = [
    path("bench/ceiling/", ceiling, name="bench-ceiling"),
    path("bench/pledge-floor/", PledgeFloor.as_view(), name="bench-pledge-floor"),
    path("bench/pledge-by-hand/", csrf_exempt(pledge_by_hand), name="bench-pledge-by-hand"),
    *site_urlpatterns,
]
