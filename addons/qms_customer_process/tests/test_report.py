from odoo.tests import HttpCase, tagged

from .common import SPECIAL_DEPARTMENTS, QmsCase, assert_form_frame, load_chinese, render_pdf

REPORT = "qms_customer_process.action_report_contract_review"




@tagged("post_install", "-at_install")
class TestContractReviewReport(QmsCase):
    def _reviewed_order(self):
        order = self._special_order()
        order.write({"qms_requirement_ids": [(0, 0, {"kind": "statutory", "description": "CCC certification"})]})
        order.action_qms_request_review()
        self._line(order, "quality").with_user(self.reviewers["quality"]).action_accept(conditions="First article inspection")
        self._line(order, "finance").with_user(self.reviewers["finance"]).action_reject(comment="Advance payment 30% required")
        return order

    def test_html_content(self):
        order = self._reviewed_order()
        html = self.env["ir.actions.report"]._render_qweb_html(REPORT, order.ids)[0].decode()
        self.assertIn("Contract / Order Review Form", html)
        self.assertIn(order.name, html)
        self.assertIn("Shenzhen Motors Ltd.", html)
        self.assertIn("CCC certification", html)
        for code in SPECIAL_DEPARTMENTS:
            self.assertIn(self.roles[code].name.replace("&", "&amp;"), html)
        self.assertIn("Accepted with conditions", html)
        self.assertIn("First article inspection", html)
        self.assertIn("Rejected", html)
        self.assertIn("Advance payment 30% required", html)
        self.assertIn("Reviewer quality", html)
        self.assertIn("General Manager&#39;s Approval", html.replace("'", "&#39;"))

    def test_html_in_partner_language(self):
        load_chinese(self.env)
        self.customer.lang = "zh_CN"
        order = self._reviewed_order()
        html = self.env["ir.actions.report"]._render_qweb_html(REPORT, order.ids)[0].decode()
        self.assertIn("合同/订单评审表", html)
        self.assertIn("品质部", html)
        self.assertIn("有条件接受", html)
        self.assertIn("品质要求明确", html, "the review topics print in the customer's language")
        self.customer.lang = "en_US"
        html = self.env["ir.actions.report"]._render_qweb_html(REPORT, order.ids)[0].decode()
        self.assertIn("Contract / Order Review Form", html)


@tagged("post_install", "-at_install")
class TestContractReviewPdf(HttpCase, QmsCase):
    """A real PDF through wkhtmltopdf: an HttpCase, so that wkhtmltopdf can load the report
    assets from the test server."""

    _reviewed_order = TestContractReviewReport._reviewed_order

    def test_pdf_prints_chinese_glyphs(self):
        load_chinese(self.env)
        self.customer.lang = "zh_CN"
        order = self._reviewed_order()
        fonts, text = render_pdf(self, REPORT, order)
        self.assertIn("CJK", fonts, "Chinese text must be set in a CJK font, not boxes")
        self.assertIn("合同/订单评审表", text.replace(" ", ""))
        self.assertIn("品质部", text)
        assert_form_frame(self, text, REPORT, lang="zh_CN")
