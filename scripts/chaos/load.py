"""A steady load for `make chaos`: citizens submitting and looking up cases, section heads accepting
them, all through the load balancer, while scripts/chaos.sh breaks things.

Submissions carry an Idempotency-Key and are retried with the same key on 503 and on connection
errors, as the web client does; so are lookups and staff actions. Each request comes "from" a
random citizen address in X-Forwarded-For (the balancer is a trusted proxy), so the per-address
rate limits see many citizens, as in life.

Writes one JSON line per request outcome to OUT/outcomes.jsonl and, at the end, the acknowledged
submissions to OUT/acknowledged.tsv (tracking code, idempotency key). Runs until OUT/stop exists.
Standard library only.
"""

import argparse
import http.client
import json
import os
import random
import threading
import time
import uuid
from urllib.parse import urlsplit

SECTION_HEADS = ["office", "enforcement", "monitoring", "pollution", "approval"]
CATEGORIES = ["air.odor", "water.river", "air.dust"]
GIVE_UP_SECONDS = 180  # a request still failing after this is reported, not retried for ever


class Recorder:
    """Outcomes, acknowledged submissions and the lookups' findings, shared by the workers."""

    def __init__(self, out):
        self.lock = threading.Lock()
        self.file = open(os.path.join(out, "outcomes.jsonl"), "w", encoding="utf-8")
        self.acknowledged = []  # (code, password, key)

    def outcome(self, kind, status, seconds, retry_after=None, note=None):
        line = {"t": time.time(), "kind": kind, "status": status, "ms": round(seconds * 1000, 1)}
        if retry_after is not None:
            line["retryAfter"] = retry_after
        if note:
            line["note"] = note
        with self.lock:
            self.file.write(json.dumps(line) + "\n")

    def acknowledge(self, code, password, key):
        with self.lock:
            self.acknowledged.append((code, password, key))

    def some_acknowledged(self):
        with self.lock:
            return random.choice(self.acknowledged) if self.acknowledged else None


class Api:
    """One keep-alive connection to the balancer; a broken one is replaced on the next request."""

    def __init__(self, base, recorder):
        parts = urlsplit(base)
        self.host, self.port = parts.hostname, parts.port or 80
        self.recorder = recorder
        self.connection = None

    def request(self, kind, method, path, body=None, headers=None):
        """Returns (status, headers, parsed body) or (0, {}, None) on a connection error."""
        headers = dict(headers or {})
        headers["X-Forwarded-For"] = "10.%d.%d.%d" % (random.randrange(256), random.randrange(256), random.randrange(1, 255))
        headers["Accept-Language"] = "en"
        payload = None
        if body is not None:
            payload = json.dumps(body, ensure_ascii=False).encode("utf-8")
            headers["Content-Type"] = "application/json; charset=utf-8"
        started = time.monotonic()
        try:
            if self.connection is None:
                self.connection = http.client.HTTPConnection(self.host, self.port, timeout=30)
            self.connection.request(method, path, body=payload, headers=headers)
            response = self.connection.getresponse()
            raw = response.read()
            status, answer_headers = response.status, {k.lower(): v for k, v in response.getheaders()}
            if answer_headers.get("connection", "").lower() == "close":
                self.close()
        except (OSError, http.client.HTTPException) as error:
            self.close()
            self.recorder.outcome(kind, 0, time.monotonic() - started, note=type(error).__name__)
            return 0, {}, None
        retry_after = answer_headers.get("retry-after")
        self.recorder.outcome(kind, status, time.monotonic() - started, retry_after=retry_after)
        try:
            parsed = json.loads(raw) if raw and answer_headers.get("content-type", "").find("json") >= 0 else None
        except ValueError:
            parsed = None
        return status, answer_headers, parsed

    def close(self):
        if self.connection is not None:
            self.connection.close()
            self.connection = None

    def with_retries(self, kind, method, path, body=None, headers=None, stop=None):
        """Retries on 503 (after its Retry-After, at most 2 s here) and on connection errors."""
        deadline = time.monotonic() + GIVE_UP_SECONDS
        while True:
            status, answer_headers, parsed = self.request(kind, method, path, body, headers)
            if status not in (0, 503) or time.monotonic() > deadline:
                return status, answer_headers, parsed
            wait = 0.5
            if status == 503:
                try:
                    wait = min(2.0, float(answer_headers.get("retry-after", "1")))
                except ValueError:
                    wait = 1.0
            time.sleep(wait)


def submitter(base, recorder, stop_file, run_id):
    api = Api(base, recorder)
    while not os.path.exists(stop_file):
        key = str(uuid.uuid4())
        body = {
            "categoryCode": random.choice(CATEGORIES),
            "description": "压力测试 %s：小区东侧工厂夜间排放刺鼻废气，编号 %s。" % (run_id, key),
            "township": "剡湖街道",
            "address": "城东路 88 号附近",
        }
        status, _, parsed = api.with_retries("submit", "POST", "/api/v1/complaints", body, {"Idempotency-Key": key})
        if status == 201 and parsed:
            recorder.acknowledge(parsed["trackingCode"], parsed["queryPassword"], key)
            # The citizen looks the case up at once: it must be there, wherever the read goes.
            status, _, _ = api.with_retries("lookup-own", "GET", "/api/v1/complaints/" + parsed["trackingCode"],
                                            headers={"X-Query-Password": parsed["queryPassword"]})
        time.sleep(random.uniform(0.05, 0.15))
    api.close()


def looker(base, recorder, stop_file):
    api = Api(base, recorder)
    while not os.path.exists(stop_file):
        case = recorder.some_acknowledged()
        if case:
            api.with_retries("lookup", "GET", "/api/v1/complaints/" + case[0], headers={"X-Query-Password": case[1]})
        time.sleep(random.uniform(0.05, 0.15))
    api.close()


def section_head(base, recorder, stop_file, password):
    api = Api(base, recorder)
    tokens = {}

    def sign_in(username):
        status, _, parsed = api.with_retries("login", "POST", "/api/v1/auth/login", {"username": username, "password": password})
        tokens[username] = parsed["accessToken"] if status == 200 and parsed else None

    while not os.path.exists(stop_file):
        username = random.choice(SECTION_HEADS)
        if not tokens.get(username):
            sign_in(username)
        auth = {"Authorization": "Bearer %s" % tokens.get(username)}
        status, _, queue = api.with_retries("queue", "GET", "/api/v1/staff/complaints?status=submitted&limit=5", headers=auth)
        if status == 401:
            sign_in(username)
            continue
        items = (queue or {}).get("items") or []
        if items:
            code = items[0]["trackingCode"]
            status, headers, _ = api.with_retries("case", "GET", "/api/v1/staff/complaints/" + code, headers=auth)
            if status == 200 and headers.get("etag"):
                # A retried accept whose first answer was lost meets 409 or 412: the case was accepted.
                api.with_retries("accept", "POST", "/api/v1/staff/complaints/%s/accept" % code, {},
                                 headers=dict(auth, **{"If-Match": headers["etag"]}))
        time.sleep(random.uniform(0.2, 0.4))
    api.close()


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--base", required=True, help="the balancer, e.g. http://127.0.0.1:8080")
    parser.add_argument("--out", required=True, help="a folder for the outcomes; the run stops when OUT/stop exists")
    parser.add_argument("--password", default="demo-2026", help="the demo accounts' password")
    parser.add_argument("--submitters", type=int, default=4)
    parser.add_argument("--lookers", type=int, default=2)
    parser.add_argument("--staff", type=int, default=1)
    args = parser.parse_args()

    recorder = Recorder(args.out)
    stop_file = os.path.join(args.out, "stop")
    run_id = uuid.uuid4().hex[:8]
    workers = [threading.Thread(target=submitter, args=(args.base, recorder, stop_file, run_id)) for _ in range(args.submitters)]
    workers += [threading.Thread(target=looker, args=(args.base, recorder, stop_file)) for _ in range(args.lookers)]
    workers += [threading.Thread(target=section_head, args=(args.base, recorder, stop_file, args.password)) for _ in range(args.staff)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    recorder.file.close()
    with open(os.path.join(args.out, "acknowledged.tsv"), "w", encoding="utf-8") as file:
        for code, _, key in recorder.acknowledged:
            file.write("%s\t%s\n" % (code, key))
    with open(os.path.join(args.out, "run-id"), "w", encoding="utf-8") as file:
        file.write(run_id + "\n")


if __name__ == "__main__":
    main()
