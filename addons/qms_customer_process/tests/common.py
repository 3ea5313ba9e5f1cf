import os
import shutil
import subprocess
import tempfile
import unicodedata

from odoo import Command
from odoo.tests import TransactionCase, new_test_user

DEPARTMENT_GROUPS = {
    "rd": "qms_customer_process.group_qms_rd",
    "production": "qms_customer_process.group_qms_production",
    "procurement": "qms_customer_process.group_qms_procurement",
    "quality": "qms_customer_process.group_qms_quality",
    "finance": "qms_customer_process.group_qms_finance",
    "warehouse": "qms_customer_process.group_qms_warehouse",
    "general_manager": "qms_customer_process.group_qms_general_manager",
}
SPECIAL_DEPARTMENTS = ["sales_management", "rd", "production", "procurement", "quality", "finance"]
# The departments that countersign the yearly initial review (qms.review.role.capability_countersign).
COUNTERSIGN_DEPARTMENTS = ["sales_management", "rd", "production", "procurement", "quality", "finance", "warehouse"]


def require_tool(testcase, *names):
    """Skip when a system tool is missing, except under CI where it must be there."""
    missing = [name for name in names if not shutil.which(name)]
    if missing:
        message = f"missing system tools: {', '.join(missing)}"
        if os.environ.get("CI") == "true":
            testcase.fail(message)
        testcase.skipTest(message)


def load_chinese(env, overwrite=False):
    env["res.lang"]._activate_lang("zh_CN")
    env["ir.module.module"].search([("name", "=", "qms_customer_process")])._update_translations(
        ["zh_CN"], overwrite=overwrite)


def _read_pdf(testcase, tools, report, records, context, *commands):
    """Render ``report`` for ``records`` with wkhtmltopdf and run each poppler ``command`` (an
    argument list, the file name appended) on the PDF: their outputs."""
    require_tool(testcase, "wkhtmltopdf", *tools)
    pdf = testcase.env["ir.actions.report"].with_context(force_report_rendering=True, **context)._render_qweb_pdf(
        report, records.ids)[0]
    testcase.assertTrue(pdf.startswith(b"%PDF"))
    with tempfile.NamedTemporaryFile(suffix=".pdf") as handle:
        handle.write(pdf)
        handle.flush()
        return [subprocess.run([*command, handle.name, *(["-"] if command[0] == "pdftotext" else [])],
                               capture_output=True, text=True, check=True).stdout for command in commands]


def render_pdf(testcase, report, records, **context):
    """A real PDF through wkhtmltopdf (call it from an HttpCase, which serves the report assets),
    read back: (fonts, text). pdftotext returns some CJK glyphs as Kangxi radicals (⾮ for 非):
    the text is given in NFKC form."""
    fonts, text = _read_pdf(testcase, ("pdffonts", "pdftotext"), report, records, context,
                            ["pdffonts"], ["pdftotext", "-enc", "UTF-8"])
    return fonts, unicodedata.normalize("NFKC", text)


def pdf_pages(testcase, report, records, **context):
    """A real PDF read back page by page: the list of the pages' texts (NFKC)."""
    (text,) = _read_pdf(testcase, ("pdftotext",), report, records, context, ["pdftotext", "-enc", "UTF-8", "-layout"])
    return [unicodedata.normalize("NFKC", page) for page in text.split("\f")[:-1]]


def assert_form_frame(testcase, text, report, company=None, lang="en_US"):
    """The text of a printed QMS form names the issuing company, the form number and revision the
    QMS administrator set for the report, and numbers its first page in the form's language."""
    form = testcase.env["qms.form.revision"].search([("report_id", "=", testcase.env.ref(report).id)])
    testcase.assertTrue(form, f"{report} has a form number")
    flat = text.replace(" ", "")
    testcase.assertIn((company or testcase.env.company).name.replace(" ", ""), flat)
    testcase.assertIn(form.form_number, text)
    testcase.assertIn(form.revision, text)
    if lang == "zh_CN":
        testcase.assertIn("第1页共", flat)
    else:
        testcase.assertIn("Page 1 of ", text)

class QmsCase(TransactionCase):
    """Users of every role, standard and non-standard products, a customer."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=False, mail_notrack=False))
        cls.company = cls.env.company
        cls.company.write({
            "qms_review_amount_threshold": 0.0,
            "qms_review_regular_orders": False,
            "qms_review_before_sending": False,
        })
        cls.salesman = new_test_user(cls.env, login="qms_t_salesman", groups="sales_team.group_sale_salesman",
                                     name="Sam Seller")
        cls.salesman2 = new_test_user(cls.env, login="qms_t_salesman2", groups="sales_team.group_sale_salesman",
                                      name="Sue Seller")
        cls.sales_manager = new_test_user(cls.env, login="qms_t_sales_manager", groups="sales_team.group_sale_manager",
                                          name="Max Manager")
        cls.plain_user = new_test_user(cls.env, login="qms_t_plain", groups="base.group_user", name="Pat Plain")
        cls.qms_admin = new_test_user(cls.env, login="qms_t_admin",
                                      groups="base.group_user,qms_customer_process.group_qms_manager", name="Ada Admin")
        cls.reviewers = {
            code: new_test_user(cls.env, login=f"qms_t_{code}", groups=f"base.group_user,{group}", name=f"Reviewer {code}")
            for code, group in DEPARTMENT_GROUPS.items()
        }
        # The sales management department is Odoo's sales managers (procedure 参考模板 3.2).
        cls.reviewers["sales_management"] = new_test_user(
            cls.env, login="qms_t_sales_management", groups="sales_team.group_sale_manager", name="Reviewer sales_management",
        )
        cls.gm = cls.reviewers["general_manager"]
        cls.roles = {
            role.code: role for role in cls.env["qms.review.role"].search([])
        }
        for code, user in cls.reviewers.items():
            cls.roles[code].user_ids = [Command.set(user.ids)]

        cls.customer = cls.env["res.partner"].create({"name": "Shenzhen Motors Ltd.", "email": "buyer@motors.example"})
        cls.category = cls.env["product.category"].create({"name": "QMS Test Motors"})
        cls.product_std = cls.env["product.product"].create({
            "name": "Standard Motor M1", "type": "consu", "is_storable": True, "list_price": 100.0,
            "categ_id": cls.category.id,
        })
        cls.product_std2 = cls.env["product.product"].create({
            "name": "Standard Motor M2", "type": "consu", "is_storable": True, "list_price": 50.0,
            "categ_id": cls.category.id,
        })
        cls.product_new = cls.env["product.product"].create({
            "name": "Prototype Motor X", "type": "consu", "list_price": 900.0, "qms_standard_product": False,
            "categ_id": cls.category.id,
        })
        cls.service_new = cls.env["product.product"].create({
            "name": "Custom Engineering", "type": "service", "list_price": 10.0, "qms_standard_product": False,
        })
        warehouse = cls.env["stock.warehouse"].search([("company_id", "=", cls.company.id)], limit=1)
        for product in (cls.product_std, cls.product_std2):
            cls.env["stock.quant"]._update_available_quantity(product, warehouse.lot_stock_id, 1000)

    def _order(self, products=None, user=None, **vals):
        if products is None:
            products = [(self.product_std, 5)]
        values = {
            "partner_id": self.customer.id,
            "user_id": (user or self.salesman).id,
            "order_line": [Command.create({"product_id": p.id, "product_uom_qty": qty}) for p, qty in products],
        }
        values.update(vals)
        return self.env["sale.order"].with_user(user or self.salesman).create(values)

    def _special_order(self, **vals):
        return self._order(products=[(self.product_new, 3)], **vals)

    def _line(self, order, code):
        return order.qms_review_line_ids.filtered(
            lambda line: line.role_id.code == code and line.revision == order.qms_review_revision
        )

    def _decide_all(self, order, codes=None):
        """Accept the lines of ``codes`` (default: every department of a special contract, then the
        general manager); the organiser writes the conclusion before the general manager decides."""
        for code in codes or [*SPECIAL_DEPARTMENTS, "general_manager"]:
            line = self._line(order, code)
            if code == "general_manager" and line._qms_waits_for_conclusion():
                self._conclude(order)
            line.with_user(self.reviewers[code]).action_accept()

    def _conclude(self, order, text="Terms clear and accepted; no special measure needed."):
        order.with_user(self.sales_manager).action_qms_conclude(text)

    def _approve_commitment(self, commitment):
        """Submit the capability commitment, have every department countersign it, approve it."""
        commitment.with_user(self.qms_admin).action_submit()
        for line in commitment.review_line_ids.filtered(lambda rl: rl.decision == "pending"):
            line.with_user(self.reviewers[line.role_id.code]).action_countersign()
        commitment.with_user(self.gm).action_approve()
