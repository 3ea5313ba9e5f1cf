"""Management-review input (管理评审输入 — 顾客满意和反馈) for the first quarter of 2025 of the
data set computed by hand in kpi_common."""

from odoo.exceptions import AccessError, ValidationError
from odoo.tests import HttpCase, tagged

from .common import assert_form_frame, load_chinese, render_pdf
from .kpi_common import KpiCase

REPORT = "qms_customer_process.action_report_management_review"


class ReviewCase(KpiCase):
    def _review(self, user=None, **vals):
        Review = self.kenv["qms.management.review"]
        if user:
            Review = Review.with_user(user)
        return Review.create({"date_from": "2025-01-01", "date_to": "2025-03-31",
                              "company_id": self.kpi_company.id, **vals})


@tagged("post_install", "-at_install")
class TestManagementReview(ReviewCase):
    def test_key_figures_beside_the_previous_period(self):
        figures = self._review(user=self.quality)._qms_figures()
        self.assertEqual((figures["period"], figures["previous_period"]), ("2025 Q1", "2024 Q4"))
        rows = {row["label"]: (row["current"], row["previous"]) for row in figures["key_figures"]}
        expected = {
            "Satisfaction index (average score)": (70.0, None),
            "Surveys answered": (2, 0),
            "Complaints received": (2, 0),
            "Affected quantity": (5.0, 0),
            "Delivered quantity": (1200.0, 0),
            "Complaint PPM": (5 / 1200 * 1e6, None),
            "Deliveries": (6, 0),
            "On-time delivery (%)": (400 / 6, None),
            "Hours to acknowledge a complaint (average)": (3.0, None),
            "Days to close a complaint (average)": (10.0, None),
            "Buying customers": (3, 1),
            # Customers of 2024 Q4 ({X}) who bought again in 2025 Q1; none bought in 2024 Q3.
            "Retention rate (%)": (100.0, None),
            # Of {X, Y, Z}, only X had bought before 2025; X had not bought before 2024 Q4.
            "Repeat-purchase rate (%)": (100 / 3, 0.0),
            "Corrective actions open at the end of the period": (2, 0),
            "Corrective actions overdue at the end of the period": (1, 0),
        }
        self.assertEqual(set(rows), set(expected))
        for label, (current, previous) in expected.items():
            for got, wanted in zip(rows[label], (current, previous), strict=True):
                if wanted is None:
                    self.assertIsNone(got, label)
                else:
                    self.assertAlmostEqual(got, wanted, places=4, msg=label)

    def test_trend_grades_pareto_and_worst_customers(self):
        figures = self._review(user=self.quality)._qms_figures()
        self.assertEqual([period["label"] for period in figures["trend"]], ["2024 Q2", "2024 Q3", "2024 Q4", "2025 Q1"])
        satisfaction = next(chart for chart in figures["charts"] if chart["label"].startswith("Satisfaction"))
        self.assertEqual([bar["text"] for bar in satisfaction["bars"]], ["–", "–", "–", "70.0"])
        self.assertEqual(satisfaction["bars"][-1]["width"], 100.0)
        grades = {row["grade"].name: (row["count"], row["percent"]) for row in figures["grades"] if row["count"]}
        self.assertEqual(grades, {"Satisfied": (1, 50.0), "Dissatisfied": (1, 50.0)})
        self.assertEqual(
            [(row["cause"], row["count"], row["percent"], row["cumulative_percent"]) for row in figures["pareto"]],
            [("Material", 1, 50.0, 50.0), ("Not analysed yet", 1, 50.0, 100.0)],
        )
        worst = figures["worst"]
        self.assertEqual([row["partner"] for row in worst], [self.y, self.x, self.z],
                         "most complaints first, then the highest PPM")
        self.assertAlmostEqual(worst[0]["current"]["complaint_ppm"], 3 / 450 * 1e6, places=2)
        self.assertAlmostEqual(worst[0]["current"]["on_time_rate"], 50.0)
        self.assertIsNone(worst[0]["previous"], "no figure of Y in 2024 Q4")

    def test_figures_in_a_fixed_number_of_queries(self):
        review = self._review(user=self.quality)
        review._qms_figures()
        self.env.invalidate_all()
        with self.assertQueryCount(25):
            review._qms_figures()

    def test_figures_queries_do_not_grow_with_the_customers(self):
        review = self._review(user=self.quality)
        review._qms_figures()
        self._more_customers(1200)
        with self.assertQueryCount(25):
            figures = review._qms_figures()
        rows = {row["label"]: row["current"] for row in figures["key_figures"]}
        self.assertEqual(rows["Deliveries"], 6 + 1200)
        self.assertEqual(rows["Complaints received"], 2 + 1200)
        self.assertEqual(len(figures["worst"]), 5)

    def test_worst_customers_among_five_who_complained(self):
        """Five customers or more complained: the worst are ranked among those with as many
        complaints as the fifth or more; the tie at the fifth place goes by PPM, and a customer
        without complaints stays out however late its deliveries."""
        # name: (complaints, affected quantity, delivered quantity, deliveries, on time), in Feb 2025
        figures = {"QMS Worst A": (3, 3.0, 1000.0, 1, 1), "QMS Worst B": (2, 2.0, 1000.0, 1, 1),
                   "QMS Worst C": (2, 4.0, 1000.0, 1, 1), "QMS Worst E": (1, 1.0, 1000.0, 1, 1),
                   "QMS Worst F": (1, 9.0, 1000.0, 1, 1), "QMS Worst W": (0, 0.0, 1000.0, 10, 0)}
        partners = {name: self.env["res.partner"].create({"name": name, "is_company": True}) for name in figures}
        self.env.flush_all()
        self.env["qms.customer.kpi.report"]._qms_refresh_pending()
        cr = self.env.cr
        cr.execute("SELECT COALESCE(MAX(id), 0) FROM qms_customer_kpi_report")
        next_id = cr.fetchone()[0] + 8
        for name, (complaints, affected, delivered, deliveries, on_time) in figures.items():
            rows = [("delivery", deliveries, on_time, delivered, 0, 0.0)]
            rows += [("complaint", 0, 0, 0.0, 1, affected / max(complaints, 1))] * complaints
            for fact, delivery_count, on_time_count, delivered_qty, complaint_count, complaint_qty in rows:
                cr.execute("""
                    INSERT INTO qms_customer_kpi_report (id, fact, company_id, partner_id, date, delivery_count,
                                                         on_time_count, delivered_qty, complaint_count, complaint_qty)
                    VALUES (%s, %s, %s, %s, '2025-02-01', %s, %s, %s, %s, %s)
                """, [next_id, fact, self.kpi_company.id, partners[name].id, delivery_count, on_time_count,
                      delivered_qty, complaint_count, complaint_qty])
                next_id += 8
        self.env.invalidate_all()
        worst = self._review(user=self.quality)._qms_figures()["worst"]
        # A 3; C 2 (4,000 PPM) before B 2 (2,000); of one complaint: F 9,000, Y 6,667 (X 5,714 and
        # E 1,000 PPM are out).
        self.assertEqual([row["partner"] for row in worst],
                         [partners["QMS Worst A"], partners["QMS Worst C"], partners["QMS Worst B"],
                          partners["QMS Worst F"], self.y])
        self.assertEqual([row["current"]["complaint_count"] for row in worst], [3, 2, 2, 1, 1])
        self.assertAlmostEqual(worst[3]["current"]["complaint_ppm"], 9000.0)

    def test_whole_months_and_access(self):
        with self.assertRaisesRegex(ValidationError, r"whole months"):
            self._review(date_from="2025-01-05")
        with self.assertRaisesRegex(ValidationError, r"ends before it starts"):
            self._review(date_from="2025-04-01")
        with self.assertRaisesRegex(AccessError, r"not allowed to (create|access)"):
            self._review(user=self.salesman)
        self.assertTrue(self._review(user=self.gm).report_html, "the general manager reads the figures whole")
        other = self.env["res.company"].create({"name": "QMS Review Elsewhere"})
        with self.assertRaisesRegex(AccessError, r"You do not work for QMS Review Elsewhere"):
            self._review(user=self.quality, company_id=other.id)

    def test_screen_and_html(self):
        review = self._review(user=self.sales_manager)
        for html in (str(review.report_html),
                     self.env["ir.actions.report"]._render_qweb_html(REPORT, review.ids)[0].decode()):
            self.assertIn("Management Review Input: Customer Satisfaction and Feedback", html)
            self.assertIn("2025 Q1", html)
            self.assertIn("苏州电机厂", html)
            self.assertIn("4167", html)
            self.assertIn("Pareto of complaint causes", html)
        self.assertEqual(review.action_print()["report_name"], "qms_customer_process.report_management_review")


@tagged("post_install", "-at_install")
class TestManagementReviewPdf(HttpCase, ReviewCase):
    def test_pdf_in_english_and_chinese(self):
        review = self._review(user=self.quality)
        _fonts, text = render_pdf(self, REPORT, review)
        for term in ("Management Review Input", "Key figures", "2025 Q1", "2024 Q4", "4167", "66.7", "70.0",
                     "Pareto of complaint causes", "Material", "Zenith Drives"):
            self.assertIn(term, text)
        assert_form_frame(self, text, REPORT, company=review.company_id)
        load_chinese(self.env, overwrite=True)
        review.lang = "zh_CN"
        fonts, text = render_pdf(self, REPORT, review)
        self.assertIn("CJK", fonts, "Chinese text must be set in a CJK font, not boxes")
        for term in ("苏州电机厂", "杭州精密机械", "满意", "不太满意", "料"):
            self.assertIn(term, text.replace(" ", ""))
        assert_form_frame(self, text, REPORT, company=review.company_id, lang="zh_CN")
