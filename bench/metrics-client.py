#!/usr/bin/env python3
"""One GET of a metrics route, again and again on one keep-alive connection, for bench/metrics.sh.

    metrics-client.py BASE_URL ACCESS_TOKEN PATH MARKER MIN_REQUESTS MIN_SECONDS MAX_SECONDS LATENCIES_FILE

Sends the request back to back until it has sent at least MIN_REQUESTS and MIN_SECONDS have
passed (or MAX_SECONDS have, whichever comes first once a request is answered), checks every
answer (200 with MARKER in the body) and prints the line bench/report.py reads (bench-line) from the wrk
scripts (bench/checked.lua):

    BENCH ok=N bad=N socket_errors=N rps=R p50_us=N p95_us=N p99_us=N

Percentiles are nearest-rank over every answer (as the pgbench figures). Not wrk: wrk runs for a
fixed time and drops the request in flight at the end, so requests that take seconds would leave
a handful of samples and a run twice as long as its answers.
"""
import http.client
import math
import sys
import time
import urllib.parse


def percentile(sorted_values, p):
    return sorted_values[max(1, math.ceil(len(sorted_values) * p / 100)) - 1]


def main(base, token, path, marker, min_requests, min_seconds, max_seconds, latencies_file):
    url = urllib.parse.urlsplit(base)
    connection = http.client.HTTPConnection(url.hostname, url.port, timeout=120)
    headers = {"Authorization": f"Bearer {token}", "Accept": "application/json"}
    latencies, ok, bad, socket_errors, first_bad = [], 0, 0, 0, None
    started = time.monotonic()
    while True:
        elapsed = time.monotonic() - started
        if (len(latencies) + socket_errors >= min_requests and elapsed >= min_seconds) or (latencies and elapsed >= max_seconds):
            break
        sent = time.perf_counter()
        try:
            connection.request("GET", path, headers=headers)
            response = connection.getresponse()
            body = response.read().decode("utf-8", "replace")
        except (OSError, http.client.HTTPException) as error:
            socket_errors += 1
            first_bad = first_bad or f"socket error: {error}"
            connection.close()
            if socket_errors > 3:
                break
            continue
        latencies.append(int((time.perf_counter() - sent) * 1e6))
        if response.status == 200 and marker in body:
            ok += 1
        else:
            bad += 1
            first_bad = first_bad or f"{response.status} {' '.join(body[:400].split())}"
    duration = time.monotonic() - started
    latencies.sort()
    with open(latencies_file, "w") as file:
        file.write("".join(f"{value}\n" for value in latencies))
    p = (lambda q: percentile(latencies, q)) if latencies else (lambda q: 0)
    print(f"BENCH ok={ok} bad={bad} socket_errors={socket_errors} rps={len(latencies) / duration:.2f} "
          f"p50_us={p(50)} p95_us={p(95)} p99_us={p(99)}")
    if first_bad:
        print(f"BENCH first_bad={first_bad}")


if __name__ == "__main__":
    if len(sys.argv) != 9:
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5]), float(sys.argv[6]), float(sys.argv[7]), sys.argv[8])
