# The two commands of the README are `make run` and `make test`; the rest are tools.
.PHONY: run test migrate admin openapi bench db-stop backup restore cluster cluster-stop chaos

run:      ## install what is missing, start the local database, serve API + client on :8080
	@bash scripts/run.sh

test:     ## the same set-up, then every test; ends with "N passed, N failed"
	@bash scripts/test.sh

migrate:  ## apply db/migrations to FEEDBACK_DB (or the local database)
	@bash scripts/run.sh migrate

admin:    ## create the first administrator (FEEDBACK_ADMIN_USERNAME, default admin; asks for the password)
	@bash scripts/run.sh admin

openapi:  ## rewrite openapi.yaml from the API and regenerate the client's types
	@bash scripts/openapi.sh

bench:    ## measure the API against raw PostgreSQL (pgbench) on a fresh database; ONLY=queue runs one benchmark (bench/run.sh)
	@$(if $(ONLY),BENCH_ONLY="$(ONLY)" )bash bench/run.sh

db-stop:  ## stop the local database started by `make run`
	@bash scripts/pg-cluster.sh stop .data/pg

backup:   ## a verified base backup of the local database into .data/backups/<UTC time>/, keeping the newest 7 (BACKUP_KEEP)
	@bash scripts/backup.sh backup

restore:  ## the newest backup into a fresh .data/pg, rolled forward through the WAL archive; TARGET_TIME='2026-12-06 10:00:00+08' for a point in time, BACKUP=DIR to choose, STOP=1 to stop the running database
	@bash scripts/backup.sh restore

cluster:  ## the production topology on loopback: HAProxy on :8080, two API instances, Patroni primary + sync standby, etcd (.data/cluster)
	@bash scripts/cluster.sh start

cluster-stop: ## stop everything `make cluster` started
	@bash scripts/cluster.sh stop

chaos:    ## failures under load on a cluster of its own (.data/chaos): instance killed, rolling restart, primary killed, standby stopped, database unreachable; ends "chaos: acknowledged N, lost 0, duplicates 0, unexpected 5xx 0"
	@bash scripts/chaos.sh
