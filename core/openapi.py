"""OpenAPI post-processing: document API.md's error shape on every operation.

Every endpoint can answer 400 (invalid input), 401/403 (not signed in / not allowed), 404, 409
(conflict with the current state) and 429 (rate limited) with {"error": {code, message, fields}}.
Views document their success bodies; this hook adds the errors once, so the schema matches what
the server sends (tests/test_api_fuzz.py checks every response against it).
"""

from __future__ import annotations

ERROR_STATUSES = {
    "400": "Invalid input: `fields` names each field's problems.",
    "401": "Not signed in (send `Authorization: Token <key>`).",
    "403": "Signed in, but not allowed.",
    "404": "Not found, or outside your scope.",
    "409": "Conflicts with the current state.",
    "429": "Too many attempts: wait `Retry-After` seconds.",
}

ERROR_SCHEMA = {
    "type": "object",
    "required": ["error"],
    "additionalProperties": False,
    "properties": {
        "error": {
            "type": "object",
            "required": ["code", "message", "fields"],
            "properties": {
                "code": {"type": "string"},
                "message": {"type": "string"},
                "fields": {
                    "type": "object",
                    "additionalProperties": {"type": "array", "items": {"type": "string"}},
                },
            },
        }
    },
}


def document_errors(result, generator, request, public):
    result.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR_SCHEMA
    reference = {"$ref": "#/components/schemas/Error"}
    for path in result.get("paths", {}).values():
        for method, operation in path.items():
            if method not in {"get", "post", "put", "patch", "delete"}:
                continue
            responses = operation.setdefault("responses", {})
            for status, description in ERROR_STATUSES.items():
                responses.setdefault(
                    status,
                    {
                        "description": description,
                        "content": {"application/json": {"schema": reference}},
                    },
                )
    return result
