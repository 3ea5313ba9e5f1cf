"""The printed forms (issue 11, must-have 5): one frame for every form (the issuing company, the
form number and revision the QMS administrator sets), page numbers stamped on the PDF, sign-off
boxes, rows kept whole, the customer's language or Chinese above English."""

from lxml import html as lxml_html
from psycopg2 import IntegrityError

from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import HttpCase, tagged
from odoo.tools import mute_logger

from . import test_report
from .common import QmsCase, assert_form_frame, load_chinese, pdf_pages, render_pdf
from .satisfaction_common import SatisfactionCase
from .test_capability_review import CapabilityCase
from .test_customer_complaint import ComplaintCase
from .test_sample_request import SampleCase

REVIEW = "qms_customer_process.action_report_contract_review"
# Every printed form of the module, with its shipped form number (data/qms_form_revision_data.xml).
FORMS = {
    "qms_customer_process.action_report_sample_request": "QR-013-01",
    "qms_customer_process.action_report_sample_approval": "QR-013-02",
    "qms_customer_process.action_report_contract_review": "QR-013-03",
    "qms_customer_process.action_report_customer_complaint": "QR-013-07",
    "qms_customer_process.action_report_satisfaction_survey": "QR-013-08",
    "qms_customer_process.action_report_satisfaction_analysis": "QR-013-09",
    "qms_customer_process.action_report_quality_investigation": "QR-013-10",
    "qms_customer_process.action_report_initial_review": "QR-013-11",
    "qms_customer_process.action_report_customer_property_register": "QR-013-12",
    "qms_customer_process.action_report_customer_property_incident": "QR-013-13",
    "qms_customer_process.action_report_management_review": "QR-013-14",
}


def by_class(tree, tag, css_class):
    return tree.xpath(f".//{tag}[contains(concat(' ', normalize-space(@class), ' '), ' {css_class} ')]")


@tagged("post_install", "-at_install")
class TestFormNumbers(QmsCase):
    _reviewed_order = test_report.TestContractReviewReport._reviewed_order

    def test_every_form_has_a_number_and_the_form_page(self):
        reports = self.env["ir.actions.report"].search([("report_name", "=like", "qms_customer_process.%")])
        self.assertEqual(set(reports.ids), {self.env.ref(xmlid).id for xmlid in FORMS},
                         "a new form of the module gets a form number here and in the data")
        forms = self.env["qms.form.revision"].search([("report_id", "in", reports.ids)])
        self.assertEqual({form.report_id.id: form.form_number for form in forms},
                         {self.env.ref(xmlid).id: number for xmlid, number in FORMS.items()})
        self.assertEqual(set(forms.mapped("revision")), {"A/0"})
        self.assertEqual(reports.paperformat_id, self.env.ref("qms_customer_process.paperformat_qms_form"))

    def test_form_number_kept_by_the_qms_administrator(self):
        form = self.env.ref("qms_customer_process.qms_form_contract_review")
        for user in (self.salesman, self.sales_manager, self.reviewers["quality"], self.gm):
            self.assertEqual(form.with_user(user).form_number, "QR-013-03", "whoever prints the form reads it")
            with self.assertRaisesRegex(AccessError, "not allowed to modify"):
                form.with_user(user).write({"form_number": "QR-999-99", "revision": "Z/9"})
            with self.assertRaisesRegex(AccessError, "not allowed to create"):
                self.env["qms.form.revision"].with_user(user).create({
                    "report_id": self.env.ref("sale.action_report_saleorder").id, "form_number": "QR-999-98"})
            with self.assertRaisesRegex(AccessError, "not allowed to delete"):
                form.with_user(user).unlink()
        form.invalidate_recordset()
        self.assertEqual((form.form_number, form.revision), ("QR-013-03", "A/0"))
        self.assertFalse(self.env["qms.form.revision"].search([("form_number", "in", ("QR-999-98", "QR-999-99"))]))

        form.with_user(self.qms_admin).write({"form_number": "QR-020-03", "revision": "B/1"})
        order = self._reviewed_order()
        html = self.env["ir.actions.report"].with_user(self.salesman)._render_qweb_html(REVIEW, order.ids)[0].decode()
        head = by_class(lxml_html.fromstring(html), "table", "qms_form_head")
        self.assertEqual(len(head), 1)
        self.assertIn("QR-020-03", head[0].text_content())
        self.assertIn("B/1", head[0].text_content())
        with mute_logger("odoo.sql_db"), self.assertRaises(IntegrityError):
            self.env["qms.form.revision"].with_user(self.qms_admin).create({
                "report_id": form.report_id.id, "form_number": "QR-020-04"})

    def test_review_form_frame_signatures_and_rows_kept_whole(self):
        order = self._reviewed_order()
        html = self.env["ir.actions.report"]._render_qweb_html(REVIEW, order.ids)[0].decode()
        tree = lxml_html.fromstring(html)
        head = by_class(tree, "table", "qms_form_head")[0].text_content()
        self.assertIn(self.env.company.name, head)
        self.assertIn(self.env.company.city, head, "the company's address prints in the body")
        self.assertIn("QR-013-03", head)
        self.assertEqual(by_class(tree, "h2", "qms_form_title")[0].text_content().strip(), "Contract / Order Review Form")
        style = " ".join(tree.xpath("//style/text()"))
        self.assertRegex(style, r"\.qms_form tr[^{]*\{[^}]*page-break-inside: avoid")
        self.assertRegex(style, r"\.qms_form table td \{[^}]*padding: 4px 6px !important")
        # The general manager's heading and its row are one block that never splits.
        heading = [h5 for h5 in tree.iter("h5") if h5.text_content().strip() == "General Manager's Approval"]
        self.assertEqual(len(heading), 1)
        block = heading[0].getparent()
        self.assertIn("qms_keep", block.get("class"))
        self.assertIn("Decision", block.xpath(".//table")[0].text_content())
        # Each department's signature and date; the sign-off of the paper form.
        lines = order.qms_review_line_ids.filtered(lambda line: line.role_id.code != "general_manager")
        rows = [tr for tr in tree.iter("tr") if tr.xpath("./td[contains(@class, 'qms_sign')]") and
                any(line.role_id.name == tr[0].text_content().strip() for line in lines)]
        self.assertEqual(len(rows), len(lines))
        signoff = by_class(tree, "div", "qms_signoff")[0].text_content()
        for label in ("Prepared By", "Reviewed By", "Approved By", "Date", "Sam Seller"):
            self.assertIn(label, signoff)

    def test_bilingual_form_prints_chinese_above_english(self):
        load_chinese(self.env)
        contact = self.env["res.partner"].create({"name": "Li Lei", "parent_id": self.customer.id})
        self.customer.write({"lang": "en_US", "is_company": True, "qms_report_bilingual": True})
        self.assertTrue(contact.qms_report_bilingual, "the setting of the customer company applies to its contacts")
        order = self._reviewed_order()
        order.partner_id = contact
        html = self.env["ir.actions.report"]._render_qweb_html(REVIEW, order.ids)[0].decode()
        title = by_class(lxml_html.fromstring(html), "h2", "qms_form_title")[0]
        self.assertEqual(title.text.strip(), "合同/订单评审表")
        self.assertEqual([span.text for span in by_class(title, "span", "qms_bilingual")], ["Contract / Order Review Form"])
        self.assertIn("品质部", html)
        self.assertIn("Accepted with conditions", html)

        self.customer.qms_report_bilingual = False
        html = self.env["ir.actions.report"]._render_qweb_html(REVIEW, order.ids)[0].decode()
        self.assertIn("Contract / Order Review Form", html)
        self.assertNotIn("合同/订单评审表", html)
        self.assertNotIn("qms_bilingual", html.replace(".qms_bilingual", ""))

    def test_page_text(self):
        report = self.env["ir.actions.report"]
        self.assertEqual(report._qms_page_text(["zh_CN"], 1, 3), "第 1 页 共 3 页")
        self.assertEqual(report._qms_page_text(["en_US"], 2, 3), "Page 2 of 3")
        self.assertEqual(report._qms_page_text(["zh_CN", "en_US"], 3, 3), "第 3 页 共 3 页 / Page 3 of 3")


@tagged("post_install", "-at_install")
class TestReviewFormPdf(HttpCase, QmsCase):
    """Real PDFs through wkhtmltopdf, read back with poppler."""

    _reviewed_order = test_report.TestContractReviewReport._reviewed_order

    def test_long_review_form(self):
        order = self._reviewed_order()
        order.write({"qms_requirement_ids": [
            Command.create({"kind": "explicit", "description": f"Customer requirement number {n}: packing, marking "
                            "and labelling as agreed in the technical agreement, checked at final inspection"})
            for n in range(1, 26)]})
        pages = pdf_pages(self, REVIEW, order)
        self.assertGreaterEqual(len(pages), 2)
        assert_form_frame(self, pages[0], REVIEW)
        for number, page in enumerate(pages, start=1):
            self.assertIn(f"Page {number} of {len(pages)}", page)
            self.assertIn("QR-013-03", page, "every page carries the form number")
        # The general manager's heading and its row print on the same page.
        gm_pages = [page for page in pages if "General Manager's Approval" in page]
        self.assertEqual(len(gm_pages), 1)
        self.assertRegex(gm_pages[0], r"General Manager's Approval\s*\n\s*Decision\b")
        # No row is split: each requirement's first and last line are on the same page (a row cut at
        # the page boundary leaves its first line on one page and its last on the next).
        for number, page in enumerate(pages, start=1):
            self.assertEqual(page.count("Customer requirement number"), page.count("checked at final inspection"),
                             f"a requirement row is split at the bottom of page {number}")
        for n in range(1, 26):
            self.assertEqual(sum(f"Customer requirement number {n}:" in page for page in pages), 1)
        # A department's row is never split: its first and last review topic are on one page.
        for line in order.qms_review_line_ids.filtered(lambda rl: rl.role_id.code != "general_manager"):
            topics = [topic.strip()[:24] for topic in line.topics.splitlines() if topic.strip()]
            first = {index for index, page in enumerate(pages) if topics[0] in page}
            last = {index for index, page in enumerate(pages) if topics[-1] in page}
            self.assertTrue(first & last, f"the row of {line.role_id.name} is split across pages")

    def test_bilingual_review_form(self):
        load_chinese(self.env)
        self.customer.qms_report_bilingual = True
        order = self._reviewed_order()
        _fonts, text = render_pdf(self, REVIEW, order)
        flat = text.replace(" ", "")
        self.assertIn("合同/订单评审表", flat)
        self.assertIn("Contract / Order Review Form", text)
        self.assertRegex(flat, r"第1页共(\d+)页/Page1of\1")
        assert_form_frame(self, text, REVIEW, lang="zh_CN")


@tagged("post_install", "-at_install")
class TestSampleFormsPdf(HttpCase, SampleCase):
    def test_sample_request_in_english(self):
        report = "qms_customer_process.action_report_sample_request"
        _fonts, text = render_pdf(self, report, self._approved(self._sample()))
        self.assertIn("Sample Request Form", text)
        self.assertIn("Prepared By", text)
        assert_form_frame(self, text, report)


@tagged("post_install", "-at_install")
class TestComplaintFormsPdf(HttpCase, ComplaintCase):
    def test_complaint_in_english_and_investigation_in_chinese(self):
        complaint = self._complaint(severity="major", department_id=self.roles["production"].id)
        report = "qms_customer_process.action_report_customer_complaint"
        _fonts, text = render_pdf(self, report, complaint)
        self.assertIn("Customer Complaint Form", text)
        self.assertIn("Customer Signature / Stamp", text)
        assert_form_frame(self, text, report)
        load_chinese(self.env)
        self.customer.lang = "zh_CN"
        complaint.action_investigate()
        report = "qms_customer_process.action_report_quality_investigation"
        fonts, text = render_pdf(self, report, complaint.investigation_ids)
        self.assertIn("CJK", fonts)
        self.assertIn("品质调查表", text.replace(" ", ""))
        assert_form_frame(self, text, report, lang="zh_CN")


@tagged("post_install", "-at_install")
class TestSurveyFormPdf(HttpCase, SatisfactionCase):
    def test_survey_form_in_chinese_and_english(self):
        report = "qms_customer_process.action_report_satisfaction_survey"
        survey = self._survey(self.customer_a)
        _fonts, text = render_pdf(self, report, survey)
        self.assertIn("Customer Satisfaction Survey Form", text)
        assert_form_frame(self, text, report)
        load_chinese(self.env)
        self.customer_a.lang = "zh_CN"
        fonts, text = render_pdf(self, report, survey)
        self.assertIn("CJK", fonts)
        self.assertIn("顾客满意度调查表", text.replace(" ", ""))
        assert_form_frame(self, text, report, lang="zh_CN")


@tagged("post_install", "-at_install")
class TestInitialReviewPdf(HttpCase, CapabilityCase):
    def test_initial_review_in_english(self):
        report = "qms_customer_process.action_report_initial_review"
        commitment = self._commitment()
        self._approve_commitment(commitment)
        _fonts, text = render_pdf(self, report, commitment)
        self.assertIn("Initial Review Report", text)
        for label in ("Prepared By", "Reviewed By", "Approved By", "Reviewer general_manager"):
            self.assertIn(label, text)
        assert_form_frame(self, text, report)
