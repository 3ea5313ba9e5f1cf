from datetime import datetime, timedelta
from email.message import EmailMessage

from freezegun import freeze_time

from odoo import Command, fields, http
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, HttpCase, new_test_user, tagged

from .common import QmsCase, assert_form_frame, load_chinese, render_pdf

REPORT = "qms_customer_process.action_report_customer_complaint"


class ComplaintCase(QmsCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.quality = cls.reviewers["quality"]
        cls.customer.user_id = cls.salesman
        cls.other_customer = cls.env["res.partner"].create({"name": "Wuhan Pumps Co.", "email": "qa@pumps.example",
                                                            "user_id": cls.salesman2.id})

    def _complaint(self, user=None, **vals):
        values = {
            "subject": "Motor noise above specification",
            "partner_id": self.customer.id,
            "product_id": self.product_std.id,
            "channel": "phone",
            "complaint_type": "quality",
            "severity": "minor",
        }
        values.update(vals)
        return self.env["qms.customer.complaint"].with_user(user or self.salesman).create(values)


@tagged("post_install", "-at_install")
class TestCustomerComplaint(ComplaintCase):
    def test_numbering_salesperson_and_todo(self):
        first, second = self._complaint(), self._complaint()
        self.assertTrue(first.name.startswith("CC/"))
        self.assertNotEqual(first.name, second.name)
        self.assertEqual(first.salesperson_id, self.salesman)
        self.assertEqual(first.activity_ids.user_id, self.salesman)
        self.assertEqual(first.state, "new")

    def test_stage_machine_minor(self):
        complaint = self._complaint()
        with self.assertRaises(UserError):
            complaint.action_propose()  # not acknowledged yet
        complaint.action_acknowledge()
        self.assertEqual(complaint.state, "acknowledged")
        self.assertTrue(complaint.date_acknowledged)
        with self.assertRaises(UserError):
            complaint.action_propose()  # no solution chosen
        complaint.write({"solution": "replace", "containment_action": "Sort stock", "compensation_amount": 50})
        complaint.action_propose()
        self.assertEqual(complaint.state, "proposed")
        with self.assertRaises(UserError):
            complaint.action_customer_refuse()  # why did the customer refuse?
        complaint.customer_feedback = "Wants a credit note instead"
        complaint.action_customer_refuse()
        self.assertEqual(complaint.state, "investigating")
        self.assertEqual(complaint.customer_acceptance, "refused")
        complaint.solution = "credit"
        complaint.action_propose()
        complaint.action_customer_accept()
        self.assertEqual(complaint.state, "confirmed")
        with self.assertRaises(UserError):
            complaint.action_close()  # a salesperson does not close
        complaint.closure_note = False
        with self.assertRaises(UserError):
            complaint.with_user(self.quality).action_close()  # how was it verified?
        complaint.closure_note = "Credit note issued, customer satisfied"
        complaint.with_user(self.quality).action_close()
        self.assertEqual(complaint.state, "closed")
        self.assertEqual(complaint.closed_by_id, self.quality)
        self.assertGreaterEqual(complaint.days_to_close, 0.0)
        self.assertFalse(complaint.activity_ids)
        with self.assertRaises(UserError):
            complaint.with_user(self.qms_admin).unlink()

    def test_state_only_through_buttons(self):
        complaint = self._complaint()
        with self.assertRaises(UserError):
            complaint.write({"state": "closed"})
        self.assertEqual(complaint.state, "new")

    def test_reject_needs_reason(self):
        complaint = self._complaint()
        with self.assertRaises(UserError):
            complaint.with_user(self.quality).action_reject()
        complaint.write({"reject_reason": "Not our product"})
        with self.assertRaises(UserError):
            complaint.action_reject()  # a salesperson does not reject
        complaint.with_user(self.quality).action_reject()
        self.assertEqual(complaint.state, "rejected")
        with self.assertRaises(UserError):
            complaint.with_user(self.qms_admin).unlink()

    def test_major_needs_closed_investigation(self):
        complaint = self._complaint(severity="major")
        complaint.action_investigate()
        self.assertEqual(complaint.state, "investigating")
        investigation = complaint.investigation_ids
        self.assertEqual(len(investigation), 1, "a major complaint opens its investigation")
        self.assertEqual(investigation.product_id, self.product_std)
        complaint.write({"solution": "replace", "closure_note": "Verified"})
        complaint.action_propose()
        complaint.action_customer_accept()
        with self.assertRaises(ValidationError):
            complaint.with_user(self.quality).action_close()
        self.assertEqual(complaint.state, "confirmed")
        investigation.with_user(self.quality).action_cancel()
        with self.assertRaises(ValidationError):
            complaint.with_user(self.quality).action_close()  # cancelled is not closed

    def test_minor_may_open_investigation(self):
        complaint = self._complaint()
        complaint.action_investigate()
        self.assertFalse(complaint.investigation_ids)
        action = complaint.with_user(self.quality).action_open_investigation()
        self.assertEqual(action["res_model"], "qms.quality.investigation")
        self.assertEqual(complaint.investigation_count, 1)

    def test_unknown_customer_cannot_be_acknowledged(self):
        complaint = self._complaint(partner_id=False, email_from="who@nowhere.example")
        with self.assertRaises(UserError):
            complaint.action_acknowledge()
        complaint.partner_id = self.customer
        complaint.action_acknowledge()

    def test_documents_of_another_customer(self):
        order = self._order()
        with self.assertRaises(ValidationError):
            self._complaint(partner_id=self.other_customer.id, sale_order_id=order.id, user=self.qms_admin)
        complaint = self._complaint(sale_order_id=order.id)
        self.assertEqual(complaint.sale_order_id, order)

    def test_received_in_the_future(self):
        with self.assertRaises(ValidationError):
            self._complaint(date_received=fields.Datetime.now() + timedelta(days=2))

    def test_deadlines_and_overdue(self):
        # A company without working hours counts its deadlines in calendar time (working time:
        # test_complaint_sla.py).
        self.company.resource_calendar_id = False
        self.env.ref("qms_customer_process.complaint_deadline_minor").acknowledge_hours = 48
        with freeze_time("2026-03-02 08:00:00"):
            minor = self._complaint()
            critical = self._complaint(severity="critical")
            self.assertEqual(minor.date_acknowledge_deadline, datetime(2026, 3, 4, 8, 0))
            self.assertEqual(minor.date_response_deadline, datetime(2026, 3, 12, 8, 0))
            self.assertEqual(critical.date_acknowledge_deadline, datetime(2026, 3, 2, 12, 0))
            self.assertFalse(minor.is_acknowledge_overdue or critical.is_acknowledge_overdue)
            self.assertEqual(minor.activity_ids.date_deadline, fields.Date.to_date("2026-03-04"))
        Complaint = self.env["qms.customer.complaint"]
        with freeze_time("2026-03-02 13:00:00"):
            (minor | critical).invalidate_recordset(["is_acknowledge_overdue", "is_response_overdue"])
            self.assertTrue(critical.is_acknowledge_overdue)
            self.assertFalse(minor.is_acknowledge_overdue)
            self.assertIn(critical, Complaint.search([("is_acknowledge_overdue", "=", True)]))
            self.assertNotIn(minor, Complaint.search([("is_acknowledge_overdue", "=", True)]))
            self.assertIn(minor, Complaint.search([("is_acknowledge_overdue", "=", False)]))
            critical.action_acknowledge()
            self.assertFalse(critical.is_acknowledge_overdue)
            self.assertEqual(critical.activity_ids.summary, f"Propose a solution for {critical.name}")
        with freeze_time("2026-03-05 08:00:00"):
            (minor | critical).invalidate_recordset(["is_acknowledge_overdue", "is_response_overdue"])
            self.assertTrue(minor.is_acknowledge_overdue)
            self.assertTrue(critical.is_response_overdue)
            self.assertIn(critical, Complaint.search([("is_response_overdue", "=", True)]))
            critical.write({"solution": "replace"})
            critical.action_propose()
            self.assertFalse(critical.is_response_overdue)

    def test_deadline_already_past_on_creation(self):
        received = fields.Datetime.now() - timedelta(days=30)
        complaint = self._complaint(date_received=received)
        self.assertTrue(complaint.is_acknowledge_overdue)
        self.assertTrue(complaint.is_response_overdue)
        self.assertEqual(complaint.activity_ids.date_deadline, fields.Date.context_today(complaint),
                         "the to-do of a late complaint is due today, not in the past")

    def test_company_deadline_overrides_shared(self):
        self.company.resource_calendar_id = False  # calendar time, see test_deadlines_and_overdue
        self.env["qms.complaint.deadline"].create({
            "severity": "minor", "company_id": self.company.id, "acknowledge_hours": 1, "respond_days": 1,
            "recurrence_days": 10,
        })
        complaint = self._complaint()
        self.assertEqual(complaint.date_acknowledge_deadline, complaint.date_received + timedelta(hours=1))
        with self.assertRaises(ValidationError):
            self.env["qms.complaint.deadline"].create({"severity": "major", "company_id": self.company.id,
                                                       "acknowledge_hours": 0, "respond_days": 1})

    def test_recurrence(self):
        first = self._complaint(date_received=fields.Datetime.now() - timedelta(days=40))
        self.assertFalse(first.is_recurrence)
        second = self._complaint()
        self.assertTrue(second.is_recurrence, "same product and type within 90 days")
        other_type = self._complaint(complaint_type="delivery")
        self.assertFalse(other_type.is_recurrence)
        other_product = self._complaint(product_id=self.product_std2.id)
        self.assertFalse(other_product.is_recurrence)
        old = self._complaint(product_id=self.product_std2.id, complaint_type="service",
                              date_received=fields.Datetime.now() - timedelta(days=200))
        later = self._complaint(product_id=self.product_std2.id, complaint_type="service")
        self.assertFalse(old.is_recurrence)
        self.assertFalse(later.is_recurrence, "outside the window")

    def test_pareto(self):
        for complaint_type, count in (("delivery", 3), ("quality", 2), ("service", 1)):
            for _i in range(count):
                self._complaint(complaint_type=complaint_type, partner_id=self.other_customer.id,
                                user=self.qms_admin)
        rows = self.env["qms.customer.complaint"].with_user(self.quality)._qms_pareto(
            "complaint_type", [("partner_id", "=", self.other_customer.id)])
        self.assertEqual([row["key"] for row in rows], ["delivery", "quality", "service"])
        self.assertEqual([row["count"] for row in rows], [3, 2, 1])
        self.assertEqual([round(row["cumulative_percent"], 2) for row in rows], [50.0, 83.33, 100.0])
        self.assertEqual(rows[0]["label"], "Delivery")

    def test_pareto_table(self):
        customer = self.other_customer
        for complaint_type, count in (("service", 1), ("delivery", 2)):
            for _i in range(count):
                self._complaint(complaint_type=complaint_type, partner_id=customer.id, user=self.qms_admin)
        rejected = self._complaint(complaint_type="other", reject_reason="Not ours", partner_id=customer.id,
                                   user=self.qms_admin)
        rejected.with_user(self.quality).action_reject()
        self._complaint(complaint_type="documentation", date_received=fields.Datetime.now() - timedelta(days=400),
                        partner_id=customer.id, user=self.qms_admin)
        self._complaint(complaint_type="documentation")  # another customer
        pareto = self.env["qms.complaint.pareto"].with_user(self.quality).create({
            "date_from": fields.Date.today() - timedelta(days=30), "date_to": fields.Date.today(),
            "partner_id": customer.id,
        })
        pareto.action_compute()
        self.assertEqual(pareto.total, 3, "the rejected complaint and the one out of the period are left out")
        self.assertEqual(pareto.line_ids.mapped("label"), ["Delivery", "Service"])
        self.assertEqual(pareto.line_ids.mapped("count"), [2, 1])
        self.assertEqual([round(p) for p in pareto.line_ids.mapped("cumulative_percent")], [67, 100])
        with self.assertRaises(AccessError):
            self.env["qms.complaint.pareto"].with_user(self.salesman).create({})

    def test_salesperson_logs_from_form(self):
        form = Form(self.env["qms.customer.complaint"].with_user(self.salesman))
        form.subject = "Visit: packaging damaged"
        form.partner_id = self.customer
        form.channel = "visit"
        form.complaint_type = "delivery"
        complaint = form.save()
        self.assertEqual(complaint.salesperson_id, self.salesman)
        self.assertEqual(complaint.company_id, self.env.company)


@tagged("post_install", "-at_install")
class TestComplaintAccess(ComplaintCase):
    def test_access_by_role(self):
        own = self._complaint()
        other = self._complaint(partner_id=self.other_customer.id, user=self.salesman2)
        Complaint = self.env["qms.customer.complaint"]
        # Salespeople: their own customers'
        self.assertEqual(Complaint.with_user(self.salesman).search([("id", "in", (own | other).ids)]), own)
        with self.assertRaises(AccessError):
            other.with_user(self.salesman).read(["subject"])
        with self.assertRaises(AccessError):
            own.with_user(self.salesman).unlink()
        # Sales managers: all
        self.assertEqual(Complaint.with_user(self.sales_manager).search([("id", "in", (own | other).ids)]), own | other)
        # Quality: all
        self.assertEqual(Complaint.with_user(self.quality).search([("id", "in", (own | other).ids)]), own | other)
        # A department: only what is assigned to it
        production = self.reviewers["production"]
        with self.assertRaises(AccessError):
            own.with_user(production).read(["subject"])
        own.department_id = self.roles["production"]
        self.assertEqual(own.with_user(production).read(["subject"])[0]["subject"], own.subject)
        with self.assertRaises(AccessError):
            Complaint.with_user(production).create({"subject": "x", "partner_id": self.customer.id})
        # Plain users nothing
        with self.assertRaises(AccessError):
            own.with_user(self.plain_user).read(["subject"])

    def test_portal_user_sees_own_company_only(self):
        contact = self.env["res.partner"].create({"name": "Li Buyer", "parent_id": self.customer.id,
                                                  "email": "li@motors.example"})
        portal = new_test_user(self.env, login="qms_t_portal", groups="base.group_portal", partner_id=contact.id)
        own = self._complaint()
        other = self._complaint(partner_id=self.other_customer.id, user=self.qms_admin)
        Complaint = self.env["qms.customer.complaint"].with_user(portal)
        self.assertEqual(Complaint.search([("id", "in", (own | other).ids)]), own)
        with self.assertRaises(AccessError):
            other.with_user(portal).read(["subject"])
        with self.assertRaises(AccessError):
            own.with_user(portal).write({"subject": "changed"})
        with self.assertRaises(AccessError):
            Complaint.create({"subject": "direct", "partner_id": contact.id})

    def test_multi_company(self):
        company2 = self.env["res.company"].create({"name": "QMS Second Company"})
        complaint = self._complaint()
        quality2 = new_test_user(self.env, login="qms_t_quality_c2", groups="base.group_user,qms_customer_process.group_qms_quality",
                                 company_id=company2.id, company_ids=[Command.set(company2.ids)])
        with self.assertRaises(AccessError):
            complaint.with_user(quality2).read(["subject"])


@tagged("post_install", "-at_install")
class TestComplaintMailIntake(ComplaintCase):
    def _email(self, sender, subject, body, with_photo=False):
        domain = self.env["mail.alias.domain"].create({"name": "qms-test.example.com"})
        alias = self.env.ref("qms_customer_process.mail_alias_complaint")
        alias.alias_domain_id = domain
        message = EmailMessage()
        message["From"] = sender
        message["To"] = "complaints@qms-test.example.com"
        message["Subject"] = subject
        message["Message-ID"] = f"<{subject.replace(' ', '.')}@sender.example>"
        message["Date"] = "Mon, 02 Mar 2026 08:00:00 +0000"
        message.set_content(body)
        if with_photo:
            message.add_attachment(b"\x89PNG\r\n\x1a\nfake", maintype="image", subtype="png", filename="scratch.png")
        return message.as_string()

    def test_known_sender(self):
        raw = self._email('"Buyer" <buyer@motors.example>', "Motors arrived rusty", "Lot 2611: rust on 5 motors.",
                          with_photo=True)
        complaint_id = self.env["mail.thread"].message_process(False, raw)
        complaint = self.env["qms.customer.complaint"].browse(complaint_id)
        self.assertEqual(complaint._name, "qms.customer.complaint")
        self.assertEqual(complaint.partner_id, self.customer)
        self.assertEqual(complaint.channel, "email")
        self.assertEqual(complaint.subject, "Motors arrived rusty")
        self.assertIn("rust on 5 motors", complaint.description)
        self.assertTrue(complaint.name.startswith("CC/"))
        self.assertEqual(complaint.salesperson_id, self.salesman)
        self.assertIn("scratch.png", complaint.message_ids.attachment_ids.mapped("name"))

    def test_unknown_sender(self):
        raw = self._email("Stranger <stranger@unknown.example>", "Broken parts", "Two parts broken.")
        complaint = self.env["qms.customer.complaint"].browse(self.env["mail.thread"].message_process(False, raw))
        self.assertTrue(complaint.exists())
        self.assertFalse(complaint.partner_id, "the customer is left to assign")
        self.assertIn("stranger@unknown.example", complaint.email_from)
        self.assertEqual(complaint.contact_name, "Stranger")
        self.assertIn("Two parts broken", complaint.description)
        self.assertIn(complaint, self.env["qms.customer.complaint"].search([("partner_id", "=", False)]))


@tagged("post_install", "-at_install")
class TestComplaintReport(ComplaintCase):
    def test_html_content(self):
        complaint = self._complaint(containment_action="Sort the stock at the customer", solution="replace",
                                    compensation_amount=77)
        html = self.env["ir.actions.report"]._render_qweb_html(REPORT, complaint.ids)[0].decode()
        self.assertIn("Customer Complaint Form", html)
        self.assertIn(complaint.name, html)
        self.assertIn("Shenzhen Motors Ltd.", html)
        self.assertIn("Sort the stock at the customer", html)
        self.assertIn("Replace", html)
        self.assertIn("Product Quality", html)
        self.assertIn("Noto Sans CJK SC", html)

    def test_html_in_partner_language(self):
        load_chinese(self.env)
        self.customer.lang = "zh_CN"
        complaint = self._complaint(severity="major")
        html = self.env["ir.actions.report"]._render_qweb_html(REPORT, complaint.ids)[0].decode()
        self.assertIn("客户投诉处理单", html)
        self.assertIn("重大", html)
        self.assertIn("产品质量", html, "the complaint type, not the quality department")
        self.customer.lang = "en_US"
        html = self.env["ir.actions.report"]._render_qweb_html(REPORT, complaint.ids)[0].decode()
        self.assertIn("Customer Complaint Form", html)
        self.assertNotIn("客户投诉处理单", html)


@tagged("post_install", "-at_install")
class TestComplaintPdf(HttpCase, ComplaintCase):
    """A real PDF through wkhtmltopdf (an HttpCase: wkhtmltopdf loads the assets from the server)."""

    def test_pdf_prints_chinese_glyphs(self):
        load_chinese(self.env)
        self.customer.lang = "zh_CN"
        complaint = self._complaint(severity="major", containment_action="Lot 2611 blocked")
        fonts, text = render_pdf(self, REPORT, complaint)
        # pdftotext reads some glyphs back as CJK radicals (户 as U+2F3E): check words without them.
        self.assertIn("CJK", fonts, "Chinese text must be set in a CJK font, not boxes")
        self.assertIn("产品质量", text)
        self.assertIn("投诉处理单", text.replace(" ", ""))
        self.assertIn(complaint.name, text)
        self.assertIn("Lot 2611 blocked", text)
        assert_form_frame(self, text, REPORT, lang="zh_CN")


@tagged("post_install", "-at_install")
class TestComplaintPortal(HttpCase):
    def setUp(self):
        super().setUp()
        self.env.company.write({"qms_review_amount_threshold": 0.0, "qms_review_regular_orders": False,
                                "qms_review_before_sending": False})
        self.product = self.env["product.product"].create({"name": "QMS Portal Valve", "type": "consu", "list_price": 10})
        self.portals = {}
        self.orders = {}
        for key in ("a", "b"):
            company = self.env["res.partner"].create({"name": f"QMS Portal Customer {key.upper()}", "is_company": True})
            contact = self.env["res.partner"].create({"name": f"Buyer {key.upper()}", "parent_id": company.id,
                                                      "email": f"buyer_{key}@portal.example"})
            self.portals[key] = new_test_user(self.env, login=f"qms_portal_{key}", password=f"qms_portal_{key}-Pw1",
                                              groups="base.group_portal", partner_id=contact.id)
            order = self.env["sale.order"].create({
                "partner_id": contact.id,
                "order_line": [Command.create({"product_id": self.product.id, "product_uom_qty": 2})],
            })
            order.action_confirm()
            self.orders[key] = order
        self.complaint_b = self.env["qms.customer.complaint"].create({
            "subject": "B's own complaint", "partner_id": self.portals["b"].partner_id.id, "channel": "phone",
        })

    def _login(self, key):
        self.authenticate(f"qms_portal_{key}", f"qms_portal_{key}-Pw1")

    def _post_new(self, **data):
        data["csrf_token"] = http.Request.csrf_token(self)
        return self.url_open("/my/complaints/new", data=data)

    def test_file_and_follow(self):
        self._login("a")
        response = self.url_open("/my/complaints/new")
        self.assertEqual(response.status_code, 200)
        self.assertIn(self.orders["a"].name, response.text)
        self.assertNotIn(self.orders["b"].name, response.text)
        response = self._post_new(subject="Valve leaks", sale_order_id=str(self.orders["a"].id),
                                  product_id=str(self.product.id), complaint_type="quality", quantity_affected="2",
                                  description="Both valves leak at 6 bar.")
        self.assertEqual(response.status_code, 200)
        complaint = self.env["qms.customer.complaint"].search([("subject", "=", "Valve leaks")])
        self.assertEqual(len(complaint), 1)
        self.assertEqual(complaint.channel, "portal")
        self.assertEqual(complaint.sale_order_id, self.orders["a"])
        self.assertIn(self.portals["a"].partner_id, complaint.message_partner_ids)
        self.assertIn(f"/my/complaints/{complaint.id}", response.url)
        self.assertIn("Valve leaks", response.text)
        listing = self.url_open("/my/complaints")
        self.assertIn(complaint.name, listing.text)
        self.assertNotIn(self.complaint_b.name, listing.text)
        # Another customer's complaint is not shown
        response = self.url_open(f"/my/complaints/{self.complaint_b.id}")
        self.assertNotIn("B&#39;s own complaint", response.text)
        self.assertNotIn("B's own complaint", response.text)

    def test_home_tiles_have_their_icons(self):
        self._login("a")
        home = self.url_open("/my/home").text
        for icon in ("portal-complaint.svg", "portal-sample.svg"):
            url = f"/qms_customer_process/static/src/img/{icon}"
            self.assertIn(url, home)
            response = self.url_open(url)
            self.assertEqual(response.status_code, 200)
            self.assertIn(b"<svg", response.content)

    def test_other_customers_order_refused(self):
        self._login("a")
        count = self.env["qms.customer.complaint"].search_count([])
        response = self._post_new(subject="Sneaky", sale_order_id=str(self.orders["b"].id), description="kept text")
        self.assertEqual(response.status_code, 200)
        self.assertIn("This order is not one of your orders.", response.text)
        self.assertIn("kept text", response.text, "what the customer typed is kept")
        response = self._post_new(subject="", description="no subject")
        self.assertIn("Say in a few words", response.text)
        self.assertEqual(self.env["qms.customer.complaint"].search_count([]), count)

    def _answer(self, complaint, **data):
        data["csrf_token"] = http.Request.csrf_token(self)
        return self.url_open(f"/my/complaints/{complaint.id}/answer", data=data)

    def test_customer_answers_the_solution(self):
        complaint_b = self.complaint_b
        complaint_b.action_acknowledge()
        complaint_b.write({"solution": "credit", "compensation_amount": 30})
        complaint_b.action_propose()
        self._login("a")
        self._answer(complaint_b, answer="accept", satisfaction="satisfied")
        self.assertEqual(complaint_b.state, "proposed", "another customer cannot answer")
        self._login("b")
        page = self.url_open(f"/my/complaints/{complaint_b.id}")
        self.assertIn("Accept the Solution", page.text)
        self._answer(complaint_b, answer="refuse")
        self.assertEqual(complaint_b.state, "proposed", "a refusal needs a reason")
        self._answer(complaint_b, answer="refuse", satisfaction="dissatisfied", feedback="We want a replacement")
        self.assertEqual(complaint_b.state, "investigating")
        self.assertEqual(complaint_b.customer_acceptance, "refused")
        self.assertEqual(complaint_b.customer_feedback, "We want a replacement")
        complaint_b.write({"solution": "replace"})
        complaint_b.action_propose()
        self._answer(complaint_b, answer="accept", satisfaction="very_satisfied")
        self.assertEqual(complaint_b.state, "confirmed")
        self.assertEqual(complaint_b.customer_acceptance, "accepted")
        self.assertEqual(complaint_b.customer_satisfaction, "very_satisfied")

    def test_customer_b_sees_own(self):
        self._login("b")
        response = self.url_open(f"/my/complaints/{self.complaint_b.id}")
        self.assertEqual(response.status_code, 200)
        self.assertIn("own complaint", response.text)
