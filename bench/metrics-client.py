#!/usr/bin/env python3
"""One GET of a metrics route, again and again on CONNECTIONS keep-alive connections at once, for bench/metrics.sh.

    metrics-client.py BASE_URL ACCESS_TOKEN PATH MARKER CONNECTIONS MIN_REQUESTS MIN_SECONDS MAX_SECONDS LATENCIES_FILE

Each connection sends the request back to back (a new one as soon as its answer is in) until, all
together, at least MIN_REQUESTS have been sent and MIN_SECONDS have passed (or MAX_SECONDS have,
whichever comes first once a request is answered). Every answer is checked (200 with MARKER in the
body). Prints the line bench/report.py reads (bench-line) from the wrk scripts (bench/checked.lua):

    BENCH ok=N bad=N socket_errors=N rps=R p50_us=N p95_us=N p99_us=N

Percentiles are nearest-rank over every answer (as the pgbench figures). Not wrk: wrk runs for a
fixed time and drops the requests in flight at the end, so requests that take seconds would leave
a handful of samples. Threads, not processes: they wait on the API almost all the time.
"""
import http.client
import math
import sys
import threading
import time
import urllib.parse


def percentile(sorted_values, p):
    return sorted_values[max(1, math.ceil(len(sorted_values) * p / 100)) - 1]


def main(base, token, path, marker, connections, min_requests, min_seconds, max_seconds, latencies_file):
    url = urllib.parse.urlsplit(base)
    headers = {"Authorization": f"Bearer {token}", "Accept": "application/json"}
    lock = threading.Lock()
    state = {"latencies": [], "ok": 0, "bad": 0, "socket_errors": 0, "first_bad": None, "sent": 0}
    started = time.monotonic()

    def should_stop():
        elapsed = time.monotonic() - started
        return ((state["sent"] >= min_requests and elapsed >= min_seconds) or (state["latencies"] and elapsed >= max_seconds)
                or state["socket_errors"] > 3)

    def worker():
        connection = http.client.HTTPConnection(url.hostname, url.port, timeout=120)
        while True:
            with lock:
                if should_stop():
                    break
                state["sent"] += 1
            sent = time.perf_counter()
            try:
                connection.request("GET", path, headers=headers)
                response = connection.getresponse()
                body = response.read().decode("utf-8", "replace")
            except (OSError, http.client.HTTPException) as error:
                with lock:
                    state["socket_errors"] += 1
                    state["first_bad"] = state["first_bad"] or f"socket error: {error}"
                connection.close()
                continue
            latency = int((time.perf_counter() - sent) * 1e6)
            with lock:
                state["latencies"].append(latency)
                if response.status == 200 and marker in body:
                    state["ok"] += 1
                else:
                    state["bad"] += 1
                    state["first_bad"] = state["first_bad"] or f"{response.status} {' '.join(body[:400].split())}"
        connection.close()

    threads = [threading.Thread(target=worker) for _ in range(connections)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    duration = time.monotonic() - started
    latencies = sorted(state["latencies"])
    with open(latencies_file, "w") as file:
        file.write("".join(f"{value}\n" for value in latencies))
    p = (lambda q: percentile(latencies, q)) if latencies else (lambda q: 0)
    print(f"BENCH ok={state['ok']} bad={state['bad']} socket_errors={state['socket_errors']} rps={len(latencies) / duration:.2f} "
          f"p50_us={p(50)} p95_us={p(95)} p99_us={p(99)}")
    if state["first_bad"]:
        print(f"BENCH first_bad={state['first_bad']}")


if __name__ == "__main__":
    if len(sys.argv) != 10:
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5]), int(sys.argv[6]), float(sys.argv[7]), float(sys.argv[8]),
         sys.argv[9])
