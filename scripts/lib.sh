# Shared set-up for scripts/run and scripts/test: Odoo source, system packages, virtualenv,
# PostgreSQL and the Odoo configuration file. Sourced, not executed.
# shellcheck shell=bash

REPO_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
ODOO_SRC=${ODOO_SRC:-$HOME/.cache/odoo/18.0}
QMS_CACHE=${QMS_CACHE:-$HOME/.cache/qms_customer_process}
QMS_VENV=${QMS_VENV:-$QMS_CACHE/venv-$(python3 -c 'import sys; print("%d.%d" % sys.version_info[:2])')}
PG_BINDIR=${PG_BINDIR:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)}

say() { printf '== %s\n' "$*"; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

free_port() {
    python3 - <<'PY'
import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])
s.close()
PY
}

# Odoo's source: $ODOO_SRC, else the official 18.0 branch when the network allows.
ensure_odoo_src() {
    [ -f "$ODOO_SRC/odoo/release.py" ] && return 0
    say "Odoo 18.0 source not found at $ODOO_SRC; trying to download it"
    local tmp
    tmp=$(mktemp -d)
    if timeout 600 git clone -q --depth 1 --branch 18.0 https://github.com/odoo/odoo.git "$tmp/odoo" 2>/dev/null; then
        mkdir -p "$(dirname "$ODOO_SRC")" && mv "$tmp/odoo" "$ODOO_SRC"
    fi
    rm -rf "$tmp"
    [ -f "$ODOO_SRC/odoo/release.py" ] || die "no Odoo 18.0 source: put the Odoo 18.0 Community tree at $ODOO_SRC (or set ODOO_SRC), so that $ODOO_SRC/odoo/release.py exists"
    grep -q "version_info = (18, 0" "$ODOO_SRC/odoo/release.py" || die "$ODOO_SRC is not Odoo 18.0"
}

# Debian packages the tests need: PDF rendering with Chinese fonts (and poppler to read the
# PDF back), a browser for tours and screenshots, docker-compose to check the Docker setup.
ensure_system_packages() {
    local missing=()
    command -v wkhtmltopdf >/dev/null || missing+=(wkhtmltopdf)
    [ "$(fc-list 2>/dev/null | grep -ci 'Noto Sans CJK')" -gt 0 ] || missing+=(fonts-noto-cjk)
    command -v pdffonts >/dev/null || missing+=(poppler-utils)
    command -v chromium >/dev/null || command -v chromium-browser >/dev/null || missing+=(chromium)
    # docker-compose.yml is checked with `docker-compose config` (no Docker engine needed).
    command -v docker-compose >/dev/null || docker compose version >/dev/null 2>&1 || missing+=(docker-compose)
    [ ${#missing[@]} -eq 0 ] && return 0
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
        say "installing ${missing[*]} (apt)"
        DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null 2>&1
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null 2>&1 \
            || say "warning: apt-get could not install ${missing[*]}"
    else
        say "warning: missing system packages: ${missing[*]} (PDF forms, Chinese glyphs, browser tours, Docker check); tests that need them skip, or fail under CI=true"
    fi
}

# Virtualenv with Odoo's requirements and the pinned test tools; rebuilt when they change.
ensure_venv() {
    local reqs stamp
    reqs=$(mktemp)
    # cbor2 5.4.2 does not build on Python 3.11 with current setuptools; python-ldap needs
    # libldap headers and only serves auth_ldap.
    sed -e 's/^cbor2==5\.4\.2.*/cbor2==5.6.2/' -e '/^python-ldap/d' "$ODOO_SRC/requirements.txt" >"$reqs"
    stamp=$(cat "$reqs" "$REPO_ROOT/requirements-dev.txt" | sha1sum | cut -c1-12)
    if [ ! -f "$QMS_VENV/.stamp-$stamp" ]; then
        say "creating the virtualenv $QMS_VENV"
        rm -rf "$QMS_VENV"
        python3 -m venv "$QMS_VENV" || die "python3 -m venv failed (Debian: apt-get install python3-venv)"
        "$QMS_VENV/bin/pip" install -q --disable-pip-version-check "pip==24.3.1" "wheel==0.45.1" "setuptools==75.8.0" 2>&1 | grep -v "^WARNING: Location" || true
        "$QMS_VENV/bin/pip" install -q --disable-pip-version-check -r "$reqs" -r "$REPO_ROOT/requirements-dev.txt" 2>&1 | grep -v "^WARNING: Location" || true
        "$QMS_VENV/bin/pip" install -q --disable-pip-version-check --no-deps -e "$ODOO_SRC" >/dev/null 2>&1 || true
        "$QMS_VENV/bin/python" -c "import odoo, pytest_odoo, psycopg2" 2>/dev/null || die "the virtualenv at $QMS_VENV is incomplete"
        touch "$QMS_VENV/.stamp-$stamp"
    fi
    rm -f "$reqs"
    export PATH="$QMS_VENV/bin:$PATH"
}

# PostgreSQL: the server at $PGHOST/$PGPORT when one answers, else a cluster of our own.
# $1 = "throwaway" (test: temporary directory, removed on exit) or a directory to keep (run).
PG_CLUSTER_DIR=""
PG_CLUSTER_TMP=""
ensure_postgres() {
    local mode=$1
    if [ -n "${PGHOST:-}" ] && "$PG_BINDIR/pg_isready" -q -h "$PGHOST" -p "${PGPORT:-5432}" 2>/dev/null; then
        export PGPORT=${PGPORT:-5432}
        export PGUSER=${PGUSER:-$(id -un)}
        [ "$PGUSER" = postgres ] && die "Odoo refuses to connect as 'postgres': set PGUSER to another role (with CREATEDB)"
        say "using the PostgreSQL server at $PGHOST:$PGPORT as $PGUSER"
        return 0
    fi
    [ -x "$PG_BINDIR/initdb" ] || die "no PostgreSQL server binaries (Debian: apt-get install postgresql)"
    local owner=""
    [ "$(id -u)" = 0 ] && owner=postgres
    as_owner() { if [ -n "$owner" ]; then runuser -u "$owner" -- "$@"; else "$@"; fi; }
    if [ "$mode" = throwaway ]; then
        PG_CLUSTER_TMP=$(mktemp -d /tmp/qms-pg.XXXXXX)
        PG_CLUSTER_DIR=$PG_CLUSTER_TMP
    else
        PG_CLUSTER_DIR=$mode
        mkdir -p "$PG_CLUSTER_DIR"
    fi
    [ -n "$owner" ] && chown "$owner" "$PG_CLUSTER_DIR" && chmod 700 "$PG_CLUSTER_DIR"
    if [ ! -f "$PG_CLUSTER_DIR/data/PG_VERSION" ]; then
        as_owner "$PG_BINDIR/initdb" -D "$PG_CLUSTER_DIR/data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null \
            || die "initdb failed in $PG_CLUSTER_DIR"
    fi
    export PGHOST=127.0.0.1
    export PGPORT=$(free_port)
    as_owner "$PG_BINDIR/pg_ctl" -D "$PG_CLUSTER_DIR/data" -l "$PG_CLUSTER_DIR/server.log" -w -s \
        -o "-c listen_addresses=127.0.0.1 -p $PGPORT -k $PG_CLUSTER_DIR -c fsync=off -c full_page_writes=off -c synchronous_commit=off" start \
        || die "PostgreSQL did not start (see $PG_CLUSTER_DIR/server.log)"
    trap stop_postgres EXIT
    export PGUSER=odoo
    psql -q -h "$PGHOST" -p "$PGPORT" -U postgres -d postgres -v ON_ERROR_STOP=0 \
        -c "DO \$\$BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'odoo') THEN CREATE ROLE odoo LOGIN CREATEDB; END IF; END\$\$;" >/dev/null
    say "PostgreSQL started on 127.0.0.1:$PGPORT ($PG_CLUSTER_DIR)"
}

stop_postgres() {
    [ -n "$PG_CLUSTER_DIR" ] || return 0
    if [ "$(id -u)" = 0 ]; then
        runuser -u postgres -- "$PG_BINDIR/pg_ctl" -D "$PG_CLUSTER_DIR/data" -s -m fast stop >/dev/null 2>&1
    else
        "$PG_BINDIR/pg_ctl" -D "$PG_CLUSTER_DIR/data" -s -m fast stop >/dev/null 2>&1
    fi
    [ -n "$PG_CLUSTER_TMP" ] && rm -rf "$PG_CLUSTER_TMP"
    PG_CLUSTER_DIR=""
}

# write_odoo_conf FILE HTTP_PORT
write_odoo_conf() {
    cat >"$1" <<EOF
[options]
addons_path = $ODOO_SRC/odoo/addons,$ODOO_SRC/addons,$REPO_ROOT/addons
db_host = $PGHOST
db_port = $PGPORT
db_user = $PGUSER
db_password = False
http_interface = 127.0.0.1
http_port = $2
gevent_port = $(free_port)
list_db = True
max_cron_threads = 0
EOF
}

odoo_bin() { "$QMS_VENV/bin/python" "$ODOO_SRC/odoo-bin" "$@"; }

# copy_db SOURCE TARGET: a copy of a database and its filestore (createdb -T), as Odoo's
# "duplicate" does; the source must have no open connection.
copy_db() {
    local filestore=${ODOO_DATA_DIR:-$HOME/.local/share/Odoo}/filestore
    createdb -h "$PGHOST" -p "$PGPORT" -U "$PGUSER" -T "$1" "$2" || return 1
    rm -rf "${filestore:?}/$2"
    if [ -d "$filestore/$1" ]; then cp -a "$filestore/$1" "$filestore/$2"; fi
}

drop_db() {
    dropdb -h "$PGHOST" -p "$PGPORT" -U "$PGUSER" --if-exists --force "$1" >/dev/null 2>&1
    rm -rf "${ODOO_DATA_DIR:-$HOME/.local/share/Odoo}/filestore/${1:?}"
}
