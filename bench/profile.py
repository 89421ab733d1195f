#!/usr/bin/env python3
"""Where a submission's CPU goes, for bench/profile.sh.

    profile.py parts api|pg OP REQUESTS FIGURES   reads `perf script` from stdin; appends
                                                  profile.OP.<api|pg>.<part> (µs of CPU per request)
    profile.py insert-costs ROWS COLUMNS < PARTS  a psql script that inserts ROWS cases one statement
                                                  each (as the API does), with everything and without
                                                  each part ("index X", "constraint X", "trigger X")
                                                  in turn; it prints "part<TAB>µs per case"

A sample goes to the part of the innermost frame (leaf first) that matches one of the patterns
below, in their order within that frame; kernel frames (system calls, the network stack, the
scheduler) count for the code that entered the kernel.
"""
import re
import sys

# (part, pattern on the symbol or its library). Checked for each frame from the leaf up.
API_PARTS = [
    ("JIT", r"libclrjit"),
    ("runtime (GC, allocation, type checks, stubs)", r"libcoreclr"),
    ("logging", r"Microsoft\.Extensions\.Logging|SimpleConsoleFormatter|ConsoleLogger|Feedback\.Api\.Infrastructure\.Observability\.Json"),
    ("JSON", r"System\.Text\.Json"),
    ("validation", r"FluentValidation|ComplaintFieldsValidator|\.Validator|ValidationBehavior|Consent|GuidedFields|CategoryIsKnown"),
    ("search lexemes", r"ComplaintSearch"),
    ("Dapper", r"^Dapper\.|Dapper\.SqlMapper"),
    ("Npgsql", r"Npgsql"),
    ("mediator", r"^Mediator\.|Mediator\.Mediator|IPipelineBehavior"),
    ("the API's own code", r"Feedback\.Api"),
    ("HTTP (Kestrel, routing, middleware)", r"Microsoft\.AspNetCore|System\.IO\.Pipelines|System\.Net\.Sockets|System\.Net\.Http"),
    ("thread pool and tasks", r"System\.Threading|ThreadPool"),
    ("other managed code", r"^System\.|^Microsoft\.|\[unknown\].*perf-\d+\.map"),
]
PG_PARTS = [
    ("commit and WAL flush", r"^XLogFlush$|^RecordTransactionCommit$|^issue_xlog_fsync$"),
    ("WAL records", r"^XLogInsert|^XLogRegister|^CopyXLogRecordToWAL$"),
    ("trigger: status counters", r"complaint_counts|^ExecOnConflictUpdate$"),
    ("triggers (PL/pgSQL, transition tables)", r"^plpgsql_|^exec_stmt|^ExecCallTriggerFunc$|^AfterTrigger|^tuplestore_"),
    ("index: GIN (search)", r"^gininsert$|^ginHeapTupleFastInsert$|^ginInsert|^ginInsertCleanup$"),
    ("index: B-tree", r"^btinsert$|^_bt_"),
    ("search vector (array_to_tsvector)", r"array_to_tsvector|^tsvector"),
    ("JSON", r"^jsonb_|^json_|JsonbValue|pushJsonbValue"),
    ("heap insert", r"^heap_insert$|^RelationGetBufferForTuple$|^heap_multi_insert$"),
    ("parse and plan", r"^raw_parser$|^parse_analyze|^pg_analyze_and_rewrite|^pg_plan_queries$|^planner$|^GetCachedPlan$|^RevalidateCachedQuery$|^pg_parse_query$"),
    ("executor", r"^Exec|^standard_Executor|^ExecutorRun$|^PortalRun"),
    ("transaction start and end", r"^StartTransaction|^CommitTransaction|^AbortTransaction|^BeginTransactionBlock"),
    ("protocol and network", r"^pq_|^secure_(read|write)$|^exec_(bind|execute|parse|describe)_message$|^PostgresMain$|^ReadCommand$"),
]


def frames_of(lines):
    """Each sample's frames (symbol, library), leaf first, from `perf script` text."""
    sample = []
    for line in lines:
        if not line.strip():
            if sample: yield sample
            sample = []
        elif line[0] in " \t":
            m = re.match(r"\s*[0-9a-f]+\s+(.*?)\s+\((.*)\)\s*$", line)
            if m: sample.append((re.sub(r"\+0x[0-9a-f]+$", "", m.group(1)), m.group(2)))
    if sample: yield sample


def part_of(sample, parts):
    for symbol, library in sample:
        kernel = library.startswith("[kernel")
        if kernel: continue
        for part, pattern in parts:
            if re.search(pattern, symbol) or re.search(pattern, library): return part
    return "kernel and other" if all(lib.startswith("[kernel") for _, lib in sample) else "other"


def parts(which, op, requests, figures):
    table = API_PARTS if which == "api" else PG_PARTS
    hz = 999 if which == "api" else 499  # perf record -F in bench/profile.sh
    counts = {}
    for sample in frames_of(sys.stdin):
        part = part_of(sample, table)
        counts[part] = counts.get(part, 0) + 1
    if not counts: sys.exit(f"no samples of {which}")
    with open(figures, "a", encoding="utf-8") as out:
        for part, n in sorted(counts.items(), key=lambda kv: -kv[1]):
            out.write(f"profile.{op}.{which}.{part}\t{n / hz * 1e6 / int(requests):.1f}\n")


def insert_costs(rows, columns, variants):
    """A psql script: each variant in its own transaction, rolled back, then VACUUM, so no variant
    pays for the dead rows of another; three rounds in rotating order; the fastest round counts."""
    cols = columns.split(",")
    fresh = {"tracking_code": "translate(upper(left(md5(random()::text), 12)), '01', 'XY')", "support_id": "gen_random_uuid()"}
    select = ", ".join(fresh.get(c, c) for c in cols)
    script = f"""\\set ON_ERROR_STOP 1
create temp table probe as
    select row_number() over () as n, c.* from (select * from complaints order by id desc limit {rows}) c;
create index on probe (n);
create temp table costs (part text, seconds float8);
create function pg_temp.insert_probe() returns float8 language plpgsql as $$
declare t0 timestamptz := clock_timestamp();
begin
    for i in 1..{rows} loop
        insert into complaints ({columns}) select {select} from probe where n = i;
    end loop;
    return extract(epoch from clock_timestamp() - t0);
end $$;
"""
    names = ["everything"] + variants
    for round in range(3):
        for name in names[round:] + names[:round]:
            kind, _, target = name.partition(" ")
            undo = {"index": f"drop index {target};", "constraint": f"alter table complaints drop constraint {target} cascade;",
                    "trigger": f"alter table complaints disable trigger {target};"}.get(kind, "")
            script += (f"begin;\n{undo}\nselect pg_temp.insert_probe() as seconds \\gset\nrollback;\n"
                       f"insert into costs values ('{name}', :seconds);\nvacuum complaints;\n")
    return script + f"""\\pset format unaligned
\\pset tuples_only on
\\pset fieldsep '\\t'
with best as (select part, min(seconds) as s from costs group by part)
select 'case row with everything', round((s * 1e6 / {rows})::numeric, 1) from best where part = 'everything'
union all
select b.part, round(((e.s - b.s) * 1e6 / {rows})::numeric, 1) from best b, best e where e.part = 'everything' and b.part <> 'everything';
"""


if __name__ == "__main__":
    command, *args = sys.argv[1:]
    if command == "parts": parts(*args)
    elif command == "insert-costs": print(insert_costs(int(args[0]), args[1], [line.strip() for line in sys.stdin if line.strip()]))
    else: sys.exit(f"unknown command {command}")
