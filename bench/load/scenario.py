"""What the simulated people send (shared by locustfile.py and tests/load/, which checks that
each request still succeeds against the current API; no locust import here)."""

from __future__ import annotations

PLEDGE_PATH = "/api/v1/pledges/"
TRACK_PATH = "/t/{code}"
HOUSEHOLDS_PATH = "/api/v1/households/?page={page}"
TOKEN_PATH = "/api/v1/auth/token/"
CEILING_PATH = "/bench/ceiling/"
PLEDGE_FLOOR_PATH = "/bench/pledge-floor/"
PLEDGE_BY_HAND_PATH = "/bench/pledge-by-hand/"


def pledge_body(n: int, hub: int) -> dict:
    """An anonymous donor's pledge of one phone; one pledge in ten comes from a returning donor."""
    return {
        "donor": {
            "name": f"Nhà hảo tâm {n}",
            "email": f"load{n if n % 10 else n % 50}@load.test",
            "kind": "diaspora",
            "country": "DE",
        },
        "devices": [
            {
                "brand": "Samsung",
                "model": "Galaxy A15",
                "os": "android",
                "os_version": "14",
                "ram_gb": "4",
                "storage_gb": 128,
                "supports_4g": True,
                "supports_volte": True,
                "condition": "good",
            }
        ],
        "dropoff": "hub",
        "hub": hub,
    }
