"""Field fit of the officer and coordinator pages, measured in headless Chromium at 360 px:

- each page is at most 150 KB transferred (the Performance API's transferSize of the document and
  every resource it loads, on a cold cache);
- nothing scrolls sideways at 360 px;
- each page's `load` event comes within 3 s on Chrome DevTools' own "Slow 3G" preset
  (Network.emulateNetworkConditions: 2000 ms latency, 500 kbit/s × 0.8 down and up — the values
  of DevTools' NetworkManager / Puppeteer's PredefinedNetworkConditions). Static files are served
  as production serves them (WhiteNoise: hashed names, `max-age=315360000, immutable`), so a
  field worker's stylesheets come from the HTTP cache after the first page; the first, cold load
  of a page costs two 2 s round trips (document, then stylesheet) and is printed, not asserted;
- the core forms work with JavaScript off: a household is nominated and a phone is received."""

from __future__ import annotations

import pytest

from tests.browser.conftest import fill_household_form, screenshot, sign_in, submit
from tests.conftest import allocate_and_dispatch

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

BUDGET_BYTES = 150 * 1024
BUDGET_LOAD_MS = 3000
# Chrome DevTools' "Slow 3G" preset (front_end/core/sdk/NetworkManager.ts).
SLOW_3G = {
    "offline": False,
    "latency": 400 * 5,
    "downloadThroughput": 500 * 1000 / 8 * 0.8,
    "uploadThroughput": 500 * 1000 / 8 * 0.8,
}
UNTHROTTLED = {"offline": False, "latency": 0, "downloadThroughput": -1, "uploadThroughput": -1}
PHONE = {"width": 360, "height": 740}

TRANSFERRED_JS = """() => {
  const nav = performance.getEntriesByType('navigation')[0];
  const resources = performance.getEntriesByType('resource');
  return {
    total: nav.transferSize + resources.reduce((sum, r) => sum + r.transferSize, 0),
    resources: resources.map(r => [r.name, r.transferSize]),
  };
}"""
LOAD_MS_JS = "() => performance.getEntriesByType('navigation')[0].loadEventEnd"


@pytest.fixture
def static_cached_as_in_production(monkeypatch):
    """The live server's static handler, with WhiteNoise's headers for hashed files."""
    from django.contrib.staticfiles.handlers import StaticFilesHandler

    serve = StaticFilesHandler.serve

    def serve_cached(self, request):
        response = serve(self, request)
        response["Cache-Control"] = "public, max-age=315360000, immutable"
        return response

    monkeypatch.setattr(StaticFilesHandler, "serve", serve_cached)


def phone_page(browser, *, javascript=True):
    context = browser.new_context(
        viewport=PHONE,
        locale="vi-VN",
        timezone_id="Asia/Ho_Chi_Minh",
        java_script_enabled=javascript,
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.viewport_name = "phone"
    return page


@pytest.fixture
def field_data(communes, villages, hubs, officer_a, coordinator_h, admin_user):
    """A commune's worth of nominations, a phone waiting for intake at hub H, and a phone on a
    dispatched batch (for the handover form)."""
    from households.models import Household
    from tests.logistics.conftest import new_imei
    from tests.matching.factories import device_create, household_create

    Household.objects.bulk_create(
        [
            Household(
                commune_id="19588",
                village=villages["A"],
                head_name=f"Hồ Văn Hộ {i}",
                cccd_last4=f"{i:04d}",
                members=4,
                poverty_status="poor",
                phone_situation="none",
                coverage_4g="good",
                status="submitted" if i % 2 else "draft",
                created_by=officer_a,
                priority_score=40 + i % 30,
            )
            for i in range(60)
        ]
    )
    waiting = device_create(hubs["H"], status="pledged")
    waiting.hub = hubs["H"]
    waiting.save(update_fields=["hub"])
    on_the_road = device_create(hubs["H"], status="ready")
    on_the_road.imei = new_imei()
    on_the_road.save(update_fields=["imei"])
    household = household_create(communes["A"], nominator=officer_a)
    allocate_and_dispatch(on_the_road, household, admin=admin_user, coordinator=coordinator_h)
    return {"waiting": waiting, "on_the_road": on_the_road}


def measure(page, live_server, path: str, name: str) -> dict:
    """Cold load unthrottled (bytes, width), then the same page on Slow 3G with the static files
    cached (load time)."""
    cdp = page.context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.clearBrowserCache")
    cdp.send("Network.emulateNetworkConditions", UNTHROTTLED)
    response = page.goto(live_server.url + path)
    assert response.status == 200, f"{path}: {response.status}"
    page.wait_for_load_state("load")
    transferred = page.evaluate(TRANSFERRED_JS)
    width = page.evaluate("document.documentElement.scrollWidth")
    screenshot(page, f"field-fit-{name}")
    cdp.send("Network.emulateNetworkConditions", SLOW_3G)
    page.goto(live_server.url + path)
    page.wait_for_load_state("load")
    slow_ms = page.evaluate(LOAD_MS_JS)
    cdp.send("Network.emulateNetworkConditions", UNTHROTTLED)
    cdp.detach()
    return {"path": path, "bytes": transferred["total"], "width": width, "slow3g_ms": slow_ms}


def test_officer_and_coordinator_pages_fit_a_phone_on_slow_3g(
    live_server,
    browser,
    field_data,
    officer_a,
    verifier,
    coordinator_h,
    static_cached_as_in_production,
):
    waiting, on_the_road = field_data["waiting"], field_data["on_the_road"]
    pages = {
        officer_a: [
            ("/ho-gia-dinh/", "households-list"),
            ("/ho-gia-dinh/them/", "household-form"),
        ],
        verifier: [("/xac-minh/", "verification-queue")],
        coordinator_h: [
            ("/kho/", "hub"),
            (f"/kho/thiet-bi/{waiting.tracking_code}/", "device"),
            ("/dot-giao/", "batches"),
            (f"/ban-giao/moi/{on_the_road.tracking_code}/", "handover-form"),
        ],
    }
    results = []
    for user, paths in pages.items():
        page = phone_page(browser)
        sign_in(page, live_server, user.email)
        for path, name in paths:
            results.append(measure(page, live_server, path, name))
        page.context.close()

    # The first visit ever, on Slow 3G with nothing cached (printed for the report).
    page = phone_page(browser)
    sign_in(page, live_server, officer_a.email)
    cdp = page.context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.clearBrowserCache")
    cdp.send("Network.emulateNetworkConditions", SLOW_3G)
    page.goto(live_server.url + "/ho-gia-dinh/")
    cold_ms = page.evaluate(LOAD_MS_JS)
    page.context.close()

    print("\npage                                   KB    width  Slow-3G load (ms, cached static)")
    for r in results:
        print(f"{r['path']:<38} {r['bytes'] / 1024:5.1f} {r['width']:6d}  {r['slow3g_ms']:7.0f}")
    print(f"cold first visit /ho-gia-dinh/ on Slow 3G: {cold_ms:.0f} ms")
    for r in results:
        assert r["bytes"] <= BUDGET_BYTES, r
        assert r["width"] <= PHONE["width"], r
        assert r["slow3g_ms"] <= BUDGET_LOAD_MS, r
        assert r["bytes"] > 1000, r  # the measure saw the page (not an empty or cached body)


def test_the_household_form_works_without_javascript(live_server, browser, villages, officer_a):
    from households.models import Household

    page = phone_page(browser, javascript=False)
    sign_in(page, live_server, officer_a.email)
    page.goto(live_server.url + "/ho-gia-dinh/them/")
    fill_household_form(
        page,
        head_name="Hồ Thị Không Script",
        cccd="045185000777",
        members=4,
        no_internet=False,
        phone="none",
        consent="signed_form",
    )
    screenshot(page, "field-fit-household-form-nojs")
    submit(page, page.get_by_role("button", name="Lưu"))
    page.wait_for_url("**/ho-gia-dinh/*/")
    household = Household.objects.get(head_name="Hồ Thị Không Script")
    assert household.status == "draft" and household.created_by == officer_a
    assert household.village == villages["A"] and household.cccd_last4 == "0777"
    assert household.events.filter(new_status="draft", actor=officer_a).exists()
    page.context.close()


def test_the_intake_form_works_without_javascript(live_server, browser, hubs, coordinator_h):
    from donations.models import DeviceEvent
    from tests.logistics.conftest import new_imei
    from tests.matching.factories import device_create

    device = device_create(hubs["H"], status="pledged")
    imei = new_imei()
    page = phone_page(browser, javascript=False)
    sign_in(page, live_server, coordinator_h.email)
    page.goto(f"{live_server.url}/kho/thiet-bi/{device.tracking_code}/")
    page.get_by_label("IMEI").fill(imei)
    submit(page, page.get_by_role("button", name="Ghi nhận tiếp nhận"))
    assert "Đã tiếp nhận" in page.content()
    screenshot(page, "field-fit-intake-nojs")
    device.refresh_from_db()
    assert device.status == "received" and device.imei == imei
    assert DeviceEvent.objects.filter(
        device=device, new_status="received", actor=coordinator_h
    ).exists()
    page.context.close()


# Waits (up to the given milliseconds) for the field worker to be active; says where it stands.
WORKER_READY_JS = """async (limit) => {
  const late = new Promise((resolve) => setTimeout(() => resolve(null), limit));
  const ready = await Promise.race([navigator.serviceWorker.ready, late]);
  const found = await navigator.serviceWorker.getRegistration();
  const state = (worker) => (worker ? worker.state : null);
  return {
    ready: Boolean(ready && ready.active),
    registered: Boolean(found),
    installing: state(found && found.installing),
    waiting: state(found && found.waiting),
    active: state(found && found.active),
    controlled: navigator.serviceWorker.controller !== null,
  };
}"""


def test_the_field_pages_fit_a_phone_on_slow_3g_and_the_field_page_opens_offline_from_its_cache(
    live_server, browser, field_data, coordinator_h, static_cached_as_in_production
):
    """Issue 16's pages measured as the ones above (the field page with its worker blocked, so
    the throttled network carries all of it); then the field page taken to the field, opened
    with no network at all, from the worker's cache."""
    from django.utils import timezone

    from logistics.models import DeliveryBatch

    on_the_road = field_data["on_the_road"]
    batch = DeliveryBatch.objects.get(items__device=on_the_road)
    DeliveryBatch.objects.filter(id=batch.id).update(planned_date=timezone.localdate())
    handover = _handover_with_an_sms_code(on_the_road.hub, coordinator_h)
    context = browser.new_context(
        viewport=PHONE, locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh", service_workers="block"
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.viewport_name = "phone"
    sign_in(page, live_server, coordinator_h.email)
    paths = [
        (f"/dot-giao/{batch.id}/", "batch"),
        ("/thuc-dia/", "field-app"),
        (f"/ban-giao/{handover.id}/", "handover-sms-code"),
    ]
    results = [measure(page, live_server, path, name) for path, name in paths]

    # The first visit ever to the field page, on Slow 3G with nothing cached (printed).
    cdp = page.context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.clearBrowserCache")
    cdp.send("Network.emulateNetworkConditions", SLOW_3G)
    page.goto(live_server.url + "/thuc-dia/")
    cold_ms = page.evaluate(LOAD_MS_JS)
    cdp.send("Network.emulateNetworkConditions", UNTHROTTLED)
    context.close()

    # Taken to the field with the worker, then opened offline.
    context = browser.new_context(viewport=PHONE, locale="vi-VN", service_workers="allow")
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.viewport_name = "phone"
    sign_in(page, live_server, coordinator_h.email, next_url="/thuc-dia/")
    page.goto(f"{live_server.url}/thuc-dia/?batch={batch.id}")
    page.wait_for_selector("#field-app[data-ready='1']")
    # the worker installs in the background (its files and the page into its cache): a busy
    # machine may take a while, which is no failure of the page. Waited for as active (ready),
    # not as controlling this page: the reload below puts the page under an active worker
    # whether or not its claim reached this page first.
    worker = page.evaluate(WORKER_READY_JS, 120_000)
    assert worker["ready"], worker
    page.reload()  # once more online, so every file is in the worker's cache
    assert page.evaluate("navigator.serviceWorker.controller !== null"), worker
    page.wait_for_selector("#field-app[data-ready='1']")
    cdp = page.context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.clearBrowserCache")  # not the worker's cache: only it can serve now
    cdp.detach()
    context.set_offline(True)
    response = page.goto(live_server.url + "/thuc-dia/")
    page.wait_for_selector("#field-app[data-ready='1']")
    offline = page.evaluate(
        """() => ({
          load: performance.getEntriesByType('navigation')[0].loadEventEnd,
          fromWorker: performance.getEntriesByType('resource')
            .filter(r => r.initiatorType === 'link' || r.initiatorType === 'script')
            .every(r => r.workerStart > 0),
        })"""
    )
    width = page.evaluate("document.documentElement.scrollWidth")
    screenshot(page, "field-fit-field-app-offline")
    assert response.status == 200 and response.from_service_worker
    assert offline["fromWorker"] and width <= PHONE["width"]
    assert page.locator("#field-batches li").first.inner_text().startswith(f"#{batch.id}")
    context.close()

    print("\npage                                   KB    width  Slow-3G load (ms, cached static)")
    for r in results:
        print(f"{r['path']:<38} {r['bytes'] / 1024:5.1f} {r['width']:6d}  {r['slow3g_ms']:7.0f}")
    print(f"cold first visit /thuc-dia/ on Slow 3G: {cold_ms:.0f} ms")
    print(f"/thuc-dia/ offline, from the worker's cache: {offline['load']:.0f} ms")
    for r in results:
        assert r["bytes"] <= BUDGET_BYTES, r
        assert r["width"] <= PHONE["width"], r
        assert r["slow3g_ms"] <= BUDGET_LOAD_MS, r
        assert r["bytes"] > 1000, r


def _handover_with_an_sms_code(hub, coordinator):
    """A second phone of the hub handed over with its SIM's number (the page shows the code form
    and the SMS row)."""
    from logistics.services.delivery import handover_create
    from tests.logistics.conftest import new_imei
    from tests.matching.factories import device_create, household_create

    device = device_create(hub, status="ready")
    device.imei = new_imei()
    device.save(update_fields=["imei"])
    household = household_create(hub.serves.get(code="19588"), nominator=coordinator)
    allocate_and_dispatch(device, household, admin=coordinator, coordinator=coordinator)
    return handover_create(
        device_id=device.id,
        household_id=household.id,
        received_by=household.head_name,
        recipient_cccd_last4=household.cccd_last4 or "0000",
        cccd_override_reason="" if household.cccd_last4 else "Thẻ bị mất, xác nhận qua trưởng bản",
        sim_phone="0912345678",
        actor=coordinator,
    )
