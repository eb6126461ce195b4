#!/usr/bin/env bash
# Prepares what the Go tests need and prints `export` lines for it on stdout
# (everything else goes to stderr), so a caller does:
#
#     env_out="$(scripts/testenv.sh)" && eval "$env_out"
#
# `make test` and `make bench` do exactly that. It provides:
#
#   YARDSTICK_TEST_POSTGRES_URL  postgres://yardstick_test:…@127.0.0.1:PORT/yardstick_test_<utc>_<pid>?sslmode=disable
#                                A new, empty database owned by the role, made for this run.
#                                The local cluster is started (and PostgreSQL installed with
#                                apt-get when missing and running as root) if needed.
#                                If the variable is already set, it is checked and used as is.
#   YARDSTICK_TEST_CHROMIUM      /usr/bin/chromium (installed with apt-get when missing and root).
#   YARDSTICK_TEST_PDFTOTEXT     /usr/bin/pdftotext and
#   YARDSTICK_TEST_PDFTOPPM      /usr/bin/pdftoppm from poppler-utils (installed likewise): the PDF
#                                export is read back and rendered as a viewer would.
#
#   YARDSTICK_TEST_CITUS_URL     postgres://…@127.0.0.1:CPORT/yardstick_test_<utc>_<pid>?sslmode=disable
#                                A database on a local Citus cluster: a coordinator and two workers,
#                                each a PostgreSQL 15 cluster (pg_createcluster 15 ys_citus_{coord,w1,w2})
#                                on loopback ports CPORT, CPORT+1, CPORT+2 (default 5460) with
#                                shared_preload_libraries = 'citus' and trust for loopback clients
#                                (they are throwaway test clusters). The clusters are made and
#                                started when missing; the database is made on all three nodes with
#                                the extension, and the workers are added. Citus itself is installed
#                                from ../shared/citus/install.sh (or YARDSTICK_TESTENV_CITUS_DIR)
#                                when missing; Debian's archive has no Citus package. The built
#                                extension is not kept in this repository: it is AGPL-licensed and
#                                would have to travel with its source.
#
# With CI=true (or 1) a missing PostgreSQL, Citus, Chromium or poppler-utils is fatal (exit 1). Otherwise a warning
# is printed, the variable is unset, and the tests that need it skip.
#
#     scripts/testenv.sh --drop   drops the databases this script created, as named by
#                                 YARDSTICK_TESTENV_CREATED_DB and YARDSTICK_TESTENV_CITUS_DB (`make test` does that on exit;
#                                 YARDSTICK_TEST_KEEP_DB=1 keeps it, to look at after a run).
#
# Knobs (environment):
#   YARDSTICK_CHROMIUM_PATH         Chromium to use instead of /usr/bin/chromium (never installed).
#   YARDSTICK_TESTENV_NO_INSTALL=1  never run apt-get.
#   YARDSTICK_TESTENV_PG_USER / YARDSTICK_TESTENV_PG_PASSWORD
#                                   role and password (default yardstick_test / yardstick_test;
#                                   must be URL-safe).
#   YARDSTICK_TESTENV_CITUS_PORT    first of the three Citus ports (default 5460).
#   YARDSTICK_TESTENV_NO_CITUS=1    do not set up Citus (the Citus cases skip; fatal under CI).
#   YARDSTICK_TESTENV_STALE_HOURS   yardstick_test_* databases older than this are dropped
#                                   (default 6; concurrent runs of other work trees are younger).
set -euo pipefail

# All stdout of this script is for the caller's eval: keep it on fd 3, send the rest to stderr.
exec 3>&1 1>&2

log() { printf 'testenv: %s\n' "$*"; }
is_ci() { case "${CI:-}" in true | TRUE | True | 1) return 0 ;; esac; return 1; }
emit() { printf 'export %s=%q\n' "$1" "$2" >&3; }

# missing VAR WHAT: the dependency could not be provided.
missing() {
	if is_ci; then
		log "ERROR: $2 is not available, and CI=$CI requires it (see the messages above)."
		exit 1
	fi
	log "WARNING: $2 is not available; continuing without $1, the tests that need it will skip."
	printf 'unset %s\n' "$1" >&3
}

is_root() { [ "$(id -u)" = 0 ]; }

# detached CMD…: runs a command that leaves a daemon behind (pg_ctlcluster start) with no
# descriptor of ours open. The daemon would otherwise inherit fd 3 (the caller's $(…) pipe)
# and stdout/stderr (CI's log pipe), and whoever reads them would wait for EOF forever.
# The command's own output goes through a file to stderr.
detached() {
	local out status=0
	out=$(mktemp)
	(
		for fd in /proc/$BASHPID/fd/*; do
			fd=${fd##*/}
			[ "$fd" -gt 2 ] && eval "exec $fd>&-" 2>/dev/null
		done
		exec "$@"
	) </dev/null >"$out" 2>&1 || status=$?
	cat "$out"
	rm -f "$out"
	return "$status"
}

# ---------------------------------------------------------------- apt

apt_updated=
apt_run() {
	DEBIAN_FRONTEND=noninteractive apt-get -q -o DPkg::Lock::Timeout=600 "$@"
}
apt_install() {
	if [ "${YARDSTICK_TESTENV_NO_INSTALL:-}" = 1 ]; then
		log "not installing $* (YARDSTICK_TESTENV_NO_INSTALL=1)"
		return 1
	fi
	if ! is_root; then
		log "not installing $* (not root; install it with: sudo apt-get install $*)"
		return 1
	fi
	if ! command -v apt-get >/dev/null; then
		log "not installing $* (no apt-get)"
		return 1
	fi
	if [ -z "$apt_updated" ]; then
		# DPkg::Lock::Timeout does not cover the lists lock of `update`: retry while it is held.
		local tries=0 out
		out=$(mktemp)
		until apt_run update 2>&1 | tee "$out"; do
			tries=$((tries + 1))
			if ! grep -qi 'lock' "$out" || [ "$tries" -ge 60 ]; then
				rm -f "$out"
				log "apt-get update failed"
				return 1
			fi
			log "apt lists are locked by another apt process, waiting…"
			sleep 10
		done
		rm -f "$out"
		apt_updated=1
	fi
	log "installing $* with apt-get (waits for the dpkg lock if another apt-get runs)"
	apt_run install -y "$@"
}

# ---------------------------------------------------------------- PostgreSQL

pg_user=${YARDSTICK_TESTENV_PG_USER:-yardstick_test}
pg_password=${YARDSTICK_TESTENV_PG_PASSWORD:-yardstick_test}
pg_ver='' pg_name='' pg_port='' pg_status='' pg_owner='' pg_log=''

# check_url URL: can we log in and run a query?
check_url() {
	local out
	if out=$(PGCONNECT_TIMEOUT=10 psql "$1" -X -q -tA -v ON_ERROR_STOP=1 -c 'select 1' 2>&1) && [ "$out" = 1 ]; then
		return 0
	fi
	log "cannot query postgres://…@${1##*@}: $out"
	return 1
}

# pg_pick_cluster: sets pg_* from `pg_lsclusters`; prefers a running cluster, then 15/main.
pg_pick_cluster() {
	local line best='' ver name port status owner _dir logf
	while read -r ver name port status owner _dir logf; do
		[ -n "$ver" ] || continue
		line="$ver $name $port $status $owner $logf"
		if [[ $status == online* ]]; then
			best=$line
			break
		fi
		if [ -z "$best" ] || [ "$ver/$name" = 15/main ]; then best=$line; fi
	done < <(pg_lsclusters -h 2>/dev/null)
	[ -n "$best" ] || return 1
	read -r pg_ver pg_name pg_port pg_status pg_owner pg_log <<<"$best"
}

# pg_super ARGS…: psql as the cluster's superuser over its Unix socket.
pg_super() {
	local psql=(psql -X -q -v ON_ERROR_STOP=1 -p "$pg_port" -d postgres "$@")
	(
		cd /
		if is_root; then
			runuser -u "$pg_owner" -- "${psql[@]}"
		elif [ "$(id -un)" = "$pg_owner" ]; then
			"${psql[@]}"
		else
			sudo -n -u "$pg_owner" -- "${psql[@]}"
		fi
	)
}

setup_postgres() {
	if [ -n "${YARDSTICK_TEST_POSTGRES_URL:-}" ]; then
		log "using the given YARDSTICK_TEST_POSTGRES_URL"
		check_url "$YARDSTICK_TEST_POSTGRES_URL" || return 1
		printf 'unset YARDSTICK_TESTENV_CREATED_DB\n' >&3 # not ours to drop
		emit YARDSTICK_TEST_POSTGRES_URL "$YARDSTICK_TEST_POSTGRES_URL"
		return 0
	fi

	if ! command -v pg_lsclusters >/dev/null || ! command -v psql >/dev/null ||
		! compgen -G '/usr/lib/postgresql/*/bin/postgres' >/dev/null; then
		log "PostgreSQL is not installed"
		apt_install postgresql || return 1
	fi

	if ! pg_pick_cluster; then
		local ver
		ver=$(find /usr/lib/postgresql -mindepth 1 -maxdepth 1 -printf '%f\n' 2>/dev/null | sort -n | tail -n1)
		log "no PostgreSQL cluster, creating $ver/main"
		if ! is_root || ! detached pg_createcluster "$ver" main; then
			log "could not create a cluster (needs root)"
			return 1
		fi
		pg_pick_cluster || return 1
	fi
	log "cluster $pg_ver/$pg_name on port $pg_port is $pg_status"

	if [[ $pg_status != online* ]]; then
		log "starting cluster $pg_ver/$pg_name"
		if ! { is_root || [ "$(id -un)" = "$pg_owner" ]; } || ! detached pg_ctlcluster "$pg_ver" "$pg_name" start; then
			log "could not start cluster $pg_ver/$pg_name; last lines of $pg_log:"
			tail -n 20 "$pg_log" 2>/dev/null || true
			return 1
		fi
	fi
	local i
	for i in $(seq 1 60); do
		pg_isready -q -h 127.0.0.1 -p "$pg_port" && break
		[ "$i" = 60 ] && { log "cluster $pg_ver/$pg_name does not accept connections on 127.0.0.1:$pg_port"; return 1; }
		sleep 0.5
	done

	# Role (idempotent, and safe when two runs race), then this run's database.
	if ! pg_super <<-SQL; then
		DO \$\$
		BEGIN
		  CREATE ROLE "$pg_user" LOGIN CREATEDB PASSWORD '$pg_password';
		EXCEPTION WHEN duplicate_object OR unique_violation THEN
		  ALTER ROLE "$pg_user" LOGIN CREATEDB PASSWORD '$pg_password';
		END \$\$;
	SQL
		log "could not create the role $pg_user as $pg_owner"
		return 1
	fi

	# Leftovers of interrupted runs; a database still in use is not dropped (the error is ignored).
	local cutoff stale db
	cutoff=$(date -u -d "-${YARDSTICK_TESTENV_STALE_HOURS:-6} hours" +%Y%m%d%H%M%S)
	stale=$(pg_super -tA -c "SELECT datname FROM pg_database WHERE datname ~ '^yardstick_test_[0-9]{14}_[0-9]+\$' AND substring(datname from 16 for 14) < '$cutoff'") || stale=
	for db in $stale; do
		log "dropping stale database $db"
		pg_super -c "DROP DATABASE IF EXISTS \"$db\"" 2>&1 | sed 's/^/testenv:   /' || true
	done

	db="yardstick_test_$(date -u +%Y%m%d%H%M%S)_$$"
	# UTF-8 with a Unicode-aware ctype, whatever the cluster's default: lower() must fold "É" to "é"
	# as the store expects (README: Running on PostgreSQL).
	if ! pg_super -c "CREATE DATABASE \"$db\" OWNER \"$pg_user\" TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C.UTF-8' LC_CTYPE 'C.UTF-8'"; then
		log "could not create database $db"
		return 1
	fi
	created_db=$db
	emit YARDSTICK_TESTENV_CREATED_DB "$db"

	local url="postgres://$pg_user:$pg_password@127.0.0.1:$pg_port/$db?sslmode=disable"
	if ! check_url "$url"; then
		pg_super -c "DROP DATABASE IF EXISTS \"$db\"" || true
		created_db=''
		return 1
	fi
	log "PostgreSQL $pg_ver: database $db on 127.0.0.1:$pg_port, owned by $pg_user"
	emit YARDSTICK_TEST_POSTGRES_URL "$url"
}

drop_db() {
	local db=${YARDSTICK_TESTENV_CREATED_DB:-} url=${YARDSTICK_TEST_POSTGRES_URL:-}
	[ -n "$db" ] && [ -n "$url" ] || return 0
	if [ "${YARDSTICK_TEST_KEEP_DB:-}" = 1 ]; then
		log "keeping database $db (YARDSTICK_TEST_KEEP_DB=1)"
		return 0
	fi
	# The role owns the database, so it may drop it, from its `postgres` database.
	local admin=${url/"/$db?"/"/postgres?"}
	if PGCONNECT_TIMEOUT=10 psql "$admin" -X -q -v ON_ERROR_STOP=1 -c "DROP DATABASE IF EXISTS \"$db\" WITH (FORCE)"; then
		log "dropped database $db"
	else
		log "could not drop database $db (a later run drops it once it is stale)"
	fi
}

# ---------------------------------------------------------------- Citus

citus_port=${YARDSTICK_TESTENV_CITUS_PORT:-5460}
# Where Citus's build and install.sh are: the knob, else the workplace's shared directory next
# to this work tree, else the one at /work/shared (a clone made elsewhere, as CI's may be).
citus_dir=${YARDSTICK_TESTENV_CITUS_DIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/../shared/citus}
if [ -z "${YARDSTICK_TESTENV_CITUS_DIR:-}" ] && [ ! -e "$citus_dir/install.sh" ] && [ -e /work/shared/citus/install.sh ]; then
	citus_dir=/work/shared/citus
fi
citus_nodes=(ys_citus_coord ys_citus_w1 ys_citus_w2)

# citus_psql PORT DB ARGS…: psql as postgres on one node's socket.
citus_psql() {
	local port=$1 db=$2
	shift 2
	(cd / && runuser -u postgres -- psql -X -q -v ON_ERROR_STOP=1 -p "$port" -d "$db" "$@")
}

setup_citus() {
	if [ "${YARDSTICK_TESTENV_NO_CITUS:-}" = 1 ]; then
		log "not setting up Citus (YARDSTICK_TESTENV_NO_CITUS=1)"
		return 1
	fi
	if ! is_root; then
		log "Citus: the test clusters are made and started as root (run as root, or set YARDSTICK_TESTENV_NO_CITUS=1)"
		return 1
	fi
	local bin=/usr/lib/postgresql/15/bin lib=/usr/lib/postgresql/15/lib
	if [ ! -x "$bin/postgres" ]; then
		log "Citus: PostgreSQL 15 is not installed"
		apt_install postgresql-15 || return 1
	fi
	if [ ! -f "$lib/citus.so" ] || [ -x "$citus_dir/install.sh" ]; then
		if [ ! -x "$citus_dir/install.sh" ]; then
			log "Citus is not installed and $citus_dir/install.sh is missing (elsewhere: apt-get install postgresql-15-citus-13.2 from Citus's own repository)"
			return 1
		fi
		bash "$citus_dir/install.sh" || return 1 # idempotent
	fi

	local i name port status
	for i in 0 1 2; do
		name=${citus_nodes[$i]} port=$((citus_port + i))
		status=$(pg_lsclusters -h 2>/dev/null | awk -v n="$name" '$1 == 15 && $2 == n {print $4}')
		if [ -z "$status" ]; then
			log "Citus: creating cluster 15/$name on port $port"
			detached pg_createcluster 15 "$name" -p "$port" -- --auth-local=peer --auth-host=trust >/dev/null || return 1
			local conf=/etc/postgresql/15/$name
			{
				echo "# yardstick test cluster (scripts/testenv.sh): loopback only"
				echo "listen_addresses = '127.0.0.1'"
				echo "shared_preload_libraries = 'citus'"
				echo "max_connections = 200"
				echo "shared_buffers = 64MB"
				echo "fsync = off"
				echo "synchronous_commit = off"
				echo "full_page_writes = off"
				echo "citus.shard_count = 4"
				echo "max_prepared_transactions = 100"
			} >"$conf/conf.d/yardstick-citus.conf"
			status=down
		fi
		if [[ $status != online* ]]; then
			log "Citus: starting cluster 15/$name"
			detached pg_ctlcluster 15 "$name" start || return 1
		fi
	done
	for i in 0 1 2; do
		port=$((citus_port + i))
		local n
		for n in $(seq 1 60); do
			pg_isready -q -h 127.0.0.1 -p "$port" && break
			[ "$n" = 60 ] && { log "Citus: node on port $port does not answer"; return 1; }
			sleep 0.5
		done
	done

	# Stale databases of interrupted runs, on every node.
	local cutoff db stale
	cutoff=$(date -u -d "-${YARDSTICK_TESTENV_STALE_HOURS:-6} hours" +%Y%m%d%H%M%S)
	for i in 0 1 2; do
		port=$((citus_port + i))
		stale=$(citus_psql "$port" postgres -tA -c "SELECT datname FROM pg_database WHERE datname ~ '^yardstick_test_[0-9]{14}_[0-9]+\$' AND substring(datname from 16 for 14) < '$cutoff'") || stale=
		for db in $stale; do
			log "Citus: dropping stale database $db on port $port"
			citus_psql "$port" postgres -c "DROP DATABASE IF EXISTS \"$db\" WITH (FORCE)" || true
		done
	done

	db="yardstick_test_$(date -u +%Y%m%d%H%M%S)_$$"
	citus_db=$db
	emit YARDSTICK_TESTENV_CITUS_DB "$db"
	for i in 0 1 2; do
		port=$((citus_port + i))
		citus_psql "$port" postgres <<-SQL || { log "Citus: could not make $db on port $port"; return 1; }
			DO \$\$
			BEGIN
			  CREATE ROLE "$pg_user" LOGIN CREATEDB PASSWORD '$pg_password';
			EXCEPTION WHEN duplicate_object OR unique_violation THEN
			  ALTER ROLE "$pg_user" LOGIN CREATEDB PASSWORD '$pg_password';
			END \$\$;
			CREATE DATABASE "$db" OWNER "$pg_user" TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C.UTF-8' LC_CTYPE 'C.UTF-8';
		SQL
		citus_psql "$port" "$db" -c "CREATE EXTENSION citus" || return 1
	done
	citus_psql "$citus_port" "$db" <<-SQL >/dev/null || { log "Citus: could not add the workers"; return 1; }
		SELECT citus_set_coordinator_host('127.0.0.1', $citus_port);
		SELECT citus_add_node('127.0.0.1', $((citus_port + 1)));
		SELECT citus_add_node('127.0.0.1', $((citus_port + 2)));
	SQL
	local url="postgres://$pg_user:$pg_password@127.0.0.1:$citus_port/$db?sslmode=disable"
	check_url "$url" || return 1
	log "Citus $(citus_psql "$citus_port" "$db" -tA -c "SELECT extversion FROM pg_extension WHERE extname = 'citus'"): database $db on 127.0.0.1:$citus_port (workers :$((citus_port + 1)), :$((citus_port + 2)))"
	emit YARDSTICK_TEST_CITUS_URL "$url"
}

drop_citus_db() {
	local db=${YARDSTICK_TESTENV_CITUS_DB:-} i
	[ -n "$db" ] || return 0
	if [ "${YARDSTICK_TEST_KEEP_DB:-}" = 1 ]; then
		log "keeping Citus database $db (YARDSTICK_TEST_KEEP_DB=1)"
		return 0
	fi
	for i in 0 1 2; do
		citus_psql $((citus_port + i)) postgres -c "DROP DATABASE IF EXISTS \"$db\" WITH (FORCE)" ||
			log "could not drop Citus database $db on port $((citus_port + i))"
	done
	log "dropped Citus database $db"
}

# ---------------------------------------------------------------- Chromium

setup_chromium() {
	local path=${YARDSTICK_CHROMIUM_PATH:-/usr/bin/chromium} out
	if [ ! -x "$path" ]; then
		if [ -n "${YARDSTICK_CHROMIUM_PATH:-}" ]; then
			log "YARDSTICK_CHROMIUM_PATH=$path is not an executable file"
			return 1
		fi
		log "Chromium is not installed"
		apt_install chromium || return 1
	fi
	if ! out=$(timeout 60 "$path" --version 2>&1 </dev/null); then
		log "$path --version failed: $out"
		return 1
	fi
	log "$(grep -m1 -E "^(Chromium|Google Chrome|Chrome)" <<<"$out" || echo "$path works")"
	emit YARDSTICK_TEST_CHROMIUM "$path"
}

setup_poppler() {
	if ! command -v pdftotext >/dev/null || ! command -v pdftoppm >/dev/null; then
		log "poppler-utils (pdftotext, pdftoppm) is not installed"
		apt_install poppler-utils || return 1
	fi
	local out
	if ! out=$(pdftotext -v 2>&1 </dev/null); then
		log "pdftotext -v failed: $out"
		return 1
	fi
	log "$(grep -m1 -i "version" <<<"$out" || echo "pdftotext works")"
	emit YARDSTICK_TEST_PDFTOTEXT "$(command -v pdftotext)"
	emit YARDSTICK_TEST_PDFTOPPM "$(command -v pdftoppm)"
}

# ---------------------------------------------------------------- main

case "${1:-}" in
--drop)
	drop_db
	drop_citus_db
	exit 0
	;;
'') ;;
*)
	log "usage: $0 [--drop]"
	exit 2
	;;
esac

# If this script fails after making the database, nobody else will drop it.
created_db='' citus_db=''
cleanup() {
	local rc=$?
	if [ "$rc" != 0 ] && [ -n "$created_db" ]; then
		pg_super -c "DROP DATABASE IF EXISTS \"$created_db\" WITH (FORCE)" && log "dropped database $created_db"
	fi
	if [ "$rc" != 0 ] && [ -n "$citus_db" ]; then
		YARDSTICK_TESTENV_CITUS_DB=$citus_db drop_citus_db
	fi
	return "$rc"
}
trap cleanup EXIT

# Bash ignores `set -e` inside functions called from a condition, so the setup functions
# check every step themselves and return 1 with a message.
setup_postgres || missing YARDSTICK_TEST_POSTGRES_URL PostgreSQL
setup_citus || missing YARDSTICK_TEST_CITUS_URL Citus
setup_chromium || missing YARDSTICK_TEST_CHROMIUM Chromium
setup_poppler || { missing YARDSTICK_TEST_PDFTOTEXT poppler-utils; printf 'unset YARDSTICK_TEST_PDFTOPPM\n' >&3; }
