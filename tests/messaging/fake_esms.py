"""A local fake of eSMS.vn's HTTP API over real HTTP (127.0.0.1, a thread running http.server),
answering as its developer documentation describes (messaging/providers/esms.py):

- `POST /MainService.svc/json/SendMultipleMessage_V4_post_json/` with the JSON body → CodeResult
  "100" and an SMSID; "101" for wrong keys, "104" for an unknown brand name, "108" for a number
  that is not 0 and nine digits, "124" for a RequestId seen before (the message was taken then).
  `fail_next` makes the next calls answer something else: a CodeResult ("103", not enough
  balance), an HTTP status (500), or "lost" (the message is taken, then HTTP 502: the answer
  is lost on its way back).
- `report(...)` makes the delivery report eSMS sends to the CallbackUrl with HTTP GET: its query
  parameters, and (`call=True`) the GET itself over real HTTP.
"""

from __future__ import annotations

import json
import threading
import urllib.parse
import urllib.request
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

SEND_PATH = "/MainService.svc/json/SendMultipleMessage_V4_post_json/"


class FakeEsms:
    def __init__(self, *, api_key="esms-key", secret_key="esms-secret", brandname="NOISONG"):
        self.api_key, self.secret_key, self.brandname = api_key, secret_key, brandname
        self.requests: list[dict] = []  # every call, as sent
        self.taken: dict[str, dict] = {}  # RequestId → the message eSMS took (with its SMSID)
        self.fail_next: list[str] = []
        self.lock = threading.Lock()
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_POST(self):
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length)
                if self.path != SEND_PATH:
                    self._send(404, {"error": "Invalid request"})
                    return
                try:
                    body = json.loads(raw.decode())
                except ValueError:
                    self._send(400, {"error": "Invalid request"})
                    return
                status, answer = fake._answer(body)
                self._send(status, answer)

            def _send(self, status, payload):
                data = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}{SEND_PATH}"
        self.thread = threading.Thread(
            target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.httpd.shutdown()
        self.httpd.server_close()

    def _answer(self, body: dict) -> tuple[int, dict]:
        with self.lock:
            self.requests.append(body)
            failure = self.fail_next.pop(0) if self.fail_next else None
            if failure and failure.isdigit() and len(failure) == 3 and failure.startswith("5"):
                return int(failure), {"error": "Invalid request"}
            if failure and failure != "lost":
                return 200, {"CodeResult": failure, "CountRegenerate": 0, "ErrorMessage": "fail"}
            if body.get("ApiKey") != self.api_key or body.get("SecretKey") != self.secret_key:
                return 200, {
                    "CodeResult": "101",
                    "CountRegenerate": 0,
                    "ErrorMessage": "Authorize Failed",
                }
            if body.get("Brandname") != self.brandname:
                return 200, {
                    "CodeResult": "104",
                    "CountRegenerate": 0,
                    "ErrorMessage": "Brand name code is not exist",
                }
            phone = str(body.get("Phone", ""))
            if not (phone.startswith("0") and len(phone) == 10 and phone.isdigit()):
                return 200, {"CodeResult": "108", "CountRegenerate": 0, "ErrorMessage": "Phone"}
            request_id = str(body.get("RequestId") or "")
            if request_id and request_id in self.taken:
                return 200, {
                    "CodeResult": "124",
                    "CountRegenerate": 0,
                    "ErrorMessage": "Request exist 1",
                    "SendStatus": "5",
                }
            sms_id = uuid.uuid4().hex
            self.taken[request_id or sms_id] = {**body, "SMSID": sms_id}
            if failure == "lost":
                return 502, {"error": "Bad gateway"}
            return 200, {"CodeResult": "100", "CountRegenerate": 0, "SMSID": sms_id}

    def sent(self) -> list[dict]:
        """The messages eSMS took (each once, whatever the retries)."""
        return list(self.taken.values())

    def report(self, message: dict, *, delivered: bool = True, call: bool = False, **override):
        """The delivery report of a message eSMS took, as eSMS sends it (SendStatus 5: done)."""
        params = {
            "SMSID": message["SMSID"],
            "SendFailed": "0" if delivered else "1",
            "SendStatus": "5",
            "SendSuccess": "1" if delivered else "0",
            "TotalPrice": "0.0000",
            "TotalReceiver": "1",
            "TotalSent": "1",
            "RequestId": message.get("RequestId", ""),
            "TypeId": "2",
            "telcoid": "1",
            "phonenumber": message["Phone"],
            "switchsmsid": "",
            **override,
        }
        if not call:
            return params
        url = message["CallbackUrl"] + "?" + urllib.parse.urlencode(params)
        try:
            with urllib.request.urlopen(url, timeout=10) as response:
                return response.status, json.loads(response.read().decode())
        except urllib.error.HTTPError as error:
            return error.code, json.loads(error.read().decode() or "{}")
