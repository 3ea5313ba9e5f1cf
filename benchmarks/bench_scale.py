#!/usr/bin/env python3
"""Factory scale: the customer KPIs, the management-review input, the Department Reviews list, the
complaint kanban and the containment of a lot, at 1x and 2x data.

1x data, inserted with SQL: 100,000 confirmed orders of 5,000 customers in 2025, 500,000 order
lines each delivered (100,000 deliveries, 500,000 done moves and move lines), 20,000 complaints,
50,000 answered surveys, 10,000 orders under contract review (60,000 review lines, 6,000 of them
pending on a second revision), 2,000 corrective actions, and a lot delivered to 1,000 customers
with stock on hand and an open delivery. 2x doubles all of it but the lot (still 1,000 customers).

Each size runs in its own `odoo-bin shell` subprocess on a database where qms_customer_process is
installed; everything is inserted in the shell's transaction and rolled back at the end, so the
database is left as it was (use a throwaway copy anyway: the transaction is large). Each operation
is timed as the user who runs it (best of --runs, caches emptied before each run) with its number
of SQL queries. Prints both sizes, the 2x/1x ratio of each time (target <= 2.2) and whether the
query counts stay the same.

Usage: bench_scale.py -c ODOO_CONF -d DATABASE [--odoo-bin PATH] [--python PATH] [--runs N]
       [--scales 1,2]
"""
import argparse
import json
import os
import subprocess
import sys
import time

TARGET = 2.2
MARKER = "BENCH_RESULT "

SHELL_CODE = r'''
import json, time
import odoo
from odoo import Command

SCALE = __SCALE__
RUNS = __RUNS__
N_ORDERS, N_LINES = int(100_000 * SCALE), 5
N_CUSTOMERS = int(5_000 * SCALE)
N_COMPLAINTS, N_SURVEYS, N_ACTIONS = int(20_000 * SCALE), int(50_000 * SCALE), int(2_000 * SCALE)
LOT_CUSTOMERS = 1_000
cr = env.cr
steps = {}

def step(name, started):
    steps[name] = round(time.perf_counter() - started, 1)
    return time.perf_counter()

t = time.perf_counter()
# The rows an earlier run inserted and rolled back are still in the tables until vacuumed, and
# mislead the planner of this run's inserts (seen: an insert of 2x moves ran for 20 minutes).
with odoo.sql_db.db_connect(cr.dbname).cursor() as vacuum:
    vacuum._cnx.autocommit = True
    vacuum.execute("VACUUM ANALYZE")
t = step("vacuum", t)
company = env.ref("base.main_company")
currency = company.currency_id
warehouse = env["stock.warehouse"].search([("company_id", "=", company.id)], limit=1)
stock = warehouse.lot_stock_id
customer_location = env.ref("stock.stock_location_customers")
out_type = warehouse.out_type_id
unit = env.ref("uom.product_uom_unit")
shelf = env["stock.location"].create({"name": "Bench shelf", "location_id": stock.id, "usage": "internal"})
categories = env["product.category"].create([{"name": f"Bench category {i}"} for i in range(10)])
products = env["product.product"].create([{
    "name": f"Bench product {i}", "type": "consu", "is_storable": True, "list_price": 10.0 + i,
    "categ_id": categories[i % 10].id, "tracking": "lot" if i == 0 else "none",
} for i in range(50)])
lot_product = products[0]
lot = env["stock.lot"].create({"name": "BENCH-LOT-1", "product_id": lot_product.id, "company_id": company.id})
Users = env["res.users"].with_context(no_reset_password=True, mail_create_nolog=True)
quality = Users.create({"login": "bench_quality", "name": "Bench Quality", "email": "quality@bench.example", "groups_id": [Command.set([
    env.ref("base.group_user").id, env.ref("qms_customer_process.group_qms_quality").id])]})
sellers = Users.create([{"login": f"bench_seller_{i}", "name": f"Bench Seller {i}", "groups_id": [Command.set([
    env.ref("sales_team.group_sale_salesman").id])]} for i in range(5)])
seller_ids = [user.id for user in sellers]
roles = env["qms.review.role"].search([("code", "in", ["rd", "production", "procurement", "quality", "finance",
                                                         "general_manager"])])
role_ids = roles.ids
env.flush_all()

cr.execute("""
    INSERT INTO res_partner (name, active, is_company, type, autopost_bills, user_id, create_date, write_date)
    SELECT 'Bench customer ' || g, true, true, 'contact', 'ask', (%(sellers)s)[1 + g %% 5], now(), now()
      FROM generate_series(1, %(n)s) g
    RETURNING id
""", {"n": N_CUSTOMERS, "sellers": seller_ids})
partner_ids = [row[0] for row in cr.fetchall()]
cr.execute("UPDATE res_partner SET commercial_partner_id = id WHERE id = ANY(%s)", [partner_ids])
cr.execute("""
    INSERT INTO sale_order (name, partner_id, partner_invoice_id, partner_shipping_id, company_id, currency_id,
                            date_order, state, user_id, picking_policy, qms_order_channel, qms_contract_type,
                            qms_review_state, qms_review_revision, create_date, write_date)
    SELECT 'BENCH/' || g, p, p, p, %(company)s, %(currency)s,
           timestamp '2025-01-01 02:00' + ((g * 7919) %% 364) * interval '1 day', 'sale',
           (%(sellers)s)[1 + g %% 5], 'direct', 'written',
           CASE WHEN g %% 10 = 0 THEN 'special' ELSE 'regular' END,
           CASE WHEN g %% 100 = 0 THEN 'in_review' WHEN g %% 10 = 0 THEN 'approved' ELSE 'not_required' END,
           CASE WHEN g %% 100 = 0 THEN 2 WHEN g %% 10 = 0 THEN 1 ELSE 0 END, now(), now()
      FROM generate_series(1, %(n)s) g, LATERAL (SELECT (%(partners)s)[1 + (g * 31) %% %(n_partners)s] AS p) c
""", {"n": N_ORDERS, "company": company.id, "currency": currency.id, "sellers": seller_ids,
      "partners": partner_ids, "n_partners": len(partner_ids)})
cr.execute("""
    INSERT INTO sale_order_line (order_id, product_id, product_uom, product_uom_qty, qty_delivered, price_unit,
                                 customer_lead, name, company_id, currency_id, state, create_date, write_date)
    SELECT o.id, (%(products)s)[1 + (o.id / 7 + k * 11) %% 50], %(unit)s, 1 + (o.id + k) %% 20, 1 + (o.id + k) %% 20, 10,
           0, 'Bench line', o.company_id, o.currency_id, 'sale', now(), now()
      FROM sale_order o CROSS JOIN generate_series(1, %(lines)s) k
     WHERE o.name LIKE 'BENCH/%%'
""", {"products": products.ids, "unit": unit.id, "lines": N_LINES})
cr.execute("""
    INSERT INTO stock_picking (name, partner_id, picking_type_id, location_id, location_dest_id, move_type,
                               company_id, state, scheduled_date, date_done, sale_id, origin, create_date, write_date)
    SELECT 'BENCH/OUT/' || o.id, o.partner_id, %(type)s, %(stock)s, %(customers)s, 'direct', o.company_id, 'done',
           o.date_order + interval '5 days', o.date_order + ((o.id %% 9) * interval '1 day'), o.id, o.name, now(), now()
      FROM sale_order o WHERE o.name LIKE 'BENCH/%%'
""", {"type": out_type.id, "stock": stock.id, "customers": customer_location.id})
cr.execute("""
    INSERT INTO stock_move (name, product_id, product_uom, product_uom_qty, quantity, product_qty, location_id,
                            location_dest_id, company_id, state, date, date_deadline, picking_id, sale_line_id,
                            procure_method, partner_id, picking_type_id, reference, create_date, write_date)
    SELECT l.name, l.product_id, l.product_uom, l.product_uom_qty, l.product_uom_qty, l.product_uom_qty,
           pk.location_id, pk.location_dest_id, l.company_id, 'done', pk.date_done, pk.scheduled_date, pk.id, l.id,
           'make_to_stock', pk.partner_id, pk.picking_type_id, pk.name, now(), now()
      FROM sale_order_line l JOIN stock_picking pk ON pk.sale_id = l.order_id
     WHERE pk.name LIKE 'BENCH/OUT/%%'
""", {})
cr.execute("""
    INSERT INTO stock_move_line (move_id, picking_id, product_id, product_uom_id, quantity, quantity_product_uom,
                                 location_id, location_dest_id, company_id, state, date, picked, reference,
                                 create_date, write_date)
    SELECT m.id, m.picking_id, m.product_id, m.product_uom, m.quantity, m.quantity, m.location_id,
           m.location_dest_id, m.company_id, 'done', m.date, true, m.reference, now(), now()
      FROM stock_move m WHERE m.reference LIKE 'BENCH/OUT/%%'
""", {})
# The lot: one delivery of it to each of 1,000 customers.
cr.execute("""
    UPDATE stock_move_line SET lot_id = %(lot)s WHERE id IN (
        SELECT DISTINCT ON (m.partner_id) ml.id
          FROM stock_move_line ml JOIN stock_move m ON m.id = ml.move_id
         WHERE ml.reference LIKE 'BENCH/OUT/%%' AND ml.product_id = %(product)s
         ORDER BY m.partner_id, ml.id
         LIMIT %(n)s)
""", {"lot": lot.id, "product": lot_product.id, "n": LOT_CUSTOMERS})
lot_deliveries = cr.rowcount
# The customer who complains and the one whose order waits for the lot are two of the customers who
# received it: 999 others to tell at every size (with customers from outside the lot, the count of
# customers to tell, and so the quarantine's queries, changed with the data).
cr.execute("""
    SELECT DISTINCT m.partner_id FROM stock_move_line ml JOIN stock_move m ON m.id = ml.move_id
     WHERE ml.lot_id = %s ORDER BY m.partner_id LIMIT 2
""", [lot.id])
waiting_partner_id, complaining_partner_id = (row[0] for row in cr.fetchall())
cr.execute("""
    INSERT INTO stock_quant (product_id, location_id, lot_id, company_id, quantity, reserved_quantity, in_date,
                             create_date, write_date)
    VALUES (%(product)s, %(stock)s, %(lot)s, %(company)s, 500, 0, now(), now(), now()),
           (%(product)s, %(shelf)s, %(lot)s, %(company)s, 200, 0, now(), now(), now())
""", {"product": lot_product.id, "stock": stock.id, "shelf": shelf.id, "lot": lot.id, "company": company.id})
cr.execute("""
    INSERT INTO qms_customer_complaint (name, subject, company_id, state, partner_id, commercial_partner_id, channel,
                                        date_received, complaint_type, severity, salesperson_id, user_id, product_id,
                                        quantity_affected, date_acknowledged, date_closed, days_to_close,
                                        root_cause_category, is_recurrence, create_date, write_date)
    SELECT 'BENCH/CC/' || g, 'Bench complaint ' || g, %(company)s,
           CASE g %% 10 WHEN 0 THEN 'new' WHEN 1 THEN 'acknowledged' WHEN 2 THEN 'investigating' ELSE 'closed' END,
           c.p, c.p, 'email', c.received,
           (ARRAY['quality', 'delivery', 'service', 'documentation', 'other'])[1 + g %% 5],
           (ARRAY['minor', 'major', 'critical'])[1 + g %% 3], (%(sellers)s)[1 + g %% 5], (%(sellers)s)[1 + g %% 5],
           (%(products)s)[1 + g %% 50], 1 + g %% 7,
           CASE WHEN g %% 10 > 0 THEN c.received + interval '3 hours' END,
           CASE WHEN g %% 10 > 2 THEN c.received + interval '9 days' END,
           CASE WHEN g %% 10 > 2 THEN 9.0 ELSE 0.0 END,
           CASE WHEN g %% 10 > 2 THEN (ARRAY['man', 'machine', 'material', 'method', 'measurement', 'environment'])[1 + g %% 6] END,
           false, now(), now()
      FROM generate_series(1, %(n)s) g,
           LATERAL (SELECT (%(partners)s)[1 + (g * 17) %% %(n_partners)s] AS p,
                           timestamp '2025-01-01 03:00' + ((g * 4001) %% 360) * interval '1 day' AS received) c
""", {"n": N_COMPLAINTS, "company": company.id, "sellers": seller_ids, "products": products.ids,
      "partners": partner_ids, "n_partners": len(partner_ids)})
# A campaign a month: one survey per customer and campaign.
campaigns = env["qms.satisfaction.campaign"].create([{
    "title": f"Bench 2025-{month:02d}", "date_start": f"2025-{month:02d}-01", "date_end": f"2025-{month:02d}-28",
    "company_id": company.id,
} for month in range(1, 13)])
env.flush_all()
cr.execute("""
    INSERT INTO qms_satisfaction_survey (name, campaign_id, company_id, period_date, partner_id, user_id, state, score,
                                         answered_on, dissatisfied, create_date, write_date)
    SELECT 'BENCH/SV/' || g, c.id, c.company_id, c.date_start, (%(partners)s)[1 + (g / 12) %% %(n_partners)s],
           (%(sellers)s)[1 + g %% 5], 'answered', 20 + (g * 37) %% 81, c.date_start + interval '20 days', false,
           now(), now()
      FROM generate_series(0, %(n)s - 1) g JOIN qms_satisfaction_campaign c ON c.id = (%(campaigns)s)[1 + g %% 12]
""", {"n": N_SURVEYS, "partners": partner_ids, "n_partners": len(partner_ids), "sellers": seller_ids,
      "campaigns": campaigns.ids})
cr.execute("""
    UPDATE qms_satisfaction_survey s
       SET grade_id = (SELECT g.id FROM qms_satisfaction_grade g
                        WHERE g.active AND g.min_score <= s.score AND g.company_id IS NULL
                        ORDER BY g.min_score DESC LIMIT 1)
     WHERE s.name LIKE 'BENCH/SV/%%'
""")
# Contract review: every tenth order reviewed (revision 1, decided), every hundredth in a second
# revision waiting for the departments.
cr.execute("""
    INSERT INTO qms_contract_review_line (order_id, role_id, revision, sequence, decision, reviewer_id, decided_on,
                                          company_id, is_current, create_date, write_date)
    SELECT o.id, r.id, 1, 10, 'accepted', %(admin)s, o.date_order, o.company_id, o.qms_review_revision = 1, now(), now()
      FROM sale_order o CROSS JOIN unnest(%(roles)s) AS r(id)
     WHERE o.name LIKE 'BENCH/%%' AND o.qms_review_revision >= 1
    UNION ALL
    SELECT o.id, r.id, 2, 10, 'pending', NULL, NULL, o.company_id, true, now(), now()
      FROM sale_order o CROSS JOIN unnest(%(roles)s) AS r(id)
     WHERE o.name LIKE 'BENCH/%%' AND o.qms_review_revision = 2
""", {"roles": role_ids, "admin": env.ref("base.user_admin").id})
cr.execute("""
    INSERT INTO qms_corrective_action (name, description, company_id, due_date, state, user_id, implemented_on,
                                       verified_on, create_date, write_date)
    SELECT 'BENCH/CA/' || g, 'Bench action', %(company)s, date '2025-01-15' + (g * 11) %% 360,
           CASE WHEN g %% 3 = 0 THEN 'verified' ELSE 'open' END, (%(sellers)s)[1 + g %% 5],
           CASE WHEN g %% 3 = 0 THEN date '2025-01-10' + (g * 11) %% 360 END,
           CASE WHEN g %% 3 = 0 THEN date '2025-01-12' + (g * 11) %% 360 END,
           timestamp '2025-01-01' + ((g * 7) %% 350) * interval '1 day', now()
      FROM generate_series(1, %(n)s) g
""", {"n": N_ACTIONS, "company": company.id, "sellers": seller_ids})
t = step("insert", t)
for table in ("res_partner", "res_users", "product_product", "product_template", "product_category", "stock_location",
              "stock_lot", "sale_order", "sale_order_line", "stock_picking", "stock_move", "stock_move_line",
              "stock_quant", "qms_customer_complaint", "qms_satisfaction_campaign", "qms_satisfaction_survey",
              "qms_contract_review_line", "qms_corrective_action"):
    cr.execute(f"ANALYZE {table}")
t = step("analyze", t)
# The customer KPIs are a table kept up to date by the ORM; data inserted with SQL is taken in by
# its rebuild (what the daily job and an upgrade do).
env["qms.customer.kpi.report"]._qms_rebuild()
cr.execute("ANALYZE qms_customer_kpi_report")
t = step("kpi_rebuild", t)
env.invalidate_all()
env.registry.clear_cache()

# An open delivery of the lot (reserved on it) and the complaint about the lot.
waiting = env["sale.order"].create({
    "partner_id": waiting_partner_id, "user_id": seller_ids[0],
    "order_line": [Command.create({"product_id": lot_product.id, "product_uom_qty": 5})],
})
waiting.action_confirm()
complaint = env["qms.customer.complaint"].create({
    "subject": "Bench lot complaint", "partner_id": complaining_partner_id, "product_id": lot_product.id, "lot_id": lot.id,
    "severity": "major", "user_id": quality.id,
})
review = env["qms.management.review"].create({"date_from": "2025-10-01", "date_to": "2025-12-31"})
env.flush_all()
env.invalidate_all()

admin_env = env(user=env.ref("base.user_admin").id, su=False)
admin_env = admin_env(context=admin_env["res.users"].context_get())
quality_env = env(user=quality.id, su=False)
quality_env = quality_env(context=quality_env["res.users"].context_get())

MEASURES = ["delivery_count:sum", "on_time_rate:avg", "complaint_count:sum", "complaint_ppm:avg",
            "satisfaction_score:avg"]

def kpi_year():
    # What the pivot asks for a year: the total, per customer, per quarter, per customer and quarter.
    Report = admin_env["qms.customer.kpi.report"]
    domain = [("date", ">=", "2025-01-01"), ("date", "<=", "2025-12-31")]
    groups = 0
    for groupby in ([], ["partner_id"], ["date:quarter"], ["partner_id", "date:quarter"]):
        groups += len(Report.read_group(domain, MEASURES, groupby, lazy=False))
    return groups

def management_review():
    record = review.with_env(admin_env)
    figures = record._qms_figures()
    admin_env["ir.qweb"]._render("qms_customer_process.management_review_body", {"o": record, "figures": figures})
    return figures["key_figures"][2]["current"]

REVIEW_SPEC = {name: {} for name in ("is_current", "can_decide", "partner_id", "revision", "sequence", "decision",
                                     "reviewer_id", "decided_on", "conditions", "comment", "company_id")}
REVIEW_SPEC.update({"order_id": {"fields": {"display_name": {}}}, "role_id": {"fields": {"display_name": {}}},
                    "activity_ids": {"fields": {}}})

def department_reviews():
    # The Department Reviews menu for a quality reviewer: first page with the default filters.
    result = quality_env["qms.contract.review.line"].web_search_read(
        [("is_my_department", "=", True), ("decision", "=", "pending"), ("is_current", "=", True)],
        REVIEW_SPEC, limit=80, count_limit=10001)
    return result["length"]

KANBAN_SPEC = {name: {} for name in ("name", "subject", "severity", "state", "is_acknowledge_overdue",
                                     "is_response_overdue", "is_recurrence", "date_received", "activity_state")}
KANBAN_SPEC.update({"partner_id": {"fields": {"display_name": {}}}, "user_id": {"fields": {"display_name": {}}},
                    "activity_ids": {"fields": {}}})

def complaint_kanban():
    # The complaints kanban (default filter: in progress), grouped by status, first 40 per column.
    Complaint = quality_env["qms.customer.complaint"]
    domain = [("state", "not in", ("closed", "rejected"))]
    groups = Complaint.web_read_group(domain, ["state"], ["state"], lazy=True)["groups"]
    shown = 0
    for group in groups:
        shown += len(Complaint.web_search_read(group["__domain"], KANBAN_SPEC, limit=40)["records"])
    return shown

CONTAINMENT_SPEC = {
    "affected_partner_count": {}, "affected_qty": {}, "containment_stock_qty": {},
    "affected_move_line_ids": {"fields": {name: {} for name in ("date", "reference", "quantity_product_uom")}
                               | {"picking_partner_id": {"fields": {"display_name": {}}}}, "limit": 40},
    "containment_quant_ids": {"fields": {"quantity": {}, "location_id": {"fields": {"display_name": {}}}},
                              "limit": 40},
    "containment_move_ids": {"fields": {"reference": {}, "product_uom_qty": {}, "state": {}}, "limit": 40},
}

def containment():
    # The complaint's Containment tab: every delivery of the lot, stock on hand, open deliveries.
    values = complaint.with_env(quality_env).web_read(CONTAINMENT_SPEC)[0]
    return values["affected_partner_count"]

def measure(func, runs=RUNS):
    func()  # warm-up
    times, queries, result = [], None, None
    for _n in range(runs):
        env.invalidate_all()
        before = cr.sql_log_count
        start = time.perf_counter()
        result = func()
        times.append(time.perf_counter() - start)
        queries = cr.sql_log_count - before
    return {"seconds": min(times), "queries": queries, "result": result}

results = {
    "kpi_year": measure(kpi_year),
    "management_review": measure(management_review),
    "department_reviews": measure(department_reviews),
    "complaint_kanban": measure(complaint_kanban),
    "containment": measure(containment),
}
# The quarantine itself, once (it changes the data): transfers from both locations, the open
# delivery released and reserved again, a to-do for each of the other 999 salespeople's customers.
env.invalidate_all()
before, start = cr.sql_log_count, time.perf_counter()
complaint.with_env(quality_env).action_quarantine()
env.flush_all()
results["quarantine"] = {"seconds": time.perf_counter() - start, "queries": cr.sql_log_count - before,
                         "result": len(complaint.quarantine_picking_ids)}
t = step("measure", t)
cr.execute("SELECT count(*) FROM sale_order WHERE name LIKE 'BENCH/%%'")
counts = {"orders": cr.fetchone()[0], "lot_deliveries": lot_deliveries}
cr.execute("SELECT count(*) FROM stock_move WHERE reference LIKE 'BENCH/OUT/%%'")
counts["moves"] = cr.fetchone()[0]
cr.rollback()
print("BENCH_RESULT " + json.dumps({"scale": SCALE, "results": results, "steps": steps, "counts": counts}))
'''

LABELS = {
    "kpi_year": "customer KPI report, a year (4 pivot read_groups)",
    "management_review": "management-review input, a quarter (figures + HTML)",
    "department_reviews": "Department Reviews, reviewer's first page",
    "complaint_kanban": "complaint kanban (in progress, by status)",
    "containment": "containment of a lot delivered to 1,000 customers",
    "quarantine": "quarantine of that lot (transfers + 999 to-dos), once",
}


def run(args, scale):
    cmd = [args.python, args.odoo_bin, "shell", "-c", args.config, "-d", args.database,
           "--log-level=warn", "--no-http"]
    code = SHELL_CODE.replace("__SCALE__", str(scale)).replace("__RUNS__", str(args.runs))
    started = time.perf_counter()
    proc = subprocess.run(cmd, input=code, capture_output=True, text=True, check=False)
    for line in proc.stdout.splitlines():
        if line.startswith(MARKER):
            result = json.loads(line[len(MARKER):])
            result["wall"] = time.perf_counter() - started
            return result
    sys.stderr.write(proc.stdout[-3000:] + proc.stderr[-5000:])
    raise SystemExit(f"the shell at {scale}x printed no result (exit {proc.returncode})")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("-c", "--config", default=os.environ.get("ODOO_RC", "/tmp/devtest-kpi_bench.conf"))
    parser.add_argument("-d", "--database", default=os.environ.get("QMS_BENCH_DB", "kpi_bench"))
    parser.add_argument("--odoo-bin", default=os.path.expanduser(os.environ.get("ODOO_SRC", "~/.cache/odoo/18.0"))
                        + "/odoo-bin")
    parser.add_argument("--python", default=sys.executable)
    parser.add_argument("--runs", type=int, default=5, help="timed runs of each operation (the best counts)")
    parser.add_argument("--scales", default="1,2",
                        help="the two data sizes to compare, as multiples of the 1x data (default 1,2; e.g. 0.1,0.2 "
                             "for a quick check)")
    args = parser.parse_args()
    small_scale, large_scale = (float(value) for value in args.scales.split(","))
    results = []
    for scale in (small_scale, large_scale):
        res = run(args, scale)
        results.append(res)
        # Each size as soon as it is measured (the larger one takes twice as long).
        counts = res["counts"]
        print(f"{res['scale']:g}x: {counts['orders']:,} orders, {counts['moves']:,} delivered lines, lot delivered "
              f"to {counts['lot_deliveries']:,} customers; insert {res['steps']['insert']} s, "
              f"analyze {res['steps']['analyze']} s, KPI table rebuilt {res['steps']['kpi_rebuild']} s, measures {res['steps']['measure']} s, wall {res['wall']:.0f} s")
        for key, label in LABELS.items():
            print(f"  {label:<55} {res['results'][key]['seconds'] * 1000:7.0f} ms {res['results'][key]['queries']:>5} "
                  f"queries")
        sys.stdout.flush()
    small, large = results
    same_lot = small["counts"]["lot_deliveries"] == large["counts"]["lot_deliveries"]
    print(f"{'operation':<55} {small_scale:g}x ms  {large_scale:g}x ms  ratio  queries {small_scale:g}x/{large_scale:g}x")
    ok = True
    for key, label in LABELS.items():
        one, two = small["results"][key], large["results"][key]
        ratio = two["seconds"] / one["seconds"] if one["seconds"] else float("inf")
        # The quarantine's queries follow the customers who received the lot: compared only when
        # the lot reached as many customers at both sizes (1,000 from 0.2x up).
        same = one["queries"] == two["queries"] or (key == "quarantine" and not same_lot)
        within = ratio <= TARGET or key == "quarantine"
        ok &= within and same
        print(f"{label:<55} {one['seconds'] * 1000:7.0f} {two['seconds'] * 1000:7.0f}  {ratio:5.2f}  "
              f"{one['queries']:>4}/{two['queries']:<4} {'' if within else '(over the target)'}"
              f"{'' if same else ' (queries grow)'}")
    print(f"target: every ratio <= {TARGET} and the same number of queries at both sizes: "
          f"{'met' if ok else 'NOT met'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
