"""Customer KPIs (qms.customer.kpi.report) against the data set computed by hand in kpi_common."""

import gc
from datetime import date
from unittest.mock import patch

from odoo import Command
from odoo.addons.sale_stock.tests.common import TestSaleStockCommon
from odoo.exceptions import AccessError
from odoo.tests import Form, new_test_user, tagged

from .kpi_common import KpiCase

SUMS = ["delivery_count:sum", "on_time_count:sum", "delivered_qty:sum", "complaint_count:sum", "complaint_qty:sum"]
RATES = ["on_time_rate:avg", "complaint_ppm:avg", "acknowledge_hours:avg", "close_days:avg",
         "satisfaction_score:avg", "retention_rate:avg", "repeat_purchase_rate:avg"]
QUARTER = (("date", ">=", "2025-01-01"), ("date", "<=", "2025-03-31"))


@tagged("post_install", "-at_install")
class TestCustomerKpi(KpiCase):
    def _report(self, user=None):
        Report = self.kenv["qms.customer.kpi.report"]
        return Report.with_user(user) if user else Report

    def _groups(self, groupby, domain=QUARTER, user=None, aggregates=None):
        """{group key: {aggregate: value}} of the data set's customers."""
        aggregates = aggregates or [*SUMS, *RATES]
        rows = self._report(user)._read_group(
            [*domain, ("partner_id", "in", self.customers.ids)], groupby, aggregates,
        )
        size = len(groupby)
        return {
            (row[0] if size == 1 else tuple(row[:size])): dict(zip(aggregates, row[size:], strict=True))
            for row in rows
        }

    def test_quarter_totals(self):
        total = self._groups([])[()]
        self.assertEqual(total["delivery_count:sum"], 6)
        self.assertEqual(total["on_time_count:sum"], 4)
        self.assertAlmostEqual(total["on_time_rate:avg"], 400 / 6)
        self.assertAlmostEqual(total["delivered_qty:sum"], 1200.0)
        self.assertEqual(total["complaint_count:sum"], 2, "the rejected complaint does not count")
        self.assertAlmostEqual(total["complaint_qty:sum"], 5.0)
        self.assertAlmostEqual(total["complaint_ppm:avg"], 5 / 1200 * 1e6, places=2)
        self.assertAlmostEqual(total["acknowledge_hours:avg"], 3.0)
        self.assertAlmostEqual(total["close_days:avg"], 10.0)
        self.assertAlmostEqual(total["satisfaction_score:avg"], 70.0)
        self.assertAlmostEqual(total["retention_rate:avg"], 60.0)
        self.assertAlmostEqual(total["repeat_purchase_rate:avg"], 400 / 6)

    def test_ppm_is_right_at_every_grouping(self):
        """The PPM of a group is its affected quantity over its delivered quantity, never the
        average of its rows' or sub-groups' PPMs."""
        by_customer = self._groups(["partner_id"])
        self.assertAlmostEqual(by_customer[self.x]["complaint_ppm:avg"], 2 / 350 * 1e6, places=2)
        self.assertAlmostEqual(by_customer[self.y]["complaint_ppm:avg"], 3 / 450 * 1e6, places=2)
        self.assertAlmostEqual(by_customer[self.z]["complaint_ppm:avg"], 0.0)
        by_category = self._groups(["product_categ_id"])
        self.assertAlmostEqual(by_category[self.category]["complaint_ppm:avg"], 2000.0)
        self.assertAlmostEqual(by_category[self.category_q]["complaint_ppm:avg"], 15000.0)
        by_month = self._groups(["date:month"])
        self.assertEqual(sorted(by_month), [date(2025, 1, 1), date(2025, 2, 1), date(2025, 3, 1)])
        self.assertAlmostEqual(by_month[date(2025, 2, 1)]["complaint_ppm:avg"], 2 / 600 * 1e6, places=2)
        self.assertAlmostEqual(by_month[date(2025, 3, 1)]["complaint_ppm:avg"], 15000.0)
        self.assertEqual(by_month[date(2025, 1, 1)]["complaint_ppm:avg"], 0.0)
        # The pivot's path: read_group with the field's aggregator.
        pivot = self._report().read_group(
            [*QUARTER, ("partner_id", "in", self.customers.ids)], ["complaint_ppm:avg", "on_time_rate:avg"],
            ["date:quarter"], lazy=False,
        )
        self.assertEqual(len(pivot), 1)
        self.assertAlmostEqual(pivot[0]["complaint_ppm"], 5 / 1200 * 1e6, places=2)
        self.assertAlmostEqual(pivot[0]["on_time_rate"], 400 / 6)
        # The pivot offers the rates as measures.
        fields = self._report().fields_get(["complaint_ppm", "retention_rate"], ["aggregator"])
        self.assertEqual(fields["complaint_ppm"]["aggregator"], "avg")
        self.assertEqual(fields["retention_rate"]["aggregator"], "avg")

    def test_pivot_groups_in_the_customers_order(self):
        """The groups come in Odoo's order of what they are grouped by (customers by name, empty
        last), as without the report's own ordering, which groups by the columns alone in SQL."""
        # Created 杭州, 苏州, Zenith: by name, Zenith comes first.
        by_name = self.env["res.partner"].search([("id", "in", self.customers.ids)])
        self.assertEqual(by_name, self.z | self.x | self.y)
        domain = [*QUARTER, ("partner_id", "in", self.customers.ids)]
        Report = self._report()
        rows = Report.read_group(domain, ["delivery_count:sum"], ["partner_id"], lazy=False)
        self.assertEqual([row["partner_id"][0] for row in rows], by_name.ids)
        self.assertEqual([row["delivery_count"] for row in rows], [1, 3, 2])
        rows = Report.read_group(domain, ["delivery_count:sum"], ["date:month", "partner_id"], lazy=False)
        months = ["January 2025", "February 2025", "March 2025"]
        keys = [(months.index(row["date:month"]), by_name.ids.index(row["partner_id"][0])) for row in rows]
        self.assertEqual(keys, sorted(set(keys)), "by month, then by customer name")
        self.assertIn((1, 0), keys, "Zenith Drives in February, before 杭州精密机械")
        self.assertIn((1, 1), keys)
        rows = Report._read_group(domain, ["fact", "partner_id"], ["__count"], order="fact,partner_id")
        self.assertEqual([(fact, partner) for fact, partner, _count in rows if fact == "delivery"],
                         [("delivery", self.z), ("delivery", self.x), ("delivery", self.y)])
        # Salespeople by name, categories by full name; an explicit order is left to SQL.
        rows = Report._read_group(domain, ["user_id"], ["__count"], order="user_id")
        self.assertEqual([user for user, _count in rows],
                         [*self.env["res.users"].search([("id", "in", [r[0].id for r in rows if r[0]])]),
                          *[user for user, _count in rows if not user]])
        rows = Report._read_group(domain, ["partner_id"], ["delivery_count:sum"], order="delivery_count:sum DESC")
        self.assertEqual([partner for partner, _sum in rows], [self.x, self.y, self.z])

    def test_groups_made_with_the_cycle_collector_paused(self):
        """read_group pauses Python's cycle collector while it makes the groups, and gives it
        back as it was, also when the query fails."""
        Report = self._report()
        seen = []
        original = type(Report)._read_group

        def spy(model, *args, **kwargs):
            seen.append(gc.isenabled())
            return original(model, *args, **kwargs)

        self.assertTrue(gc.isenabled())
        with patch.object(type(Report), "_read_group", spy):
            rows = Report.read_group(list(QUARTER), ["delivery_count:sum"], ["partner_id"], lazy=False)
            self.assertEqual(sum(row["delivery_count"] for row in rows), 6)
            self.assertEqual(seen, [False])
            self.assertTrue(gc.isenabled())
            with self.assertRaisesRegex(ValueError, "Invalid field 'no_such_measure'"):
                Report.read_group(list(QUARTER), ["no_such_measure"], ["partner_id"], lazy=False)
            self.assertTrue(gc.isenabled(), "given back after an error")
            gc.disable()
            try:
                Report.read_group(list(QUARTER), ["delivery_count:sum"], ["partner_id"], lazy=False)
                self.assertFalse(gc.isenabled(), "left off when it was off")
            finally:
                gc.enable()

    def test_on_time_by_day_in_the_company_time_zone(self):
        by_month = self._groups(["date:month"])
        # Z's delivery of 31 January 20:00 UTC is a February delivery in Shanghai.
        self.assertEqual({month: row["delivery_count:sum"] for month, row in by_month.items()},
                         {date(2025, 1, 1): 2, date(2025, 2, 1): 2, date(2025, 3, 1): 2})
        self.assertEqual({month: row["on_time_count:sum"] for month, row in by_month.items()},
                         {date(2025, 1, 1): 2, date(2025, 2, 1): 1, date(2025, 3, 1): 1})
        by_customer = self._groups(["partner_id"])
        # X's March delivery: the order's commitment date (5 March) wins over the deadline (1 March).
        self.assertEqual(by_customer[self.x]["on_time_count:sum"], 2)
        self.assertEqual(by_customer[self.y]["on_time_count:sum"], 1, "done on the promised day counts as on time")

    def test_retention_and_repeat_purchase_per_month(self):
        rows = self._groups(["date:month"], domain=[("date", ">=", "2024-12-01"), ("date", "<=", "2025-04-30")],
                            aggregates=["customer_count:sum", "repeat_customer_count:sum",
                                        "previous_customer_count:sum", "retained_customer_count:sum",
                                        "retention_rate:avg", "repeat_purchase_rate:avg"])
        expected = {
            # month: buying, returning, previous month's, retained, retention %, repeat %
            date(2024, 12, 1): (1, 0, 0, 0, None, 0.0),
            date(2025, 1, 1): (2, 1, 1, 1, 100.0, 50.0),
            date(2025, 2, 1): (2, 1, 2, 1, 50.0, 50.0),
            date(2025, 3, 1): (2, 2, 2, 1, 50.0, 100.0),
            date(2025, 4, 1): (0, 0, 2, 0, 0.0, None),
        }
        got = {month: tuple(values.values()) for month, values in rows.items()}
        for month, values in expected.items():
            self.assertEqual(got[month][:4], values[:4], month)
            for value, wanted in zip(got[month][4:], values[4:], strict=True):
                if wanted is None:
                    self.assertFalse(value, month)
                else:
                    self.assertAlmostEqual(value, wanted, msg=month)
        # One row per customer and month, whatever the orders, salespeople and categories.
        facts = self._report().search([("partner_id", "=", self.x.id), ("fact", "=", "customer")])
        self.assertEqual(sorted(facts.mapped("date")),
                         [date(2024, 12, 1), date(2025, 1, 1), date(2025, 2, 1), date(2025, 3, 1)])
        self.assertEqual(facts.mapped("retention_rate"), [100.0 if row.previous_customer_count else 0.0 for row in facts])

    def test_salesperson_sees_own_customers(self):
        seen = self._groups(["partner_id"], user=self.salesman)
        self.assertEqual(set(seen), {self.x, self.y})
        self.assertEqual(sum(row["delivery_count:sum"] for row in seen.values()), 5, "X 3, Y 2")
        self.assertEqual(set(self._groups(["partner_id"], user=self.salesman2)), {self.z})
        for manager in (self.sales_manager, self.quality, self.gm):
            self.assertEqual(set(self._groups(["partner_id"], user=manager)), {self.x, self.y, self.z})
        # Rows of the other salesperson cannot be read one by one either.
        z_rows = self._report().search([("partner_id", "=", self.z.id)])
        self.assertTrue(z_rows)
        with self.assertRaisesRegex(AccessError, r"Customer KPI Analysis"):
            z_rows.with_user(self.salesman).read(["delivery_count"])

    def test_company_and_access(self):
        # A salesperson who does not work in the KPI company sees none of its figures.
        outsider = new_test_user(self.env, login="qms_t_kpi_outsider", groups="sales_team.group_sale_manager")
        self.assertFalse(self.env["qms.customer.kpi.report"].with_user(outsider).search_count(
            [("partner_id", "in", self.customers.ids)]))
        # Users of no sales or QMS group have no access to the report.
        with self.assertRaisesRegex(AccessError, r"not allowed to access 'Customer KPI Analysis'"):
            self._report(self.plain_user).search([])


PIVOT_MEASURES = ["delivery_count:sum", "on_time_rate:avg", "complaint_count:sum", "complaint_ppm:avg",
                  "satisfaction_score:avg"]


@tagged("post_install", "-at_install")
class TestCustomerKpiTable(KpiCase):
    """The report is a table of facts kept up to date by the ORM, read in a number of queries
    that does not grow with the customers."""

    _report = TestCustomerKpi._report
    _groups = TestCustomerKpi._groups

    def _totals(self, partner, aggregates=("delivery_count:sum", "delivered_qty:sum", "complaint_count:sum",
                                           "customer_count:sum")):
        """All-time sums of one customer."""
        row = self.kenv["qms.customer.kpi.report"]._read_group([("partner_id", "=", partner.id)], [], aggregates)[0]
        return dict(zip(aggregates, row, strict=True))

    def _pivot(self, user):
        """What the pivot asks for the quarter: the total, per customer, per quarter, per customer
        and quarter (as the scale benchmark does)."""
        Report = self.kenv["qms.customer.kpi.report"].with_user(user)
        return [
            Report.read_group(list(QUARTER), PIVOT_MEASURES, groupby, lazy=False)
            for groupby in ([], ["partner_id"], ["date:quarter"], ["partner_id", "date:quarter"])
        ]

    def _rows(self):
        self.kenv["qms.customer.kpi.report"].search([], limit=1)  # what changed is made again
        self.env.cr.execute("SELECT * FROM qms_customer_kpi_report WHERE company_id = %s ORDER BY id",
                            [self.kpi_company.id])
        return self.env.cr.fetchall()

    def test_changes_through_the_orm_reach_the_report(self):
        self.assertEqual(self._totals(self.x), {"delivery_count:sum": 3, "delivered_qty:sum": 350.0,
                                                "complaint_count:sum": 1, "customer_count:sum": 4})
        # A delivery validated today: a delivery and a customer month more.
        order = self.kenv["sale.order"].create({
            "partner_id": self.x.id, "company_id": self.kpi_company.id, "user_id": self.salesman.id,
            "order_line": [Command.create({"product_id": self.product_q.id, "product_uom_qty": 7})],
        })
        order.action_confirm()
        picking = order.picking_ids
        picking.move_ids.picked = True
        self.assertIs(picking.button_validate(), True)
        self.assertEqual(self._totals(self.x), {"delivery_count:sum": 4, "delivered_qty:sum": 357.0,
                                                "complaint_count:sum": 1, "customer_count:sum": 5})
        # A complaint counts once received, no longer once rejected.
        complaint = self.kenv["qms.customer.complaint"].create({
            "subject": "Noise", "partner_id": self.y.id, "product_id": self.product_q.id, "quantity_affected": 4,
            "company_id": self.kpi_company.id,
        })
        self.assertEqual(self._totals(self.y)["complaint_count:sum"], 2)
        complaint.write({"state": "rejected", "reject_reason": "Not ours"})
        self.assertEqual(self._totals(self.y)["complaint_count:sum"], 1)
        # A customer handed over to another salesperson: its customer months follow (the
        # deliveries stay those of the orders' salesperson), record rules too.
        self.assertNotIn(self.x, self._groups(["partner_id"], user=self.salesman2))
        self.x.user_id = self.salesman2
        months = ["customer_count:sum"]
        self.assertEqual(self._groups(["partner_id"], user=self.salesman2, aggregates=months)[self.x], {months[0]: 3})
        self.assertEqual(self._groups(["partner_id"], user=self.salesman, aggregates=months)[self.x], {months[0]: 0})
        # A cancelled order is no purchase.
        newcomer = self.env["res.partner"].create({"name": "无锡泵业", "is_company": True, "user_id": self.salesman.id})
        order = self.kenv["sale.order"].create({
            "partner_id": newcomer.id, "company_id": self.kpi_company.id, "user_id": self.salesman.id,
            "order_line": [Command.create({"product_id": self.product_p.id, "product_uom_qty": 1})],
        })
        order.action_confirm()
        self.assertEqual(self._totals(newcomer)["customer_count:sum"], 1)
        order._action_cancel()
        self.assertEqual(self._totals(newcomer)["customer_count:sum"], 0)
        # What the changes left is what a rebuild from the records makes.
        rows = self._rows()
        self.kenv["qms.customer.kpi.report"]._qms_rebuild()
        self.assertEqual(self._rows(), rows)

    def test_previous_month_row_counts_from_its_month(self):
        """A customer who bought this month is a customer of the previous month for next month:
        stored in advance, that row is not shown before next month."""
        order = self.kenv["sale.order"].create({
            "partner_id": self.z.id, "company_id": self.kpi_company.id, "user_id": self.salesman2.id,
            "order_line": [Command.create({"product_id": self.product_p.id, "product_uom_qty": 1})],
        })
        order.action_confirm()
        Report = self.kenv["qms.customer.kpi.report"]
        Report.search([], limit=1)
        self.env.cr.execute("SELECT max(date) FROM qms_customer_kpi_report WHERE partner_id = %s AND fact = 'lapsed'",
                            [self.z.id])
        next_month = self.env.cr.fetchone()[0]
        self.assertGreater(next_month, date.today(), "stored in advance")
        self.assertFalse(Report.search([("partner_id", "=", self.z.id), ("date", "=", next_month)]))

    def _counted(self, func):
        """func's result and its number of queries, from an empty cache."""
        self.env.flush_all()
        self.env.invalidate_all()
        before = self.cr.sql_log_count
        result = func()
        self.env.flush_all()
        return result, self.cr.sql_log_count - before

    def test_pivot_queries_do_not_grow_with_the_customers(self):
        self._pivot(self.quality)
        small, queries = self._counted(lambda: self._pivot(self.quality))
        scale = self._more_customers(1200)
        large, large_queries = self._counted(lambda: self._pivot(self.quality))
        self.assertEqual(large_queries, queries, "as many queries for 1,203 customers as for 3")
        self.env.invalidate_all()
        with self.assertQueryCount(queries):
            self._pivot(self.quality)
        self.assertEqual([len(groups) for groups in large], [len(groups) + added for groups, added in
                                                             zip(small, (0, 1200, 0, 1200), strict=True)])
        by_customer = {row["partner_id"][0]: row for row in large[1]}
        self.assertEqual(by_customer[scale[-1].id]["partner_id"][1], "KPI scale customer 1200")
        self.assertEqual(by_customer[scale[-1].id]["complaint_ppm"], 10000.0)
        self.assertEqual(large[0][0]["delivery_count"], 6 + 1200)


@tagged("post_install", "-at_install")
class TestKpiLeavesSalesStandard(TestSaleStockCommon):
    def test_confirmation_leaves_the_transfers_in_odoo_order(self):
        """Confirming an order marks its done deliveries for the report without reading its
        transfers: read before they exist, the order's list of transfers kept the order in which
        they were then created (pick, pack, ship), not Odoo's, and Odoo's own sale_stock test of a
        3-step delivery validated the wrong transfers."""
        warehouse = self.warehouse_3_steps_pull
        product = self.env["product.product"].create({"name": "QMS 3-Step Product", "is_storable": True})
        self.env["stock.quant"]._update_available_quantity(product, warehouse.lot_stock_id, 5)
        # Made on the form, as a salesperson does (a record just created lists its transfers as
        # created, whatever reads them).
        with Form(self.env["sale.order"]) as form:
            form.partner_id = self.partner_a
            form.warehouse_id = warehouse
            with form.order_line.new() as line:
                line.product_id = product
                line.product_uom_qty = 5
        order = form.record
        order.action_confirm()
        listed = order.picking_ids
        self.assertEqual(len(listed), 3)
        order.invalidate_recordset(["picking_ids"])
        self.assertEqual(listed.ids, order.picking_ids.ids)
