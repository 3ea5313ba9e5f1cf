"""Life cycle of the addon on a real database: upgrade (-u) keeps the review records, uninstall
gives back standard sales.

Plain pytest functions, not Odoo test cases: upgrading and uninstalling a module cannot run inside
a test transaction. They work on a copy of the test database (``createdb -T``), drive it with
``odoo-bin shell`` and ``odoo-bin -u`` in subprocesses, and drop the copy at the end.

Slow tests (about a minute: a database copy, an upgrade, an uninstall and a few Odoo shells); they
run in the normal test command all the same.
"""

import json
import os
import shutil
import subprocess
import sys
import textwrap
from contextlib import closing

import pytest
from system_env import odoo_bin, odoo_conf, pg_args

import odoo
from odoo.tools import SQL, config

ADDON = "qms_customer_process"
MARKER = "QMS_LIFECYCLE_RESULT="
TIMEOUT = 900


def _source_db():
    db = os.environ.get("QMS_TEST_DB") or config["db_name"]
    assert db, "no test database; set QMS_TEST_DB"
    return db


def _pg_env():
    env = dict(os.environ)
    if config.get("db_password"):
        env["PGPASSWORD"] = config["db_password"]
    return env


def _run(cmd, **kwargs):
    return subprocess.run(cmd, capture_output=True, text=True, timeout=TIMEOUT, env=_pg_env(), **kwargs)


def _odoo(*args, script=None):
    """Run odoo-bin with the test configuration; return the completed process."""
    cmd = [sys.executable, odoo_bin(), *args]
    return _run(cmd, input=script if script is not None else "", cwd="/")


def _odoo_shell(db, script, with_log=False):
    """Run ``script`` in ``odoo-bin shell`` on ``db``; return the JSON it printed after MARKER
    (and, ``with_log``, the log: warnings and errors)."""
    code = textwrap.dedent(script)
    proc = _odoo("shell", "-c", odoo_conf(), "-d", db, "--no-http", "--log-level=warn", script=code)
    assert proc.returncode == 0, f"odoo shell failed ({proc.returncode}):\n{proc.stdout[-3000:]}\n{proc.stderr[-6000:]}"
    for line in proc.stdout.splitlines():
        if line.startswith(MARKER):
            result = json.loads(line[len(MARKER):])
            return (result, proc.stderr) if with_log else result
    raise AssertionError(f"odoo shell printed no result:\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}")


def _drop_database(name):
    if shutil.which("dropdb"):
        proc = _run(["dropdb", *pg_args(), "--if-exists", name])
        if proc.returncode != 0:
            proc = _run(["dropdb", *pg_args(), "--if-exists", "--force", name])
        assert proc.returncode == 0, f"dropdb {name} failed: {proc.stderr}"
    else:
        # No PostgreSQL client tools: drop it through Odoo's own connection.
        with closing(odoo.sql_db.db_connect("postgres").cursor()) as cr:
            cr._cnx.autocommit = True
            cr.execute(SQL("DROP DATABASE IF EXISTS %s", SQL.identifier(name)))
    shutil.rmtree(config.filestore(name), ignore_errors=True)


def _copy_database(source, target):
    """``createdb -T source target``; the source must have no open connection."""
    # pytest-odoo loaded the registry of the test database and runs the HTTP server in this
    # process: Odoo's connection pool keeps idle connections to it, and PostgreSQL refuses to copy
    # a database in use (after waiting 5 s). Close them first; the pool reconnects on demand.
    odoo.sql_db.close_db(source)
    if shutil.which("createdb"):
        proc = _run(["createdb", *pg_args(), "-T", source, target])
        failure = proc.stderr.strip() if proc.returncode else None
    else:
        failure = "no createdb command"
    if failure:
        # Still in use (another client), or no client tools: install the addon on a new database
        # instead (slower).
        print(f"createdb -T {source} failed ({failure}); installing {ADDON} on {target} instead")
        _drop_database(target)
        proc = _odoo("-c", odoo_conf(), "-d", target, "-i", ADDON, "--stop-after-init", "--no-http",
                     "--log-level=warn")
        assert proc.returncode == 0, f"installing {ADDON} on {target} failed:\n{proc.stderr[-6000:]}"
        return
    source_fs, target_fs = config.filestore(source), config.filestore(target)
    if os.path.isdir(source_fs):
        shutil.copytree(source_fs, target_fs, dirs_exist_ok=True)


@pytest.fixture(scope="module")
def lifecycle_db():
    source = _source_db()
    target = f"{source}_lifecycle_{os.getpid()}"[:63]
    _drop_database(target)
    try:
        _copy_database(source, target)
        state = _odoo_shell(target, f"""
            import json
            module = env["ir.module.module"].search([("name", "=", "{ADDON}")])
            print("{MARKER}" + json.dumps({{"state": module.state}}))
        """)
        assert state == {"state": "installed"}, f"{ADDON} is not installed on the copy {target}: {state}"
        yield target
    finally:
        _drop_database(target)


# The review records and configuration read the same way before and after the upgrade.
SNAPSHOT = """
def snapshot(env, order):
    lines = order.qms_review_line_ids.sorted("id")
    rules = env["qms.review.rule"].with_context(active_test=False).search([], order="id")
    roles = env["qms.review.role"].with_context(active_test=False).search([], order="id")
    data = env["ir.model.data"].search([("module", "=", "qms_customer_process"),
                                        ("model", "in", ["qms.review.rule", "qms.review.role"])])
    return {
        "order": {
            "id": order.id, "name": order.name, "state": order.state,
            "contract_type": order.qms_contract_type, "review_state": order.qms_review_state,
            "revision": order.qms_review_revision,
        },
        "requirements": [[r.id, r.kind, r.description, r.non_standard] for r in order.qms_requirement_ids.sorted("id")],
        "lines": [[l.id, l.role_id.code, l.revision, l.sequence, l.decision, l.reviewer_id.login or False,
                   l.conditions or False, l.comment or False] for l in lines],
        "rules": [[r.id, r.name, r.sequence, r.contract_type, r.timing, r.active, r.role_id.code] for r in rules],
        "roles": [[r.id, r.code, r.group_id.id, sorted(r.user_ids.ids)] for r in roles],
        "xmlids": sorted([d.model, d.name, d.res_id] for d in data),
    }
"""


def test_upgrade_keeps_review_records(lifecycle_db):
    before = _odoo_shell(lifecycle_db, SNAPSHOT + f"""
import json
product = env["product.product"].create({{
    "name": "QMS Lifecycle Prototype Gearbox", "type": "consu", "list_price": 80.0, "qms_standard_product": False,
}})
partner = env["res.partner"].create({{"name": "QMS Lifecycle Customer"}})
order = env["sale.order"].create({{
    "partner_id": partner.id,
    "order_line": [(0, 0, {{"product_id": product.id, "product_uom_qty": 5}})],
    "qms_requirement_ids": [
        (0, 0, {{"kind": "explicit", "topic": "quality", "description": "Salt-spray test 500 h", "non_standard": True}}),
        (0, 0, {{"kind": "statutory", "description": "CE marking"}}),
    ],
}})
order.action_qms_request_review()
by_code = {{line.role_id.code: line for line in order.qms_review_line_ids}}
users = {{u.login: u for u in env["res.users"].search([("login", "in", ["qms_rd", "qms_quality", "qms_finance"])])}}
by_code["rd"].with_user(users["qms_rd"]).action_accept()
by_code["quality"].with_user(users["qms_quality"]).action_accept(conditions="Witnessed final inspection")
by_code["finance"].with_user(users["qms_finance"]).action_reject(comment="Advance payment of 30% required")
# An administrator's change to the review matrix (data loaded with noupdate) must survive upgrades.
rule = env.ref("{ADDON}.review_rule_special_finance")
rule.write({{"name": "Special contract: Finance (credit check)"}})
env.cr.commit()
print("{MARKER}" + json.dumps(snapshot(env, order)))
""")
    assert before["order"]["contract_type"] == "special"
    assert before["order"]["review_state"] == "rejected"
    decisions = {line[1]: line[4] for line in before["lines"]}
    assert decisions == {
        "rd": "accepted", "quality": "conditional", "finance": "rejected",
        "production": "pending", "procurement": "pending", "general_manager": "pending",
        "sales_management": "pending",
    }
    assert len(before["requirements"]) == 2
    assert len(before["rules"]) >= 9 and len(before["roles"]) >= 8
    assert any(rule[1] == "Special contract: Finance (credit check)" for rule in before["rules"])

    proc = _odoo("-c", odoo_conf(), "-d", lifecycle_db, "-u", ADDON, "--stop-after-init", "--no-http",
                 "--log-level=warn")
    assert proc.returncode == 0, f"upgrade failed:\n{proc.stderr[-6000:]}"
    assert "Traceback" not in proc.stderr, proc.stderr[-6000:]

    order_id = before["order"]["id"]
    after = _odoo_shell(lifecycle_db, SNAPSHOT + f"""
import json
from odoo.exceptions import UserError
order = env["sale.order"].browse({order_id}).exists()
result = snapshot(env, order)
module = env["ir.module.module"].search([("name", "=", "{ADDON}")])
result["module"] = [module.state, module.latest_version]
try:
    with env.cr.savepoint():
        order.action_confirm()
    result["gate"] = "confirmed"
except UserError as error:
    result["gate"] = str(error)
demo = env.ref("{ADDON}.sale_order_special", raise_if_not_found=False)
result["demo_lines"] = len(demo.qms_review_line_ids) if demo else None
print("{MARKER}" + json.dumps(result))
""")
    assert after["module"][0] == "installed"
    for key in ("order", "requirements", "lines", "rules", "roles", "xmlids"):
        assert after[key] == before[key], f"{key} changed by the upgrade:\nbefore {before[key]}\nafter  {after[key]}"
    # The gate still holds the order whose review was rejected, and names the rejecting department.
    assert after["gate"] != "confirmed"
    assert "Finance" in after["gate"]
    assert after["demo_lines"], "the review of the demo special quotation was lost by the upgrade"


def test_uninstall_gives_back_standard_sales(lifecycle_db):
    before = _odoo_shell(lifecycle_db, f"""
import json
from odoo.exceptions import UserError
product = env["product.product"].create({{
    "name": "QMS Lifecycle Prototype Sensor", "type": "consu", "list_price": 40.0, "qms_standard_product": False,
}})
partner = env["res.partner"].create({{"name": "QMS Lifecycle Customer 2"}})
order = env["sale.order"].create({{
    "partner_id": partner.id, "order_line": [(0, 0, {{"product_id": product.id, "product_uom_qty": 2}})],
}})
order.action_qms_request_review()
try:
    with env.cr.savepoint():
        order.action_confirm()
    gate = "confirmed"
except UserError as error:
    gate = str(error)
demo_quotation = env.ref("sale.sale_order_1")
groups = env["ir.model.data"].search([("module", "=", "{ADDON}"), ("model", "=", "res.groups")]).mapped("res_id")
env.cr.commit()
print("{MARKER}" + json.dumps({{
    "order": order.id, "product": product.id, "partner": partner.id, "gate": gate,
    "review_state": order.qms_review_state, "demo_quotation": [demo_quotation.id, demo_quotation.state],
    "groups": groups,
}}))
""")
    # Before the uninstall the gate holds the special order.
    assert before["review_state"] == "in_review"
    assert before["gate"] != "confirmed"
    assert before["demo_quotation"][1] in ("draft", "sent")

    _done, uninstall_log = _odoo_shell(lifecycle_db, f"""
import json
env["ir.module.module"].search([("name", "=", "{ADDON}")]).button_immediate_uninstall()
env.cr.commit()
print("{MARKER}" + json.dumps({{"done": True}}))
""", with_log=True)

    after = _odoo_shell(lifecycle_db, f"""
import json
result = {{}}
module = env["ir.module.module"].search([("name", "=", "{ADDON}")])
result["module_state"] = module.state
result["order_fields"] = sorted(name for name in env["sale.order"]._fields if name.startswith("qms_"))
result["product_fields"] = sorted(name for name in env["product.template"]._fields if name.startswith("qms_"))
result["models"] = sorted(name for name in env.registry if name.startswith("qms."))
env.cr.execute("SELECT table_name FROM information_schema.tables WHERE left(table_name, 4) = 'qms_'")
result["tables"] = sorted(row[0] for row in env.cr.fetchall())
env.cr.execute(
    "SELECT table_name || '.' || column_name FROM information_schema.columns "
    "WHERE table_name IN ('sale_order', 'product_template', 'res_company') AND left(column_name, 4) = 'qms_'"
)
result["columns"] = sorted(row[0] for row in env.cr.fetchall())
result["xmlids"] = sorted(f"{{d.model}}:{{d.name}}" for d in env["ir.model.data"].search([("module", "=", "{ADDON}")]))
result["groups"] = env["res.groups"].browse({before["groups"]}).exists().mapped("name")

# A new order, the formerly blocked special order and a demo quotation all confirm as in standard Odoo.
new_order = env["sale.order"].create({{
    "partner_id": {before["partner"]},
    "order_line": [(0, 0, {{"product_id": {before["product"]}, "product_uom_qty": 3}})],
}})
new_order.action_confirm()
held = env["sale.order"].browse({before["order"]})
held.action_confirm()
demo = env["sale.order"].browse({before["demo_quotation"][0]})
demo.action_confirm()
env.cr.commit()
result["states"] = [new_order.state, held.state, demo.state]
result["pickings"] = [bool(o.picking_ids) for o in (new_order, held, demo)]
print("{MARKER}" + json.dumps(result))
""")
    # Standard sales again: the three orders are confirmed, with their deliveries (sale_stock).
    assert after["states"] == ["sale", "sale", "sale"]
    assert all(after["pickings"])
    assert after["module_state"] == "uninstalled"
    assert "qms_review_state" not in after["order_fields"]
    assert after["order_fields"] == [], "qms fields remain on sale.order"
    assert after["product_fields"] == []
    assert after["models"] == []
    assert after["tables"] == [], f"tables of {ADDON} remain: {after['tables']}"
    assert after["columns"] == [], f"columns of {ADDON} remain: {after['columns']}"
    # Nothing of the addon is left behind, though review lines of real orders existed.
    assert before["groups"]
    assert after["groups"] == [], f"security groups of {ADDON} survive its uninstall: {after['groups']}"
    assert after["xmlids"] == [], f"records of {ADDON} survive its uninstall: {after['xmlids']}"
    errors = [line for line in uninstall_log.splitlines() if " ERROR " in line or " CRITICAL " in line]
    assert not errors, "the uninstall logged errors:\n" + "\n".join(errors[:10])
