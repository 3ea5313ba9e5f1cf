"""The customer portal through HTTP: files on a new complaint, the order and product lists, the
fixed message codes, the answer shown back, the status badges and the portal in Chinese."""
import base64
import io
import re
import zipfile
from urllib.parse import urlencode

from odoo import Command, http
from odoo.tests import HttpCase, new_test_user, tagged

from .common import load_chinese

PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="
)
PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


def office(folder="word"):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types/>')
        archive.writestr(f"{folder}/document.xml", '<?xml version="1.0"?><document/>')
    return buffer.getvalue()


@tagged("post_install", "-at_install")
class TestPortalPages(HttpCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.company.write({"qms_review_amount_threshold": 0.0, "qms_review_regular_orders": False,
                               "qms_review_before_sending": False})
        Product = cls.env["product.product"]
        cls.product_a1 = Product.create({"name": "QMS Pages Pump A1", "type": "consu", "list_price": 10})
        cls.product_a2 = Product.create({"name": "QMS Pages Seal A2", "type": "consu", "list_price": 10})
        cls.product_b = Product.create({"name": "QMS Pages Fan B", "type": "consu", "list_price": 10})
        cls.product_quote = Product.create({"name": "QMS Pages Quoted Only", "type": "consu", "list_price": 10})
        cls.portals = {}
        for key in ("a", "b"):
            company = cls.env["res.partner"].create({"name": f"QMS Pages Customer {key.upper()}", "is_company": True})
            contact = cls.env["res.partner"].create({"name": f"Pages Buyer {key.upper()}", "parent_id": company.id,
                                                     "email": f"pages_{key}@portal.example"})
            cls.portals[key] = new_test_user(cls.env, login=f"qms_pages_{key}", password=f"qms_pages_{key}-Pw1",
                                             groups="base.group_portal", partner_id=contact.id, name=contact.name)

        def order(partner, product, confirm=True):
            order = cls.env["sale.order"].create({
                "partner_id": partner.id, "order_line": [Command.create({"product_id": product.id, "product_uom_qty": 1})],
            })
            if confirm:
                order.action_confirm()
            return order

        contact_a = cls.portals["a"].partner_id
        cls.order_a1 = order(contact_a, cls.product_a1)
        # An order of customer A's company that nobody of customer A follows (imported, or unfollowed):
        # still the customer's own order.
        cls.order_a2 = order(contact_a.parent_id, cls.product_a2)
        cls.order_a2.message_unsubscribe(partner_ids=(contact_a | contact_a.parent_id).ids)
        cls.quotation_a = order(contact_a, cls.product_quote, confirm=False)
        cls.order_b = order(cls.portals["b"].partner_id, cls.product_b)

    def setUp(self):
        super().setUp()
        self.Complaint = self.env["qms.customer.complaint"]
        self.Attachment = self.env["ir.attachment"]

    def _login(self, key):
        self.authenticate(f"qms_pages_{key}", f"qms_pages_{key}-Pw1")

    def _file(self, files=None, **data):
        data = {"subject": "Seals leak", "sale_order_id": str(self.order_a1.id), "description": "kept text",
                "csrf_token": http.Request.csrf_token(self), **data}
        return self.url_open("/my/complaints/new", data=data, files=files or None)

    def _complaint_files(self):
        return self.Attachment.search([("res_model", "=", "qms.customer.complaint")])

    @staticmethod
    def _alert(html):
        match = re.search(r'<div class="alert alert-(\w+) o_qms_portal_message"[^>]*>\s*(.*?)\s*</div>', html, re.S)
        return match and (match.group(1), match.group(2))

    # Files on a new complaint

    def test_files_are_stored_on_the_complaint(self):
        self._login("a")
        response = self._file(files=[
            ("attachments", ("flange.png", PNG, "image/png")),
            ("attachments", ("test report.pdf", PDF, "application/pdf")),
            ("attachments", ("8D draft.docx", office("word"), "application/octet-stream")),
            ("attachments", ("slides.pptx", office("ppt"), "application/octet-stream")),
        ])
        self.assertEqual(response.status_code, 200)
        complaint = self.Complaint.search([("subject", "=", "Seals leak")])
        self.assertEqual(len(complaint), 1)
        self.assertIn(f"/my/complaints/{complaint.id}", response.url)
        files = self._complaint_files()
        self.assertEqual(files.mapped("res_id"), [complaint.id] * 4)
        self.assertEqual(
            {(attachment.name, attachment.mimetype) for attachment in files},
            {("flange.png", "image/png"), ("test report.pdf", "application/pdf"),
             ("8D draft.docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
             ("slides.pptx", "application/vnd.openxmlformats-officedocument.presentationml.presentation")},
            "the type is the one of the content, not the one the browser says",
        )
        self.assertEqual(files.filtered(lambda attachment: attachment.name == "flange.png").raw, PNG)
        # Posted by the customer: the files are in the complaint's communication, on the portal too.
        message = complaint.message_ids.filtered("attachment_ids")
        self.assertEqual(message.author_id, self.portals["a"].partner_id)
        self.assertEqual(message.attachment_ids, files)
        self.assertIn('id="qms_complaint_files"', response.text)
        self.assertIn("flange.png", response.text)
        self.assertIn("test report.pdf", response.text)
        self.assertEqual(self._alert(response.text)[0], "success")
        self.assertIn("your complaint is recorded", response.text)

    def test_file_of_another_type_is_refused_and_nothing_is_created(self):
        self._login("a")
        count = self.Complaint.search_count([])
        for name, content in (
            ("photo.png", b"MZ\x90\x00\x03" + b"\x00" * 64),  # a program named as a photo
            ("photo.png", b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'),
            ("report.pdf", b"<html><body>not a PDF</body></html>"),
            ("notes.txt", b"plain text"),
            ("archive.docx", office("other")),  # a zip archive named as a document
            ("empty.pdf", b""),
        ):
            response = self._file(files=[
                ("attachments", ("good.png", PNG, "image/png")),
                ("attachments", (name, content, "image/png")),
            ])
            self.assertEqual(response.status_code, 200, name)
            self.assertIn(f"The file {name} is not a photo, a PDF or an office document", response.text, name)
            self.assertIn("/my/complaints/new", response.url, "the form is shown again")
            self.assertIn("kept text", response.text)
        self.assertEqual(self.Complaint.search_count([]), count)
        self.assertFalse(self._complaint_files(), "not even the good file of the refused complaint is kept")

    def test_too_large_file_is_refused_and_nothing_is_created(self):
        self._login("a")
        page = self.url_open("/my/complaints/new").text
        self.assertIn("at most 10 files of 10 MB each", page, "10 MB per file by default")
        self.env["ir.config_parameter"].set_param("qms_customer_process.portal_attachment_max_mb", "0.01")
        count = self.Complaint.search_count([])
        limit = int(0.01 * 1024 * 1024)
        big = PNG + b"\x00" * (limit + 1 - len(PNG))
        response = self._file(files=[("attachments", ("big.png", big, "image/png"))])
        self.assertIn("The file big.png is larger than 0.01 MB", response.text)
        self.assertEqual(self.Complaint.search_count([]), count)
        self.assertFalse(self._complaint_files())
        response = self._file(files=[("attachments", ("fits.png", big[:limit], "image/png"))])
        complaint = self.Complaint.search([("subject", "=", "Seals leak")])
        self.assertEqual(len(complaint), 1, "a file of exactly the limit is accepted")
        self.assertEqual(self._complaint_files().mapped("name"), ["fits.png"])

    def test_too_many_files_are_refused(self):
        self._login("a")
        response = self._file(files=[("attachments", (f"p{index}.png", PNG, "image/png")) for index in range(11)])
        self.assertIn("At most 10 files can be attached to a complaint.", response.text)
        self.assertFalse(self.Complaint.search([("subject", "=", "Seals leak")]))
        self.assertFalse(self._complaint_files())

    # The lists of /my/complaints/new

    def test_lists_hold_the_customers_own_orders_and_products_only(self):
        self._login("a")
        page = self.url_open("/my/complaints/new").text
        for shown in (self.order_a1.name, self.order_a2.name, self.product_a1.name, self.product_a2.name):
            self.assertIn(shown, page)
        for hidden in (self.order_b.name, self.product_b.name, self.quotation_a.name, self.product_quote.name):
            self.assertNotIn(hidden, page)
        # The order nobody of the customer follows is a valid choice.
        self._file(sale_order_id=str(self.order_a2.id), product_id=str(self.product_a2.id))
        complaint = self.Complaint.search([("subject", "=", "Seals leak")])
        self.assertEqual(complaint.sale_order_id, self.order_a2)
        self.assertEqual(complaint.product_id, self.product_a2)
        self._login("b")
        page = self.url_open("/my/complaints/new").text
        self.assertIn(self.order_b.name, page)
        for hidden in (self.order_a1.name, self.order_a2.name, self.product_a1.name, self.product_a2.name):
            self.assertNotIn(hidden, page)
        response = self._file(subject="Not mine", sale_order_id=str(self.order_a2.id))
        self.assertIn("This order is not one of your orders.", response.text)
        self.assertFalse(self.Complaint.search([("subject", "=", "Not mine")]))

    # Message codes, the answer shown back, the badges

    def _proposed_complaint(self, key="a"):
        complaint = self.Complaint.create({
            "subject": "Noisy pump", "partner_id": self.portals[key].partner_id.id, "channel": "phone",
        })
        complaint.action_acknowledge()
        complaint.write({"solution": "replace"})
        complaint.action_propose()
        return complaint

    def test_only_known_message_codes_are_shown(self):
        complaint = self._proposed_complaint()
        self._login("a")
        url = f"/my/complaints/{complaint.id}"
        page = self.url_open(f"{url}?message=filed").text
        self.assertEqual(self._alert(page), (
            "success", "Thank you: your complaint is recorded. We will acknowledge it and keep you informed on this page."))
        for code in ("approved", "answered", "unknown", "<b>urgent</b>", "filed ", "Your account is suspended"):
            page = self.url_open(f"{url}?{urlencode({'message': code})}").text
            self.assertIsNone(self._alert(page), code)
            self.assertNotIn("urgent", page)
            self.assertNotIn("suspended", page)
        page = self.url_open(f"{url}?message=filed&message=accepted").text
        self.assertEqual(len(re.findall("o_qms_portal_message", page)), 1, "one message at most")

    def _answer(self, complaint, **data):
        data["csrf_token"] = http.Request.csrf_token(self)
        return self.url_open(f"/my/complaints/{complaint.id}/answer", data=data)

    def test_answer_is_confirmed_and_shown_back(self):
        complaint = self._proposed_complaint()
        self._login("a")
        page = self.url_open(f"/my/complaints/{complaint.id}").text
        self.assertIn('badge rounded-pill text-bg-warning">Awaiting Your Answer<', page)
        self.assertNotIn("complaint_answer_given", page)
        response = self._answer(complaint, answer="refuse")
        self.assertEqual(self._alert(response.text), ("warning", "Tell us why you do not accept the solution."))
        self.assertEqual(complaint.state, "proposed")
        response = self._answer(complaint, answer="refuse", satisfaction="dissatisfied", feedback="We want a refund")
        self.assertEqual(complaint.state, "investigating")
        self.assertEqual(self._alert(response.text)[0], "success")
        self.assertIn("your answer and your reasons are recorded", response.text)
        self.assertIn("You did not accept the proposed solution.", response.text)
        self.assertIn("Your reasons:", response.text)
        self.assertIn("We want a refund", response.text)
        self.assertIn("Dissatisfied", response.text)
        self.assertIn('text-bg-warning">Under Investigation<', response.text)
        # A new proposal asks again; the earlier answer is not shown as the answer to it.
        complaint.write({"solution": "credit", "compensation_amount": 50})
        complaint.action_propose()
        page = self.url_open(f"/my/complaints/{complaint.id}").text
        self.assertNotIn("complaint_answer_given", page)
        response = self._answer(complaint, answer="accept", satisfaction="very_satisfied", feedback="Fine for us")
        self.assertEqual(complaint.state, "confirmed")
        self.assertIn("your acceptance of the proposed solution is recorded", response.text)
        self.assertIn("You accepted the proposed solution.", response.text)
        self.assertIn("Your comments:", response.text)
        self.assertIn("Fine for us", response.text)
        self.assertIn('text-bg-success">Solution Accepted<', response.text)
        self.assertNotIn("Customer Confirmed", response.text, "no staff wording")
        response = self._answer(complaint, answer="refuse", feedback="changed my mind")
        self.assertEqual(complaint.state, "confirmed")
        self.assertEqual(self._alert(response.text)[0], "warning")
        self.assertIn("This solution has already been answered", response.text)
        listing = self.url_open("/my/complaints").text
        self.assertIn('text-bg-success">Solution Accepted<', listing)

    def test_property_answer_messages(self):
        prop = self.env["qms.customer.property"].create({
            "name": "Mould of customer A", "partner_id": self.portals["a"].partner_id.parent_id.id, "kind": "tooling",
        })
        prop.action_report_loss("damaged", "Cavity cracked")
        self._login("a")
        url = f"/my/property/{prop.id}"
        self.assertIsNone(self._alert(self.url_open(f"{url}?message=filed").text))
        data = {"csrf_token": http.Request.csrf_token(self)}
        response = self.url_open(f"{url}/answer", data={**data, "answer": " "})
        self.assertEqual(self._alert(response.text), ("warning", "Tell us how you wish us to proceed."))
        response = self.url_open(f"{url}/answer", data={**data, "answer": "Repair it"})
        self.assertEqual(prop.customer_answer, "Repair it")
        self.assertEqual(self._alert(response.text)[0], "success")
        self.assertIn('text-bg-danger">Lost / Damaged<', response.text)
        response = self.url_open(f"{url}/answer", data={**data, "answer": "Replace it"})
        self.assertEqual(prop.customer_answer, "Repair it")
        self.assertIn("Your answer is already recorded", response.text)

    # An internal user outside the QMS and sales groups

    def test_internal_user_outside_qms_sees_empty_lists(self):
        """A warehouse clerk (internal user, no QMS or sales group) opens the portal as core Odoo's
        pages let it: no error, no document counted or listed, though some name its partner."""
        clerk = new_test_user(self.env, login="qms_pages_clerk", password="qms_pages_clerk-Pw1",
                              groups="base.group_user,stock.group_stock_user", name="Pages Clerk")
        partner = clerk.partner_id
        complaint = self.Complaint.create({"subject": "Clerk's own complaint", "partner_id": partner.id,
                                           "channel": "phone", "complaint_type": "quality", "severity": "minor"})
        prop = self.env["qms.customer.property"].create({"name": "Clerk's own mould", "partner_id": partner.id,
                                                         "kind": "tooling"})
        sample = self.env["qms.sample.request"].create({
            "partner_id": partner.id, "purpose": "trial",
            "line_ids": [Command.create({"product_id": self.product_a1.id, "name": "Clerk's own sample", "quantity": 1})],
        })
        sample.action_submit()
        self.assertEqual(sample.state, "submitted")
        for model in ("qms.customer.complaint", "qms.customer.property", "qms.sample.request"):
            self.assertFalse(self.env[model].with_user(clerk).has_access("read"), model)
        self.authenticate("qms_pages_clerk", "qms_pages_clerk-Pw1")
        for url, text, empty in (
            ("/my/complaints", complaint.subject, "You have not filed any complaint."),
            ("/my/property", prop.name, "We hold no property of yours."),
            ("/my/samples", sample.name, "There are currently no samples for your account."),
        ):
            response = self.url_open(url)
            self.assertEqual(response.status_code, 200, url)
            self.assertTrue(response.url.endswith(url), response.url)
            self.assertIn(empty, response.text, url)
            self.assertNotIn(text, response.text, url)
        response = self.url_open("/my/home")
        self.assertEqual(response.status_code, 200)
        counters = self.make_jsonrpc_request("/my/counters", {
            "counters": ["complaint_count", "qms_property_count", "qms_sample_count"],
        })
        self.assertEqual(counters, {"complaint_count": 0, "qms_property_count": 0, "qms_sample_count": 0})

    # Chinese

    def test_chinese_customer_reads_the_portal_in_chinese(self):
        load_chinese(self.env)
        self.portals["a"].lang = "zh_CN"
        complaint = self._proposed_complaint()
        # The browser opened the link of an e-mail before logging in: Odoo's frontend remembers
        # the visitor's language (English) in the frontend_lang cookie. Every cookie comes from the
        # server, as in a browser.
        self.authenticate(None, None)
        self.opener.cookies.clear()
        self.url_open(f"/my/complaints/{complaint.id}?access_token={complaint._portal_ensure_token()}")
        self.assertEqual(self.opener.cookies.get("frontend_lang"), "en_US")
        login_page = self.url_open("/web/login").text
        csrf_token = re.search(r'name="csrf_token" value="([^"]+)"', login_page).group(1)
        response = self.url_open("/web/login", data={
            "login": "qms_pages_a", "password": "qms_pages_a-Pw1", "type": "password", "csrf_token": csrf_token,
        })
        self.assertEqual(response.status_code, 200)
        self.assertIn("/my", response.url)
        self.assertNotIn("/web/login", response.url)
        page = self.url_open("/my/complaints").text
        self.assertIn("提交投诉", page)
        self.assertNotIn(">File a Complaint<", page)
        page = self.url_open("/my/complaints/new").text
        self.assertIn("提交投诉", page)
        self.assertIn(self.order_a1.name, page)
