"""Benchmark: cost of qms_customer_process on creating and confirming regular sale orders.

Creates and confirms N regular orders (default 200, 5 in-stock storable standard products each)
on a database WITH qms_customer_process and on one WITHOUT it (sale_management, sale_stock and
survey only), and prints both wall times, their ratio and whether it meets the target (<= 1.10).

One ``odoo-bin shell`` subprocess runs WORKER (fed on stdin) and opens both databases. In each,
it creates the benchmark products, partner and on-hand stock if missing (committed), then works as
the admin user. Every order is one simulated request: create, action_confirm, flush plus precommit
hooks (mail tracking, as a commit would), cache invalidation. After a warm-up, each round times the
orders in chunks that alternate between the databases (A B, B A, ...), so that other load on the
machine hits both alike; each round is rolled back, and VACUUM ANALYZE runs before each, so all rounds
start from the same data. The medians of the rounds are compared.

Run with the Python of the Odoo virtualenv; see benchmarks/README.md.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ADDONS_DIR = Path(__file__).resolve().parent.parent / "addons"
BASE_MODULES = "sale_management,sale_stock,survey"
ADDON = "qms_customer_process"
TARGET = 1.10
MARKER = "BENCH_RESULT "

WORKER = r'''
import json, os, time
import psycopg2
from odoo import SUPERUSER_ID, Command, api
from odoo.modules.registry import Registry
from odoo.sql_db import connection_info_for

P = json.loads(os.environ["BENCH_PARAMS"])

class Bench:
    def __init__(self, db, expect_addon):
        self.cr = Registry(db).cursor()
        su = api.Environment(self.cr, SUPERUSER_ID, {}, su=True)
        has_addon = bool(su["ir.module.module"].search_count([("name", "=", P["addon"]), ("state", "=", "installed")]))
        if has_addon != expect_addon:
            raise SystemExit(f"{db}: {P['addon']} installed={has_addon}, expected {expect_addon}")
        self.db, self.has_addon = db, has_addon
        # Setup, identical in both databases, committed.
        products = su["product.product"].search([("default_code", "=like", "BENCH-%")], order="default_code")
        if not products:
            products = su["product.product"].create([{
                "name": f"Bench product {i}", "default_code": f"BENCH-{i}", "type": "consu", "is_storable": True,
                "list_price": 10.0 + i, "invoice_policy": "order",
            } for i in range(1, 6)])
        partner = su["res.partner"].search([("ref", "=", "BENCH-CUSTOMER")], limit=1) or su["res.partner"].create(
            {"name": "Bench Customer", "ref": "BENCH-CUSTOMER", "email": "bench@example.com"})
        admin = su.ref("base.user_admin")
        stock = su["stock.warehouse"].search([("company_id", "=", admin.company_id.id)], limit=1).lot_stock_id
        for product in products:
            missing = P["stock"] - product.with_context(location=stock.id).qty_available
            if missing > 0:
                su["stock.quant"]._update_available_quantity(product, stock, missing)
        self.cr.commit()
        self.env = su(user=admin.id, su=False)
        self.env = self.env(context=self.env["res.users"].context_get())
        self.product_ids, self.partner_id = products.ids, partner.id
        self.seconds, self.queries, self.ids = 0.0, 0, []

    def run(self, count):
        queries, start = self.cr.sql_log_count, time.perf_counter()
        for _n in range(count):
            i = len(self.ids)
            order = self.env["sale.order"].create({"partner_id": self.partner_id, "order_line": [
                Command.create({"product_id": pid, "product_uom_qty": 1 + (i + j) % 3})
                for j, pid in enumerate(self.product_ids)
            ]})
            order.action_confirm()
            self.cr.flush()  # pending writes and precommit hooks, as the commit of a request would
            self.env.invalidate_all()  # the next request starts with an empty cache
            self.ids.append(order.id)
        self.seconds += time.perf_counter() - start
        self.queries += self.cr.sql_log_count - queries

    def finish_round(self):
        orders = self.env["sale.order"].browse(self.ids)
        result = {
            "db": self.db, "seconds": self.seconds, "queries_per_order": self.queries / max(len(self.ids), 1),
            "order_states": sorted(set(orders.mapped("state"))),
            "picking_states": sorted(set(orders.picking_ids.mapped("state"))),
            "contract_types": sorted(set(orders.mapped("qms_contract_type"))) if self.has_addon else None,
        }
        self.cr.rollback()
        self.env.invalidate_all()
        self.seconds, self.queries, self.ids = 0.0, 0, []
        return result

    def vacuum(self):
        """Same table state for every round: no dead rows left by the previous one, fresh statistics."""
        cnx = psycopg2.connect(**connection_info_for(self.db)[1])
        cnx.autocommit = True
        with cnx.cursor() as cr:
            cr.execute("VACUUM ANALYZE")
        cnx.close()

benches = [Bench(db, expect_addon) for db, expect_addon in P["dbs"]]
for bench in benches:
    bench.vacuum()
    bench.run(P["warmup"])
    bench.finish_round()
for rnd in range(P["rounds"]):
    for bench in benches:
        bench.vacuum()
    for n, start in enumerate(range(0, P["orders"], P["chunk"])):
        for bench in (benches if (rnd + n) % 2 == 0 else benches[::-1]):
            bench.run(min(P["chunk"], P["orders"] - start))
    print("BENCH_RESULT " + json.dumps([bench.finish_round() for bench in benches]), flush=True)
for bench in benches:
    bench.cr.close()
'''


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--odoo-src", default=os.environ.get("ODOO_SRC") or str(Path.home() / ".cache/odoo/18.0"))
    parser.add_argument("--db-with", default="bench_with", help=f"database with {ADDON} installed")
    parser.add_argument("--db-without", default="bench_without", help=f"database with only {BASE_MODULES}")
    parser.add_argument("--create", action="store_true", help="create both databases first (about 2 minutes)")
    parser.add_argument("--db-host", help="default: PGHOST")
    parser.add_argument("--db-port", help="default: PGPORT")
    parser.add_argument("--db-user", help="default: PGUSER")
    parser.add_argument("--orders", type=int, default=200)
    parser.add_argument("--warmup", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--chunk", type=int, default=10, help="orders per chunk before switching database")
    parser.add_argument("--strict", action="store_true", help="exit with 1 when the ratio is over the target")
    return parser.parse_args()


def write_config(args):
    addons = [Path(args.odoo_src) / "odoo" / "addons", Path(args.odoo_src) / "addons", ADDONS_DIR]
    lines = ["[options]", "addons_path = " + ",".join(str(path) for path in addons), "max_cron_threads = 0"]
    lines += [f"{key} = {value}" for key, value in
              (("db_host", args.db_host), ("db_port", args.db_port), ("db_user", args.db_user)) if value]
    with tempfile.NamedTemporaryFile("w", prefix="bench_confirm_", suffix=".conf", delete=False) as conf:
        conf.write("\n".join(lines) + "\n")
    return conf.name


def odoo_cmd(args, conf, *params):
    return [sys.executable, str(Path(args.odoo_src) / "odoo-bin"), *params, "-c", conf, "--no-http", "--log-level=warn"]


def create_databases(args, conf):
    """The database without the addon, then a copy of it in which the addon is installed."""
    pg = [opt for flag, value in (("-h", args.db_host), ("-p", args.db_port), ("-U", args.db_user))
          if value for opt in (flag, value)]
    subprocess.run(["createdb", *pg, args.db_without], check=True)
    subprocess.run(odoo_cmd(args, conf, "-d", args.db_without, "-i", BASE_MODULES, "--stop-after-init"), check=True)
    subprocess.run(["createdb", *pg, "-T", args.db_without, args.db_with], check=True)
    subprocess.run(odoo_cmd(args, conf, "-d", args.db_with, "-i", ADDON, "--stop-after-init"), check=True)


def measure(args, conf):
    """Run the worker; yield one {with_addon: result} per round. Odoo's log goes to our stderr."""
    params = {"orders": args.orders, "warmup": args.warmup, "rounds": args.rounds, "chunk": args.chunk,
              "stock": 1_000_000, "addon": ADDON, "dbs": [[args.db_with, True], [args.db_without, False]]}
    with subprocess.Popen(odoo_cmd(args, conf, "shell"), stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
                          env={**os.environ, "BENCH_PARAMS": json.dumps(params)}) as proc:
        proc.stdin.write(WORKER)
        proc.stdin.close()
        for line in proc.stdout:
            if line.startswith(MARKER):
                yield dict(zip((True, False), json.loads(line[len(MARKER):]), strict=True))
    if proc.returncode:
        sys.exit(f"The benchmark worker failed (exit code {proc.returncode}), see its log above.")


def main():
    args = parse_args()
    conf = write_config(args)
    times = {True: [], False: []}
    try:
        if args.create:
            create_databases(args, conf)
        print(f"{args.rounds} rounds of {args.orders} orders x 5 lines (after {args.warmup} warm-up orders)", flush=True)
        for rnd, results in enumerate(measure(args, conf), 1):
            for with_addon, result in results.items():
                if result["order_states"] != ["sale"] or (with_addon and result["contract_types"] != ["regular"]):
                    sys.exit(f"Not all orders are confirmed regular orders: {result}")
                times[with_addon].append(result["seconds"])
                print(f"  round {rnd}  {result['db']:<20} {result['seconds']:8.2f} s  "
                      f"{result['queries_per_order']:6.1f} queries/order  pickings {','.join(result['picking_states'])}",
                      flush=True)
    finally:
        os.unlink(conf)
    with_s, without_s = statistics.median(times[True]), statistics.median(times[False])
    ratio = with_s / without_s
    ok = ratio <= TARGET
    print(f"\nMedian of {args.rounds} rounds, {args.orders} orders created and confirmed:")
    print(f"  with {ADDON:<22} {with_s:8.2f} s  ({1000 * with_s / args.orders:.1f} ms/order)")
    print(f"  without (base modules only)  {without_s:8.2f} s  ({1000 * without_s / args.orders:.1f} ms/order)")
    print(f"  ratio {ratio:.3f}, target <= {TARGET:.2f}: {'OK' if ok else 'OVER TARGET'}")
    return 1 if args.strict and not ok else 0


if __name__ == "__main__":
    sys.exit(main())
