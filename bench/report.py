#!/usr/bin/env python3
"""The benchmark's arithmetic and its report, for bench/run.sh and the scripts it sources.

    report.py facts PG_BIN                  the machine facts (markdown list items)
    report.py latencies TX_LOG...           p50 p95 p99 in ms, nearest-rank, of pgbench's transaction logs
    report.py bench-line FILE               rps p50 p95 p99 (ms) from a "BENCH ok=… p99_us=…" line
                                            (bench/checked.lua, bench/metrics-client.py); exits 1,
                                            saying why, when an answer was unexpected
    report.py per-request PG_TICKS API_TICKS N     CPU ms per request, "PostgreSQL / API"
    report.py half RPS | thousands N        RPS / 2 with one decimal | N with thousands separators
    report.py render FIGURES                the markdown report of a run's figures (bench/lib.sh)
    report.py history FIGURES CSV           appends the run's figures to CSV, one row per figure
"""
import statistics
import math
import os
import re
import subprocess
import sys
import time

HZ = os.sysconf("SC_CLK_TCK")
QUEUE = {"queue-clerk": ("queue, first page · enforcement clerk", 20, "queue.first_page.clerk"),
         "queue-leader": ("queue, first page · leader", 20, "queue.first_page.leader"),
         "search-clerk": ("search 偷排 (1% of cases) · enforcement clerk", 50, "queue.search.clerk"),
         "search-leader": ("search 偷排 (1% of cases) · leader", 50, "queue.search.leader"),
         "common-clerk": ("search 街道 (42% of cases) · enforcement clerk", 50, "queue.search_common.clerk"),
         "common-leader": ("search 街道 (42% of cases) · leader", 50, "queue.search_common.leader")}
PHOTOS = {"2560": "2560×1920", "12mp": "12 MP, 4000×3000"}
# The metrics views bench/metrics.sh measures: key → (label, history name).
ROUTES = {"summary": ("summary (and the previous year)", "summary"),
          "breakdown": ("breakdown by section", "breakdown_section"), "ranking": ("ranking", "ranking"),
          "by_category": ("breakdown by category", "breakdown_category"), "by_township": ("breakdown by township", "breakdown_township"),
          "by_channel": ("breakdown by channel", "breakdown_channel"), "by_week": ("breakdown by week", "breakdown_week"),
          "category_township": ("summary · category + township", "summary_category_township"),
          "section_category_by_township": ("by township · section + category", "breakdown_township_section_category"),
          "category_township_channel_by_section": ("by section · category + township + channel", "breakdown_section_category_township_channel"),
          "all_four": ("summary · section + category + township + channel", "summary_all_four")}


def thousands(n): return f"{int(n):,}"
def ratio(a, b): return f"{100 * float(a) / float(b):.0f}"
def whole(x): return x.split(".")[0]  # as the report has always shown throughput: truncated
def plural(n): return "" if n == "1" else "s"
def size_label(n): n = int(n); return f"{n // 10**6}m" if n % 10**6 == 0 else f"{n // 1000}k" if n % 1000 == 0 else str(n)


def photo_cpu_ms(fig, key):
    """The API's CPU per photo submission (an upload and a submission) over a photo run, in ms."""
    photos = float(fig[key + ".rps"]) / 2 * float(fig["settings.duration"])
    return 1000 * int(fig[key + ".api_ticks"]) / HZ / photos


def facts(pg_bin):
    def busy():
        fields = [int(x) for x in open("/proc/stat").readline().split()[1:]]
        return fields[3] + fields[4], sum(fields)
    idle0, total0 = busy(); time.sleep(1); idle1, total1 = busy()
    def version(*cmd):
        done = subprocess.run(cmd, capture_output=True, text=True)
        return (done.stdout + done.stderr).splitlines()[0]
    cpus = len(os.sched_getaffinity(0))
    info = open("/proc/cpuinfo").read()
    model = (re.findall(r"^model name\s*: (.*)$", info, re.M) or [os.uname().machine])[0]
    mem = int(re.search(r"^MemTotal:\s*(\d+)", open("/proc/meminfo").read(), re.M).group(1))
    wrk = " ".join(version("wrk", "-v").split(" ")[:2])
    print(f"- Date: {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}\n"
          f"- Machine: {cpus} CPUs ({model}), {mem / 1048576:.1f} GiB RAM, CPU busy just before the run: "
          f"{100 * (1 - (idle1 - idle0) / (total1 - total0)):.0f}%\n"
          f"- Software: {version(pg_bin + '/postgres', '--version')}, .NET {version('dotnet', '--version')}, {wrk}\n"
          f"- pgbench, wrk, the API and PostgreSQL all share these {cpus} CPUs: the load generators take CPU from the systems they measure.")


def latencies(paths):
    values = sorted(float(line.split()[2]) for p in paths if os.path.exists(p) for line in open(p) if line.strip())
    if values:
        print(" ".join(f"{values[max(1, math.ceil(len(values) * p / 100)) - 1] / 1000:.2f}" for p in (50, 95, 99)))


def bench_line(path):
    line = next((l for l in open(path, errors="replace") if l.startswith("BENCH ok=")), None)
    if line is None: sys.exit("no BENCH line")
    f = dict(re.findall(r" (\w+)=([0-9.]+)", " " + line[6:]))
    if f["bad"] != "0" or f["socket_errors"] != "0" or f["ok"] == "0":
        sys.exit(f"{f['ok']} expected answers, {f['bad']} unexpected, {f['socket_errors']} socket errors")
    print(f["rps"], *(f"{int(f[k]) / 1000:.2f}" for k in ("p50_us", "p95_us", "p99_us")))


def read_figures(path):
    """The key/value figures, and the CPU rows: label, clients, and each part in % of one CPU."""
    fig, cpu = {}, []
    for line in open(path, encoding="utf-8"):
        parts = line.rstrip("\n").split("\t")
        if parts[0] != "cpu":
            fig[parts[0]] = parts[1]
            continue
        label, clients, api, pg, everything, gen, wall0, wall1 = parts[1:]
        wall, gen = float(wall1) - float(wall0), sum(float(x) for x in gen.split())
        api_s = None if api == "-" else int(api) / HZ
        other = max(0.0, int(everything) / HZ - (api_s or 0) - int(pg) / HZ - gen)
        pct = lambda seconds: 100 * seconds / wall
        cpu.append((label, clients, None if api_s is None else pct(api_s), pct(int(pg) / HZ), pct(gen), pct(other)))
    return fig, cpu


def render(path):
    fig, cpu = read_figures(path)
    g = fig.get
    s = {k[9:]: v for k, v in fig.items() if k.startswith("settings.")}
    clients, photo_clients, queue_clients = s["clients"].split(), s["photo_clients"].split(), s["queue_clients"].split()
    out = f"## Benchmark: the API against raw PostgreSQL and the bare stack\n\n{open(fig['facts'], encoding='utf-8').read().rstrip()}\n"
    if "pgbench.insert.32.tps" in fig:
        out += (f"- pgbench: -M prepared, -j {s['threads']}, {s['duration']}s per run over TCP 127.0.0.1; a complaint-sized single-row INSERT, "
                f"and a SELECT by unique tracking code among {s['rows']} rows (bench/pgbench-*.sql). Latency percentiles from pgbench's per-transaction log.\n")
    if "api.peak_mib" in fig:
        options = f" Experiment: API connection string + `{s['api_db_options']}`." if s["api_db_options"] else ""
        options += f" Experiment: API environment `{s['api_env']}`." if s.get("api_env") else ""
        out += (f"- API: Release build, logging as `make run` has it (a text line a request), warmed up for {s.get('warmup', '?')} s of submissions and half as long of lookups before measuring (until the JIT has finished its tiers); wrk -t {s['threads']}, "
                f"{s['duration']}s per run, keep-alive. Every answer checked: all POSTs 201, all GETs 200.{options} A submission stores the complaint, its "
                "first two timeline events and its counters in one transaction; a lookup reads the case and its public timeline and verifies the query password.\n")
    if "pgbench.insert.32.tps" in fig:
        bare = "bare.insert.32.rps" in fig
        out += ("\n| Operation | Clients | pgbench tps (p50 / p99 ms) | bare stack req/s (p50 / p99 ms) | API req/s | API p50 / p99 ms "
                "| API / pgbench | API / bare stack |\n|---|---:|---:|---:|---:|---:|---:|---:|\n")
        for op, label in (("insert", "submit · INSERT"), ("select", "track · SELECT")):
            for c in clients:
                pg, b, api = f"pgbench.{op}.{c}", f"bare.{op}.{c}", f"api.{op}.{c}"
                bare_cell = f"{whole(fig[b + '.rps'])} ({fig[b + '.p50']} / {fig[b + '.p99']})" if b + ".rps" in fig else "–"
                api_cells = (f"{whole(fig[api + '.rps'])} | {fig[api + '.p50']} / {fig[api + '.p99']} | {ratio(fig[api + '.rps'], fig[pg + '.tps'])}% | "
                             + (f"{ratio(fig[api + '.rps'], fig[b + '.rps'])}%" if b + ".rps" in fig else "–")
                             if api + ".rps" in fig else "– | – | – | –")
                out += f"| {label} | {c} | {whole(fig[pg + '.tps'])} ({fig[pg + '.p50']} / {fig[pg + '.p99']}) | {bare_cell} | {api_cells} |\n"
    if "api.peak_mib" in fig:
        out += f"\nAPI peak memory (VmHWM of the dotnet process, warm-up included): **{fig['api.peak_mib']} MiB**\n"
    if "photo.peak_mib" in fig:
        out += (f"\nA submission with one photo and an `Idempotency-Key`: `POST /api/v1/uploads` (checked by magic bytes, decoded, turned upright, "
                "shrunk, re-encoded without metadata, stored), then `POST /api/v1/complaints` naming it. Two photos: bench/photo.jpg, 2560×1920 "
                f"({fig['photo.2560.kib']} KiB) — the size the web client shrinks larger photos to — and a 12 MP phone photo, 4000×3000 "
                f"({fig['photo.12mp.kib']} KiB, EXIF orientation 6), as other clients send it. An API started for these runs; wrk, one connection "
                f"per thread, {s['duration']}s per run after twelve uploads over four connections to warm up, every answer 201 within 30 s. "
                "CPU: the API process's, per photo submission.\n\n"
                "| Photo | Connections | requests/s | submissions with a photo /s | API CPU ms per photo | photos /s per core | "
                "p50 / p99 ms (either request) | API peak RSS during the run |\n|---|---:|---:|---:|---:|---:|---:|---:|\n")
        for photo, label in PHOTOS.items():
            for c in photo_clients:
                p = f"photo.{photo}.{c}"
                ms = photo_cpu_ms(fig, p)
                out += (f"| {label} | {c} | {whole(fig[p + '.rps'])} | {float(fig[p + '.rps']) / 2:.1f} | {ms:.0f} | {1000 / ms:.1f} | "
                        f"{fig[p + '.p50']} / {fig[p + '.p99']} | {fig[p + '.peak_mib']} MiB |\n")
        out += (f"\nAPI peak memory during the photo runs: **{fig['photo.peak_mib']} MiB**. "
                f"{fig['photo.files']} photos stored, {fig['photo.stored_kib']} KiB in all.\n")
    if "notify.emails_per_s" in fig:
        med = lambda body, key: statistics.median(float(fig[f"notify.{body}.{r}.{key}"]) for r in (1, 2, 3))
        plain, consent = med("plain", "rps"), med("consent", "rps")
        out += (f"\nNotifications. A submission with consent to SMS and email (`notifyBy`, two outbox rows written by the submission's statement) "
                f"against the same submission without consent, 32 connections, {s['duration']}s per run, three runs each, alternating; the "
                "dispatcher idle meanwhile (delivery is asynchronous):\n\n"
                "| Submission | req/s (median of 3) | p50 / p99 ms (median of 3) |\n|---|---:|---:|\n"
                f"| without consent | {plain:.0f} | {med('plain', 'p50'):.2f} / {med('plain', 'p99'):.2f} |\n"
                f"| with SMS + email | {consent:.0f} | {med('consent', 'p50'):.2f} / {med('consent', 'p99'):.2f} |\n"
                f"\nWith notifications: **{100 * consent / plain:.1f}%** of the throughput without (goal: within 10%, i.e. ≥ 90%). "
                f"The dispatcher sent {fig['notify.emails']} emails to aiosmtpd on loopback in {fig['notify.seconds']} s: "
                f"**{fig['notify.emails_per_s']} emails/s** (goal: ≥ 200), API peak memory {fig['notify.peak_mib']} MiB.\n")
    if "api.insert.32.rps" in fig and "bare.insert.32.rps" in fig:
        submit, track = ratio(fig["api.insert.32.rps"], fig["bare.insert.32.rps"]), ratio(fig["api.select.32.rps"], fig["bare.select.32.rps"])
        peak = max(float(fig[k]) for k in ("api.peak_mib", "photo.peak_mib", "notify.peak_mib") if k in fig)
        verdict = lambda ok: "met" if ok else "**short**"
        at_least = lambda r, target: f"{r}% | {verdict(float(r) >= target)}"
        within = lambda key: f"{fig[key]} ms | {verdict(float(fig[key]) <= 50)}"
        out += ("\n| Goal (32 connections) | Measured | Result |\n|---|---:|---|\n"
                f"| Submission ≥ 60% of the bare stack's INSERT rate | {at_least(submit, 60)} |\n"
                f"| Lookup ≥ 80% of the bare stack's SELECT rate | {at_least(track, 80)} |\n"
                f"| Submission p99 ≤ 50 ms | {within('api.insert.32.p99')} |\n"
                f"| Lookup p99 ≤ 50 ms | {within('api.select.32.p99')} |\n"
                f"| API peak memory (VmHWM) < 300 MiB through the citizen benchmarks (submission, lookup, photo, notifications) | {peak:.0f} MiB | {verdict(peak < 300)} |\n")
    out += (f"\nCPU used during each run, in % of one CPU (the machine has {int(fig['machine.cpus']) * 100}%):\n\n"
            "| Run | Clients | dotnet (API) | postgres | load generator (pgbench / wrk) | other processes |\n|---|---:|---:|---:|---:|---:|\n")
    for label, c, *parts in cpu:
        out += f"| {label} | {c} | " + " | ".join("–" if p is None else f"{p:.0f}%" for p in parts) + " |\n"
    out += "\n"
    if "profile.seconds" in fig:
        out += profile_report(fig)
    if "queue.rows" in fig:
        out += queue_report(fig, s, queue_clients)
    if "metrics.seconds" in fig:
        out += metrics_report(fig, s)
    max_other = round(max([0.0] + [row[5] for row in cpu]))
    if max_other > 15:
        out += (f"**Other processes used up to {max_other}% of a CPU during a measured run: the machine was not quiet, "
                "so these numbers are skewed; run again when it is.**\n\n")
    return out + f"Run took {fig['bench.seconds']} s."


def profile_report(fig):
    ops = [op for op in ("submit", "track") if f"profile.{op}.requests" in fig]
    heads = {"submit": "submission", "track": "lookup"}
    out = (f"### Where the CPU of a request goes\n\nAt 32 connections for {fig['profile.seconds']} s each, the API as `make run` serves it, sampled by perf "
           "(bench/profile.sh; a sample goes to the innermost frame bench/profile.py recognises, kernel time to the code that entered the kernel): "
           + ", ".join(f"{thousands(fig[f'profile.{op}.requests'])} {heads[op]}s" for op in ops) + ". µs of CPU per request:\n\n")
    for side, title in (("api", "API process"), ("pg", "PostgreSQL backends")):
        us = {op: {k.split(".", 3)[3]: float(v) for k, v in fig.items() if k.startswith(f"profile.{op}.{side}.")} for op in ops}
        names = sorted({n for op in ops for n in us[op]}, key=lambda n: -us[ops[0]].get(n, 0))
        out += (f"| {title} | " + " | ".join(heads[op] for op in ops) + " |\n|---|" + "---:|" * len(ops) + "\n"
                + "".join(f"| {n} | " + " | ".join(f"{us[op].get(n, 0):.0f}" for op in ops) + " |\n" for n in names)
                + "| **total** | " + " | ".join(f"**{sum(us[op].values()):.0f}**" for op in ops) + " |\n\n")
    for op in ops:
        n = int(fig[f"profile.{op}.requests"])
        statements = sorted({k.split(".")[3] for k in fig if k.startswith(f"profile.{op}.sql.")}, key=int)
        out += (f"Statements of the {heads[op]}s by execution time (pg_stat_statements, track = all: statements inside triggers too):\n\n"
                "| calls per request | µs per request | statement |\n|---:|---:|---|\n")
        for i in statements:
            text = fig[f"profile.{op}.sql.{i}.text"].replace("|", "\\|")
            out += f"| {int(fig[f'profile.{op}.sql.{i}.calls']) / n:.2f} | {fig[f'profile.{op}.sql.{i}.us']} | `{text}` |\n"
        out += "\n"
    if "profile.plan" in fig:
        plan = open(fig["profile.plan"], encoding="utf-8").read()
        lines = [l.strip() for l in plan.splitlines() if "psql" not in l and re.search(r"Trigger |duration: .* ms  plan:", l)]
        out += ("One submission as PostgreSQL ran it (auto_explain with ANALYZE, BUFFERS, triggers and nested statements; the whole plan is in "
                "bench/results/plans/submission.txt):\n\n```\n" + "\n".join(re.sub(r"^.*LOG:\s+", "", l) for l in lines) + "\n```\n")
    costs = [(k[len("profile.insert."):-3], v) for k, v in fig.items() if k.startswith("profile.insert.")]
    if costs:
        out += ("\nWhat each index and trigger of `complaints` adds to one case: the cases just submitted inserted again one statement each, "
                "with everything and without each part in turn (each in a transaction rolled back, then VACUUM; fastest of three rounds):\n\n"
                "| part | µs per case |\n|---|---:|\n" + "".join(f"| {part} | {us} |\n" for part, us in costs))
    return out + "\n"


def queue_report(fig, s, queue_clients):
    q = {k[6:]: v for k, v in fig.items() if k.startswith("queue.")}
    goal = max(queue_clients, key=int)
    out = (f"### The staff queue at {thousands(q['rows'])} complaints\n\n"
           f"- Data (bench/queue-data.py, loaded with COPY by bench/queue-load.sh in {q['load_seconds']} s): {thousands(q['rows'])} complaints over two years, "
           f"{q['open_pct']}% open, {thousands(q['events'])} timeline events, {q['size']} with indexes; the enforcement brigade's queue holds "
           f"{thousands(q['enforcement'])} cases ({thousands(q['enforcement_open'])} open); 偷排 appears in {thousands(q['hits'])} descriptions, "
           f"街道 in the text of {thousands(q['common_hits'])} cases; "
           f"descriptions average {q['description_length']} characters.\n"
           "- Each API request: the session check, then the page (25 cases, earliest deadline first) and the counts per status (from the counters); a "
           "search reads the queue in that order until its page is full and answers without counts. pgbench runs the very statements the API sent with "
           f"the same parameters (read back from the server log), -M prepared, -j {s['threads']}, {s['queue_duration']}s per run. API: wrk, "
           f"{s['queue_duration']}s per run after a 5 s warm-up, every answer checked (200 with cases on the page). Goals are judged at {goal} "
           f"connection{plural(goal)}.\n\n"
           "| Request | Clients | pgbench tps | pgbench p50 / p95 / p99 ms | API req/s | API p50 / p95 / p99 ms | API / pgbench |\n"
           "|---|---:|---:|---:|---:|---:|---:|\n")
    goals = ""
    for name, (label, target, _) in QUEUE.items():
        for c in queue_clients:
            pg, api = f"pgbench.{name}.{c}.", f"api.{name}.{c}."
            out += (f"| {label} | {c} | {whole(fig[pg + 'tps'])} | {fig[pg + 'p50']} / {fig[pg + 'p95']} / {fig[pg + 'p99']} | {whole(fig[api + 'rps'])} | "
                    f"{fig[api + 'p50']} / {fig[api + 'p95']} / {fig[api + 'p99']} | {ratio(fig[api + 'rps'], fig[pg + 'tps'])}% |\n")
        p95 = fig[f"api.{name}.{goal}.p95"]
        goals += f"| {label}: p95 < {target} ms | {p95} ms | {'PASS' if float(p95) < target else 'SHORT'} |\n"
    if "exact_counts.clerk.p50" in q:
        goals += "".join(f"| 街道 with counts=exact (统计件数, every match counted; one connection) · {who}: no goal | "
                         f"p50 {q[f'exact_counts.{who}.p50']} / p95 {q[f'exact_counts.{who}.p95']} ms | — |\n" for who in ("clerk", "leader"))
    plans = open(q["plans"], encoding="utf-8").read()
    return out + (f"\n| Goal (API p95, at {goal} connection{plural(goal)}) | Measured | Result |\n|---|---:|---|\n{goals}\n"
                  "What each statement's plan scans (EXPLAIN ANALYZE of the request above; full plans in bench/results/plans/):\n\n"
                  f"```\n{plans}```\n\nAPI peak memory in the queue phase: {q['peak_mib']} MiB. "
                  f"The queue phase took {q['seconds']} s, the load {q['load_seconds']} s of it.\n\n")


def metrics_report(fig, s):
    sizes = s["metrics_rows"].split()
    small, large = sizes[0], sizes[-1]
    m = lambda size, route, what: fig[f"metrics.{size}.{route}.{what}"]
    data = ""
    for size in sizes:
        rows, events, year, evals, reviews, merged, pinned, supported, *db_size = fig[f"metrics.{size}.facts"].split()
        data += (f"- {thousands(rows)} complaints ({fig[f'metrics.{size}.load']}): {thousands(events)} timeline events ({int(events) / int(rows):.1f} per case), "
                 f"{' '.join(db_size)} with indexes; in the measured year {thousands(year)} submitted, {thousands(evals)} evaluations, {thousands(reviews)} reviews; "
                 f"{thousands(merged)} merged, {thousands(pinned)} pinned on the map, {thousands(supported)} with supports. The API folded the change log of the "
                 f"bulk load into the counters in {fig[f'metrics.{size}.fold_seconds']} s ({fig[f'metrics.{size}.counters']} of counters). "
                 + (f"API peak memory through the fold {fig[f'metrics.{size}.fold_peak_mib']} MiB, through the requests " if f"metrics.{size}.fold_peak_mib" in fig
                    else "API peak memory through the requests ") + f"{fig[f'metrics.{size}.peak_mib']} MiB.\n")
    header = "| Route |" + "".join(f" {thousands(size)}: answers | p50 / p95 / p99 ms | SQL ms | CPU ms PostgreSQL / API |" for size in sizes)
    rule = "|---|" + "---:|---:|---:|---:|" * len(sizes)
    if small != large:
        header, rule = header + " p50 / p95 ratio |", rule + "---:|"
    rows = goals = ratio_goals = ""
    for route, (label, _) in ROUTES.items():
        rows += f"| {label} |" + "".join(f" {m(size, route, 'count')} | {m(size, route, 'p50')} / {m(size, route, 'p95')} / {m(size, route, 'p99')} | "
                                         f"{m(size, route, 'sql_ms')} | {m(size, route, 'cpu_ms')} |" for size in sizes)
        if small != large:
            p50r, p95r = (f"{float(m(large, route, p)) / float(m(small, route, p)):.1f}" for p in ("p50", "p95"))
            rows += f" {p50r}× / {p95r}× |"
            ratio_goals += (f"| {label}: p95 at {thousands(large)} ÷ p95 at {thousands(small)} < 2 | {p95r}× | "
                            f"{'PASS' if float(p95r) < 2 else 'SHORT'} |\n")
        rows += "\n"
        p95 = m(large, route, "p95")
        goals += f"| {label}: p95 < 100 ms at {thousands(large)} | {p95} ms | {'PASS' if float(p95) < 100 else 'SHORT'} |\n"
    for size in sizes:
        per_million = float(fig[f"metrics.{size}.fold_seconds"]) / (int(size) / 1e6)
        goals += (f"| the fold after a bulk load or a recount at {thousands(size)}: < 60 s per million cases | {per_million:.0f} s per million | "
                  f"{'PASS' if per_million < 60 else 'SHORT'} |\n")
    plans = open(fig["metrics.plans"], encoding="utf-8").read()
    return (f"### Leadership metrics at {' and '.join(thousands(size) for size in sizes)} complaints\n\n"
            "- Data (bench/queue-data.py, COPY by bench/queue-load.sh): complaints over the two years before the run, with decisions, deadlines, extensions, "
            "results, evaluations (55% of resolved cases), reviews, supports and map pins, and their timeline events.\n"
            f"{data}- Each request as the leader, for one year: {fig['metrics.from']} to {fig['metrics.to']} (the summary also computes the year before). "
            f"bench/metrics-client.py sends it back to back on {s['metrics_clients']} connections at once (at least {s['metrics_requests']} answers and {s['metrics_seconds']} s per view, "
            "after two warm-up requests), every answer checked (200 with figures); percentiles nearest-rank over the answers. \"SQL ms\" is MetricsCalculator's "
            "one statement under EXPLAIN ANALYZE (auto_explain, one request; timing adds a little); \"CPU ms\" is the CPU time PostgreSQL and the API used per "
            "request over the run, which other work on the machine does not inflate as it does latency.\n\n"
            f"{header}\n{rule}\n{rows}\n| Goal (leadership metrics) | Measured | Result |\n|---|---:|---|\n{goals}{ratio_goals}\n"
            "What each statement's plan scans (EXPLAIN ANALYZE of one request; full plans in bench/results/plans/plans-metrics-*.txt):\n\n"
            f"```\n{plans}```\n\nThe metrics phase took {fig['metrics.seconds']} s.\n\n")


def history(path, csv_path):
    """Appends one row per figure of the report: date,commit,benchmark,metric,value,unit."""
    fig, cpu = read_figures(path)
    rows = []
    def add(benchmark, metric, value, unit):
        rows.append((benchmark, metric, value, unit))
    def latency_rows(benchmark, prefix, key, percentiles):
        for p in percentiles: add(benchmark, f"{prefix}_{p}", fig[f"{key}.{p}"], "ms")
    def pretty(benchmark, text):  # pg_size_pretty: "43 MB"
        value, unit = text.split(); add(benchmark, "size", value, unit)
    sizes = fig.get("settings.metrics_rows", "").split()
    for op, bench in (("insert", "submit"), ("select", "track")):
        for c in fig["settings.clients"].split():
            pg, api, b = f"pgbench.{op}.{c}", f"api.{op}.{c}", f"{bench}.c{c}"
            if pg + ".tps" in fig:
                add(b, "pgbench_tps", f"{float(fig[pg + '.tps']):.1f}", "tps"); latency_rows(b, "pgbench", pg, ("p50", "p99"))
            if f"bare.{op}.{c}.rps" in fig:
                add(b, "bare_rps", fig[f"bare.{op}.{c}.rps"], "req/s"); latency_rows(b, "bare", f"bare.{op}.{c}", ("p50", "p99"))
            if api + ".rps" in fig:
                add(b, "api_rps", fig[api + ".rps"], "req/s"); latency_rows(b, "api", api, ("p50", "p99"))
                add(b, "api_vs_pgbench", ratio(fig[api + ".rps"], fig[pg + ".tps"]), "%")
                if f"bare.{op}.{c}.rps" in fig: add(b, "api_vs_bare", ratio(fig[api + ".rps"], fig[f"bare.{op}.{c}.rps"]), "%")
    for key, value in fig.items():
        parts = key.split(".", 3)
        if parts[0] != "profile": continue
        if parts[1] in ("submit", "track") and len(parts) == 4 and parts[2] in ("api", "pg"):
            add(f"profile.{parts[1]}.{parts[2]}", parts[3], value, "us/request")
        elif parts[1] == "insert": add("profile.insert", key[len("profile.insert."):-3], value, "us/case")
    if "api.peak_mib" in fig: add("api", "peak_rss_without_photos", fig["api.peak_mib"], "MiB")
    if "photo.peak_mib" in fig:
        for photo, bench in (("2560", "submit-photo"), ("12mp", "submit-photo-12mp")):
            for c in fig["settings.photo_clients"].split():
                p, b = f"photo.{photo}.{c}", f"{bench}.c{c}"
                add(b, "api_rps", fig[p + ".rps"], "req/s"); add(b, "photo_submissions_per_s", f"{float(fig[p + '.rps']) / 2:.1f}", "/s")
                latency_rows(b, "api", p, ("p50", "p99")); add(b, "api_rss_after", fig[p + ".rss_mib"], "MiB")
                add(b, "api_peak_rss", fig[p + ".peak_mib"], "MiB"); add(b, "api_cpu_per_photo", f"{photo_cpu_ms(fig, p):.0f}", "ms")
        add("api", "peak_rss_with_photos", fig["photo.peak_mib"], "MiB")
        add("photo", "stored_files", fig["photo.files"], "files"); add("photo", "stored_size", fig["photo.stored_kib"], "KiB")
    if "notify.emails_per_s" in fig:
        for body in ("plain", "consent"):
            add("notify", f"submit_{body}_rps", f"{statistics.median(float(fig[f'notify.{body}.{r}.rps']) for r in (1, 2, 3)):.0f}", "req/s")
        add("notify", "dispatch_emails_per_s", fig["notify.emails_per_s"], "emails/s"); add("notify", "peak_rss", fig["notify.peak_mib"], "MiB")
    if "queue.rows" in fig:
        label = size_label(fig["queue.rows"])
        size = "" if label == "1m" else f".{label}"  # the queue's figures at 1,000,000 have no size in their names
        for name, (_, _, bench) in QUEUE.items():
            for c in fig["settings.queue_clients"].split():
                pg, api, b = f"pgbench.{name}.{c}", f"api.{name}.{c}", f"{bench}{size}.c{c}"
                add(b, "pgbench_tps", f"{float(fig[pg + '.tps']):.1f}", "tps"); latency_rows(b, "pgbench", pg, ("p50", "p95", "p99"))
                add(b, "api_rps", fig[api + ".rps"], "req/s"); latency_rows(b, "api", api, ("p50", "p95", "p99"))
                add(b, "api_vs_pgbench", ratio(fig[api + ".rps"], fig[pg + ".tps"]), "%")
        for who in ("clerk", "leader"):
            if f"queue.exact_counts.{who}.p50" in fig:
                latency_rows(f"queue.exact_counts.{who}{size}", "api", f"queue.exact_counts.{who}", ("p50", "p95"))
        add("queue.load", "duration", fig["queue.load_seconds"], "s"); pretty(f"queue.cases.{label}", fig["queue.size"])
        add("queue", "api_peak_rss", fig["queue.peak_mib"], "MiB"); add("queue.phase", "duration", fig["queue.seconds"], "s")
    if "metrics.seconds" in fig:
        for size in sizes:
            label, key = size_label(size), f"metrics.{size}"
            for route, (_, name) in ROUTES.items():
                b, k = f"metrics.{name}.{label}", f"{key}.{route}"
                latency_rows(b, "api", k, ("p50", "p95", "p99")); add(b, "answers", fig[k + ".count"], "answers")
                add(b, "sql_time", fig[k + ".sql_ms"], "ms")
                pg_ms, api_ms = fig[k + ".cpu_ms"].split(" / ")
                add(b, "cpu_postgres_per_request", pg_ms, "ms"); add(b, "cpu_api_per_request", api_ms, "ms")
            pretty(f"metrics.cases.{label}", " ".join(fig[f"{key}.facts"].split()[8:]))
            load = re.fullmatch(r"loaded in (\d+) s", fig[f"{key}.load"])
            if load: add(f"metrics.load.{label}", "duration", load.group(1), "s")
            add(f"metrics.fold.{label}", "duration", fig[f"{key}.fold_seconds"], "s")
            counters, counters_size = fig[f"{key}.counters"].split(" rows, ")
            add(f"metrics.counters.{label}", "rows", counters, "rows"); pretty(f"metrics.counters.{label}", counters_size)
            add(f"metrics.api.{label}", "peak_rss", fig[f"{key}.peak_mib"], "MiB")
            if f"{key}.fold_peak_mib" in fig: add(f"metrics.fold.{label}", "api_peak_rss", fig[f"{key}.fold_peak_mib"], "MiB")
        small, large = sizes[0], sizes[-1]
        if small != large:
            for route, (_, name) in ROUTES.items():
                for p in ("p50", "p95"):
                    value = float(fig[f"metrics.{large}.{route}.{p}"]) / float(fig[f"metrics.{small}.{route}.{p}"])
                    add(f"metrics.{name}", f"{p}_ratio_{size_label(large)}_over_{size_label(small)}", f"{value:.1f}", "x")
        add("metrics.phase", "duration", fig["metrics.seconds"], "s")
    for label, c, *parts in cpu:
        b = "cpu." + re.sub(r"[^a-z0-9]+", "_", label.lower().replace(",", "")).strip("_") + f".c{c}"
        for part, value in zip(("dotnet", "postgres", "generator", "other"), parts):
            if value is not None: add(b, part, f"{value:.0f}", "%cpu")
    add("bench.total", "duration", fig["bench.seconds"], "s")
    text = open(csv_path, encoding="utf-8").read() if os.path.exists(csv_path) else ""
    with open(csv_path, "a", encoding="utf-8") as out:
        if not text: out.write("date,commit,benchmark,metric,value,unit\n")
        elif not text.endswith("\n"): out.write("\n")
        for row in rows: out.write(",".join((fig["run.date"], fig["run.commit"]) + row) + "\n")
    print(f"{len(rows)} figures appended to {csv_path}", file=sys.stderr)


if __name__ == "__main__":
    command, args = sys.argv[1], sys.argv[2:]
    if command == "facts": facts(*args)
    elif command == "latencies": latencies(args)
    elif command == "bench-line": bench_line(*args)
    elif command == "per-request": print(" / ".join(f"{1000 * int(t) / HZ / int(args[2]):.0f}" for t in args[:2]))
    elif command == "half": print(f"{float(args[0]) / 2:.1f}")
    elif command == "thousands": print(thousands(args[0]))
    elif command == "render": print(render(*args))
    elif command == "history": history(*args)
    else: sys.exit(__doc__)
