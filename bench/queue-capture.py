#!/usr/bin/env python3
"""What the API asked PostgreSQL for one request, read back from the server log.

    queue-capture.py LOG START END NAME OUT_DIR

LOG is the server log; START and END are byte offsets around one API request made while
log_min_duration_statement = 0 and auto_explain (log_analyze, log_buffers) were on. Writes:

    OUT_DIR/plans-NAME.txt     every statement of the request, its parameters and its plan as run
                               (EXPLAIN ANALYZE, BUFFERS, from auto_explain)
    OUT_DIR/pgbench-NAME.sql   the same statements as a pgbench script: $n of statement k
                               becomes the variable :sk_n
    OUT_DIR/pgbench-NAME.vars  the variables' values, "name=value" a line (for pgbench -D)

and prints one summary line per statement: "NAME kind: what the plan scans (its time)" (index
names, or "Seq Scan on table"; the time is EXPLAIN ANALYZE's, so a little above the statement's
own), where kind is session (the sign-in check), page, counts, page+counts (a search reads its
matches once for both), or metrics (MetricsCalculator's one statement).

A statement the API runs in a transaction of its own with settings of its own (BEGIN, SET LOCAL,
the statement, COMMIT: the queue's walk in its order, planned without sorts) keeps them in the
pgbench script, so pgbench plans it the same way; they get no summary line.
"""
import re
import sys

# "%m [%p] %a: " (as bench/lib-api.sh sets log_line_prefix) or the default "%m [%p] ".
ENTRY = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(?:\.\d+)? \S+ \[(\d+)\] (?:([^:\n]*): )?(LOG|DETAIL):  ", re.M)
PARAM = re.compile(r"\$(\d+) = (NULL|'(?:[^']|'')*')")
SCAN = re.compile(r"(Index Only Scan|Index Scan|Bitmap Index Scan|Seq Scan)(?: Backward)? (?:using|on) (\S+)")
IGNORED_APPS = {"psql", "pgbench"}


def entries(text):
    marks = list(ENTRY.finditer(text))
    for i, mark in enumerate(marks):
        end = marks[i + 1].start() if i + 1 < len(marks) else len(text)
        yield mark.group(1), mark.group(2), mark.group(3), text[mark.end():end].rstrip("\n")


def kind(sql):
    if re.match(r"(begin|set local|commit)\b", sql, re.I):
        return "transaction"
    if "staff_sessions" in sql:
        return "session"
    if re.search(r"\bmetrics_(counts|changes|combinations|spans)\b", sql):
        return "metrics"
    if "group by" in sql:
        return "page+counts" if "order by" in sql else "counts"
    return "page"


def main(log, start, end, name, out):
    with open(log, "rb") as file:
        file.seek(start)
        text = file.read(end - start).decode("utf-8", "replace")
    statements = []  # [pid, sql, {n: literal}, plan]
    pending = {}  # pid -> the statement waiting for its parameters
    transactions = {}  # pid -> (its BEGIN and SET LOCALs, whether a queue statement ran in it)
    for pid, app, level, body in entries(text):
        if (app or "") in IGNORED_APPS:
            continue
        if level == "LOG" and " plan:" in body.split("\n", 1)[0]:
            # auto_explain logs when the portal closes, after the statement's own log line.
            query = body.split("Query Text: ", 1)[-1]
            for statement in reversed(statements):
                if statement[0] == pid and not statement[3] and query.startswith(statement[1]):
                    statement[3] = body
                    break
            continue
        executed = re.match(r"duration: [\d.]+ ms  (?:execute [^:]*|statement): (.*)", body, re.S)
        sql = executed.group(1).strip() if level == "LOG" and executed else ""
        if re.match(r"begin\b", sql, re.I):
            transactions[pid] = ([sql], False)
        elif re.match(r"set local\b", sql, re.I) and pid in transactions:
            transactions[pid][0].append(sql)
        elif re.match(r"commit\b", sql, re.I) and pid in transactions:
            if transactions.pop(pid)[1]:
                statements.append([pid, sql, {}, ""])
        # The request's own statements (not the catalog's periodic reloads, the reminder job nor the
        # metrics fold, which writes).
        elif sql.lower().startswith(("select", "with")) and not re.search(r"\b(insert into|delete from)\b", sql, re.I) \
                and re.search(r"\b(complaints|complaint_counts|staff_sessions|metrics_counts|metrics_changes)\b", sql):
            if pid in transactions:
                opened, _ = transactions[pid]
                statements.extend([pid, setting, {}, ""] for setting in opened)
                transactions[pid] = ([], True)
            statements.append([pid, sql, {}, ""])
            pending[pid] = statements[-1]
        elif sql and pid in transactions:
            transactions.pop(pid)  # another statement in it: not a transaction of the queue's
        elif level == "DETAIL" and body.startswith("parameters:") and pid in pending:
            pending.pop(pid)[2].update((int(n), value) for n, value in PARAM.findall(body))
    if not any(kind(sql) not in ("session", "transaction") for _, sql, _, _ in statements):
        sys.exit(f"queue-capture.py: no queue statement of the API found in the log for {name}")

    with open(f"{out}/plans-{name}.txt", "w", encoding="utf-8") as file:
        for _, sql, params, plan in statements:
            file.write(f"-- {kind(sql)}\n{sql}\n-- parameters: {', '.join(f'${n} = {v}' for n, v in sorted(params.items()))}\n{plan}\n\n")
    with open(f"{out}/pgbench-{name}.sql", "w", encoding="utf-8") as script, \
            open(f"{out}/pgbench-{name}.vars", "w", encoding="utf-8") as variables:
        for k, (_, sql, params, _) in enumerate(statements, 1):
            script.write(re.sub(r"\$(\d+)(?!\d)", lambda m: f":s{k}_{m.group(1)}", sql).rstrip(";") + ";\n")
            for n, value in sorted(params.items()):
                if value == "NULL":
                    sys.exit(f"queue-capture.py: a NULL parameter cannot be passed to pgbench ({name}, statement {k})")
                variables.write(f"s{k}_{n}={value[1:-1].replace(chr(39) * 2, chr(39))}\n")
    for _, sql, _, plan in statements:
        if kind(sql) == "transaction":
            continue
        scans = []
        for scan, target in SCAN.findall(plan):
            label = f"{scan} on {target}" if scan == "Seq Scan" else f"{scan} {target}"
            if label not in scans:
                scans.append(label)
        took = re.match(r"duration: ([\d.]+) ms", plan)
        print(f"{name} {kind(sql)}: {', '.join(scans) or 'no plan logged'}" + (f" ({float(took.group(1)):.2f} ms)" if took else ""))


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4], sys.argv[5])
