"""The site's URLs plus two reference points served by the same processes, with the same
middleware, so that the differences are what the real endpoints do:

- the ceiling: a bare Django JSON view;
- the pledge floor: POST /api/v1/pledges/ without its database work. It checks the same input
  with the same serializer and rate limit, queues the same email task and answers with the same
  serializer over phones made in memory; nothing is written or read. No pledge can be cheaper
  than this while the API answers 201 with the pledge's id and tracking codes."""

from django.http import JsonResponse
from django.urls import path
from django.utils import timezone
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from config.urls import handler404, handler500
from config.urls import urlpatterns as site_urlpatterns
from donations.api import PledgeInput, PledgeOutput
from donations.models import Device, DeviceEvent, Pledge, new_tracking_code
from donations.services import DEVICE_FIELDS, device_check
from donations.tasks import email_pledge_received
from donations.views import rate_limit

__all__ = ["handler404", "handler500", "urlpatterns"]


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
        email_pledge_received.delay(0)  # queued like a real pledge's; nobody consumes it here
        return Response(PledgeOutput(pledge).data, status=201)


urlpatterns = [
    path("bench/ceiling/", ceiling, name="bench-ceiling"),
    path("bench/pledge-floor/", PledgeFloor.as_view(), name="bench-pledge-floor"),
    *site_urlpatterns,
]
