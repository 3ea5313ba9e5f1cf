"""Customer KPIs (qms.customer.kpi.report) against the data set computed by hand in kpi_common."""

from datetime import date

from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged

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
