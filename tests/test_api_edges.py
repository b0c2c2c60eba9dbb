"""API edge fuzzing (security review, "keep them closed"): for every operation that takes a JSON
body, a body the server would accept is built from the served OpenAPI schema and the world of the
access matrix, then each field in turn is pushed to the edges the review found: integers at and
past 2^63, strings one past their declared length (5,000 characters where none is declared), and the body nested past the parser's bound.
No answer may be a server error.

schemathesis (tests/test_api_fuzz.py) draws requests from the schema's declared ranges, so it never
sends what the schema forbids; these edges are exactly what it missed.
"""

from __future__ import annotations

import copy
import re

import pytest
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db

EDGE_INTEGERS = [2**63 - 1, 2**63, -(2**63) - 1, 10**30]


def _resolve(schema: dict, node: dict) -> dict:
    while "$ref" in node:
        node = schema["components"]["schemas"][node["$ref"].rsplit("/", 1)[1]]
    for key in ("allOf", "oneOf", "anyOf"):
        if key in node:
            merged = {k: v for k, v in node.items() if k != key}
            first = _resolve(schema, node[key][0])
            return {**first, **merged}
    return node


def _sample(schema: dict, node: dict, name: str, known: dict):
    node = _resolve(schema, node)
    if name in known:
        return copy.deepcopy(known[name])
    if "enum" in node:
        return next(v for v in node["enum"] if v not in ("", None))
    if "default" in node and node["default"] not in ("", None):
        return node["default"]
    kind = node.get("type")
    if kind == "object":
        props = node.get("properties", {})
        return {key: _sample(schema, sub, key, known) for key, sub in props.items()}
    if kind == "array":
        return [_sample(schema, node.get("items", {}), name, known)]
    if kind == "integer":
        return max(1, node.get("minimum", 1))
    if kind == "number":
        return 1
    if kind == "boolean":
        return True
    if node.get("format") == "email":
        return "edge.fuzz@example.org"
    if node.get("format") == "date":
        return "2026-12-20"
    if node.get("format") == "date-time":
        return "2026-12-20T09:00:00+07:00"
    return "Thử nghiệm"[: node.get("maxLength", 100)] or "x"


def _edges(schema: dict, node: dict, body, path=()):
    """(path, value) pairs: each integer field at the edges, each string past its length."""
    node = _resolve(schema, node)
    if node.get("type") == "object" and isinstance(body, dict):
        for key, sub in node.get("properties", {}).items():
            yield from _edges(schema, sub, body.get(key), (*path, key))
    elif node.get("type") == "array" and isinstance(body, list) and body:
        yield from _edges(schema, node.get("items", {}), body[0], (*path, 0))
    elif node.get("type") == "integer":
        for value in EDGE_INTEGERS:
            yield path, value
    elif node.get("type") == "string" and "enum" not in node and "format" not in node:
        # One past the declared length; where none is declared, longer than any column.
        yield path, "đ" * (node["maxLength"] + 1 if "maxLength" in node else 5000)


def _set(body, path, value):
    body = copy.deepcopy(body)
    target = body
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    return body


def _path_params(w) -> dict:
    return {
        "code": w.device_k.tracking_code,
        "handover_id": w.handover.id,
        "run_id": w.match_run.id,
        "proposal_id": w.proposal.id,
        "pledge_id": w.pledge.id,
    }


def _id_for(path: str, w) -> int:
    if "/hubs/" in path:
        return w.device_k.hub_id
    if "/staff/" in path:
        return w.personas["officer_a"].id
    return w.household_b.id


@pytest.fixture
def schema(client):
    return client.get("/api/schema/?format=json").json()


@pytest.mark.parametrize("group", ["accounts-places", "donations", "households", "logistics"])
def test_no_field_at_its_edge_makes_a_server_error(schema, world, group, settings):
    settings.RATE_LIMITS = {}
    w = world
    known = {
        "hub": w.device_k.hub_id,
        "commune": w.household_a.commune_id,
        "village": w.village_a.id,
        "household": w.household_a.id,
        "device": w.device_h.tracking_code,
        "devices": [w.device_k.tracking_code],
        "hubs": [w.device_k.hub_id],
        "communes": [w.household_a.commune_id],
        "serves": [w.household_a.commune_id],
        "currency": "VND",
        "imei": "356938035643809",
        "cccd": "045085123456",
        "phone": "0912345678",
        "recipient_cccd_last4": "3456",
        "password": "a-long-edge-password-2026",
        "country": "VN",
    }
    client = APIClient(raise_request_exception=False)
    client.force_authenticate(w.personas["admin"])
    groups = {
        "accounts-places": ("/auth/", "/staff/", "/hubs/", "/match-runs/", "/proposals/"),
        "donations": ("/pledges/", "/gifts/"),
        "households": ("/households/",),
        "logistics": ("/devices/", "/batches/", "/handovers/"),
    }
    errors, sent = [], 0
    for raw_path, operations in schema["paths"].items():
        if not any(part in raw_path for part in groups[group]):
            continue
        for method, operation in operations.items():
            content = operation.get("requestBody", {}).get("content", {})
            if "application/json" not in content:
                continue
            body = _sample(schema, content["application/json"]["schema"], "", known)
            path = re.sub(
                r"\{(\w+)\}",
                lambda m, raw=raw_path: str(_path_params(w).get(m.group(1)) or _id_for(raw, w)),
                raw_path,
            )
            call = getattr(client, method)
            cases = [
                _set(body, p, v)
                for p, v in _edges(schema, content["application/json"]["schema"], body)
            ]
            for case in [body, *cases]:
                sent += 1
                response = call(path, case, format="json")
                if response.status_code >= 500:
                    errors.append(
                        f"{response.status_code} {method.upper()} {path} {str(case)[:200]}"
                    )
    assert sent > 0
    assert not errors, "\n".join(errors)
