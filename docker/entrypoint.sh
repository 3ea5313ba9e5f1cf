#!/bin/bash
# Entry point of the qms_customer_process containers (official odoo:18.0 image).
#   entrypoint.sh init       create the database $ODOO_DB with the addon, without demo data,
#                            once: does nothing when the addon is already installed there
#   entrypoint.sh init-demo  the same with Odoo's and the addon's demo data (profile "demo")
#   entrypoint.sh upgrade    upgrade the addon in $ODOO_DB to the code in /mnt/extra-addons (-u),
#                            running its migrations/ (after a new version was checked out)
#   entrypoint.sh serve      serve $ODOO_DB (and only it) with the configuration of
#                            /etc/odoo/odoo.conf plus the secrets of the environment
set -euo pipefail

: "${ODOO_DB:?set ODOO_DB}"
: "${POSTGRES_PASSWORD:?set POSTGRES_PASSWORD in .env}"
: "${ODOO_MASTER_PASSWORD:?set ODOO_MASTER_PASSWORD in .env}"

# The repository's configuration plus the secrets, readable by the odoo user only.
CONF=$(mktemp /tmp/odoo.XXXXXX.conf)
chmod 600 "$CONF"
{
    cat /etc/odoo/odoo.conf
    printf '\ndb_password = %s\nadmin_passwd = %s\n' "$POSTGRES_PASSWORD" "$ODOO_MASTER_PASSWORD"
} >"$CONF"

export PGHOST=db PGPORT=5432 PGUSER=odoo PGPASSWORD=$POSTGRES_PASSWORD
wait-for-psql.py --db_host db --db_port 5432 --db_user odoo --db_password "$POSTGRES_PASSWORD" --timeout=60

installed() {
    psql -d "$ODOO_DB" -tAc "SELECT state FROM ir_module_module WHERE name = 'qms_customer_process'" 2>/dev/null \
        | grep -qx installed
}

case "${1:-serve}" in
    init | init-demo)
        if installed; then
            echo "qms_customer_process is installed in $ODOO_DB: nothing to initialise"
            exit 0
        fi
        demo=(--without-demo=all)
        [ "$1" = init-demo ] && demo=()
        echo "creating $ODOO_DB with qms_customer_process${demo[*]:+ (no demo data)}"
        odoo -c "$CONF" -d "$ODOO_DB" -i qms_customer_process "${demo[@]}" --stop-after-init --no-http
        if [ "$1" = init ]; then
            : "${ODOO_ADMIN_PASSWORD:?set ODOO_ADMIN_PASSWORD in .env}"
            # The administrator's login password, instead of Odoo's default "admin".
            odoo shell -c "$CONF" -d "$ODOO_DB" --no-http --log-level=warn <<'PY'
import os
env.ref("base.user_admin").password = os.environ["ODOO_ADMIN_PASSWORD"]
env.cr.commit()
PY
        fi
        ;;
    upgrade)
        installed || { echo "$ODOO_DB is not initialised (the init service creates it)" >&2; exit 1; }
        odoo -c "$CONF" -d "$ODOO_DB" -u qms_customer_process --stop-after-init --no-http
        ;;
    serve)
        installed || { echo "$ODOO_DB is not initialised (the init service creates it)" >&2; exit 1; }
        exec odoo -c "$CONF" -d "$ODOO_DB" --db-filter "^${ODOO_DB}\$"
        ;;
    *)
        echo "usage: entrypoint.sh init|init-demo|upgrade|serve" >&2
        exit 2
        ;;
esac
