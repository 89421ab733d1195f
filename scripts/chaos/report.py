"""The verdict of a `make chaos` run, from what scripts/chaos/load.py recorded, the steps
scripts/chaos.sh took (OUT/steps.tsv: name, start, end in Unix seconds) and the database itself
(psql with the PG* variables of the caller).

- lost: an acknowledged (201) tracking code that is not in the database with its 'submitted' event;
- duplicates: cases created beyond one per idempotency key (the key is in the description);
- unexpected 5xx: any 5xx except a 503 with Retry-After;
- per step: the failed attempts (503 or a broken connection, each retried), the longest pause
  between two acknowledged submissions (a frozen database makes requests wait rather than fail),
  and the recovery: seconds from the fault until the first 201 after that pause (when it lasted a
  second or more).

Prints a table and, last, "chaos: acknowledged N, lost N, duplicates N, unexpected 5xx N"; exits 1
when any of the last three is not 0, or when a citizen's lookup missed an acknowledged case.
"""

import json
import os
import subprocess
import sys


def psql(sql, *files):
    result = subprocess.run(["psql", "-X", "-q", "-At", "-v", "ON_ERROR_STOP=1"], input=sql, capture_output=True, text=True)
    if result.returncode != 0:
        sys.exit("chaos: the database could not be checked: " + result.stderr.strip())
    return result.stdout.strip().splitlines()


def main(out):
    outcomes = [json.loads(line) for line in open(os.path.join(out, "outcomes.jsonl"), encoding="utf-8")]
    acknowledged_file = os.path.join(out, "acknowledged.tsv")
    acknowledged = sum(1 for _ in open(acknowledged_file, encoding="utf-8"))
    run_id = open(os.path.join(out, "run-id"), encoding="utf-8").read().strip()
    steps = [line.rstrip("\n").split("\t") for line in open(os.path.join(out, "steps.tsv"), encoding="utf-8") if line.strip()]

    lost, duplicates, unacknowledged = (int(value) for value in psql(
        """
        create temp table acknowledged (code text, key text);
        \\copy acknowledged from '%s'
        select count(*) from acknowledged a
        where not exists (select from complaints c join complaint_events e on e.complaint_id = c.id and e.type = 'submitted'
                          where c.tracking_code = a.code);
        select coalesce(sum(n - 1), 0) from (
            select count(*) as n from complaints where description like '压力测试 %s：%%'
            group by substring(description from '编号 ([0-9a-f-]{36})')) per_key;
        select count(*) from complaints c where c.description like '压力测试 %s：%%'
          and not exists (select from acknowledged a where a.code = c.tracking_code);
        """ % (acknowledged_file, run_id, run_id)))

    unexpected = [o for o in outcomes if o["status"] >= 500 and not (o["status"] == 503 and o.get("retryAfter"))]
    missed_reads = [o for o in outcomes if o["kind"] in ("lookup", "lookup-own") and o["status"] == 404]
    by_status = {}
    for o in outcomes:
        by_status[(o["kind"], o["status"])] = by_status.get((o["kind"], o["status"]), 0) + 1

    print("| step | failed attempts | longest pause between acknowledged submissions | recovered after |")
    print("|---|---|---|---|")
    for name, start, end in steps:
        start, end = float(start), float(end)
        submissions = [o for o in outcomes if o["kind"] == "submit" and start <= o["t"] < end]
        failures = sum(1 for o in submissions if o["status"] in (0, 503))
        acknowledged_at = sorted(o["t"] for o in submissions if o["status"] == 201)
        edges = [start] + acknowledged_at
        pause, resumed = max(((later - earlier, later) for earlier, later in zip(edges, edges[1:])), default=(end - start, None))
        # Under a second between acknowledgements is the load's own rhythm, not an interruption.
        recovered = "not interrupted" if pause < 1 else "%.1f s" % (resumed - start) if resumed else "not within the step"
        print("| %s | %d | %.1f s | %s |" % (name, failures, pause, recovered))
    print()
    print("requests by kind and status: " + ", ".join("%s %s: %d" % (k, s, n) for (k, s), n in sorted(by_status.items())))
    print("cases created by the load but never acknowledged (the client gave up or the answer was lost for good): %d" % unacknowledged)
    print("lookups that missed an acknowledged case: %d" % len(missed_reads))
    for o in unexpected[:10]:
        print("unexpected: %s" % json.dumps(o))
    print("chaos: acknowledged %d, lost %d, duplicates %d, unexpected 5xx %d" % (acknowledged, lost, duplicates, len(unexpected)))
    return 1 if lost or duplicates or unexpected or missed_reads else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
