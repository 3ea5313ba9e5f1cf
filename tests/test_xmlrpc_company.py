"""Multi-company seen from an external client: real XML-RPC calls over HTTP.

A user who works for company A (and also reads company B) links a complaint or a corrective action of
A to B's order or complaint: refused by Odoo's company check, nothing written. A user with no
complaint rights calls ``mail.thread.message_process`` with ``custom_values`` naming another company:
refused, nothing created. Every call goes through the HTTP server that pytest-odoo starts
(``--odoo-http``) and runs as the logged-in user; inside an HttpCase the server works on the test's
cursor, so everything is rolled back after the test.
"""

import xmlrpc.client
from email.message import EmailMessage

from odoo import Command
from odoo.tests import HttpCase, get_db_name, new_test_user, tagged
from odoo.tests.common import Transport
from odoo.tools import config

COMPANY_REFUSAL = "Incompatible companies on records"


class RpcUser:
    """One authenticated XML-RPC client (``execute_kw`` as that user), as in test_xmlrpc_gate."""

    def __init__(self, case, login, password, context=None):
        self.db = get_db_name()
        self.password = password
        self.context = context or {}
        common = xmlrpc.client.ServerProxy(case.rpc_url("common"), transport=Transport(case.cr), allow_none=True)
        self.uid = common.authenticate(self.db, login, password, {})
        case.assertTrue(self.uid, f"XML-RPC authentication of {login} failed")
        self.proxy = xmlrpc.client.ServerProxy(case.rpc_url("object"), transport=Transport(case.cr), allow_none=True)

    def __call__(self, model, method, *args, **kwargs):
        kwargs.setdefault("context", self.context)
        return self.proxy.execute_kw(self.db, self.uid, self.password, model, method, list(args), kwargs)


@tagged("post_install", "-at_install")
class TestXmlrpcCompany(HttpCase):
    def setUp(self):
        super().setUp()
        self.company_a = self.env.company
        self.company_b = self.env["res.company"].create({"name": "QMS RPC Company B"})
        both = (self.company_a | self.company_b).ids
        self.customer = self.env["res.partner"].create({"name": "QMS RPC Customer", "email": "rpc-mc@example.com"})
        product = self.env["product.product"].create({"name": "QMS RPC Bolt", "type": "consu", "list_price": 2.0})
        env_b = self.env(context=dict(self.env.context, allowed_company_ids=self.company_b.ids))
        self.order_b = env_b["sale.order"].create({
            "partner_id": self.customer.id, "company_id": self.company_b.id,
            "order_line": [Command.create({"product_id": product.id, "product_uom_qty": 1})],
        })
        self.complaint_b = env_b["qms.customer.complaint"].create({
            "subject": "QMS RPC complaint of B", "partner_id": self.customer.id, "company_id": self.company_b.id,
        })
        users = {
            # Works for A and reads B: only the company check stands between her and B's records.
            "alice": ("sales_team.group_sale_salesman_all_leads,qms_customer_process.group_qms_quality", both),
            # Works for A only.
            "sam": ("sales_team.group_sale_salesman", self.company_a.ids),
            # No complaint rights at all.
            "paul": ("base.group_user", self.company_a.ids),
        }
        self.rpc = {}
        for name, (groups, company_ids) in users.items():
            login = f"qms_rpc_mc_{name}"
            new_test_user(self.env, login=login, password=f"{login}-Pw1", groups=groups,
                          company_id=self.company_a.id, company_ids=[Command.set(company_ids)])
            self.rpc[name] = RpcUser(self, login, f"{login}-Pw1", context={"allowed_company_ids": company_ids})

    def rpc_url(self, service):
        return f"http://127.0.0.1:{config['http_port']}/xmlrpc/2/{service}"

    def _fault(self, call, *args, **kwargs):
        with self.assertRaises(xmlrpc.client.Fault) as caught:
            call(*args, **kwargs)
        return caught.exception.faultString

    def _complaints(self, subject):
        return self.env["qms.customer.complaint"].search([("subject", "=", subject)])

    def test_links_to_another_company_are_refused(self):
        alice, sam = self.rpc["alice"], self.rpc["sam"]
        fault = self._fault(alice, "qms.customer.complaint", "create", {
            "subject": "QMS RPC linked to B", "partner_id": self.customer.id, "sale_order_id": self.order_b.id,
        })
        self.assertIn(COMPANY_REFUSAL, fault)
        self.assertIn("sale_order_id", fault)
        self.assertFalse(self._complaints("QMS RPC linked to B"))

        complaint_id = alice("qms.customer.complaint", "create", {
            "subject": "QMS RPC complaint of A", "partner_id": self.customer.id,
        })
        self.assertEqual(self._complaints("QMS RPC complaint of A").company_id, self.company_a)
        fault = self._fault(alice, "qms.customer.complaint", "write", [complaint_id],
                            {"sale_order_id": self.order_b.id})
        self.assertIn(COMPANY_REFUSAL, fault)
        self.assertFalse(alice("qms.customer.complaint", "read", [complaint_id], ["sale_order_id"])[0]["sale_order_id"])

        fault = self._fault(alice, "qms.corrective.action", "create", {
            "description": "QMS RPC action on B's complaint", "due_date": "2099-01-01",
            "complaint_id": self.complaint_b.id,
        })
        self.assertIn(COMPANY_REFUSAL, fault)
        self.assertIn("complaint_id", fault)
        self.assertFalse(self.env["qms.corrective.action"].search([("complaint_id", "=", self.complaint_b.id)]))

        # A user of A alone may not even read B's order.
        sam_complaint = sam("qms.customer.complaint", "create", {
            "subject": "QMS RPC complaint of Sam", "partner_id": self.customer.id,
        })
        fault = self._fault(sam, "qms.customer.complaint", "write", [sam_complaint], {"sale_order_id": self.order_b.id})
        self.assertIn("Sales Order (sale.order)", fault)
        self.assertFalse(self._complaints("QMS RPC complaint of Sam").sale_order_id)

    def _email(self, subject):
        message = EmailMessage()
        message["From"] = "QMS RPC Customer <rpc-mc@example.com>"
        message["To"] = "nobody@qms-rpc-nowhere.example"
        message["Subject"] = subject
        message["Message-ID"] = f"<{subject.replace(' ', '.')}@rpc.example>"
        message.set_content("Broken parts.")
        return message.as_string()

    def test_message_process_with_forged_custom_values(self):
        paul = self.rpc["paul"]
        for custom_values in ({"company_id": self.company_b.id},
                              {"company_id": self.company_b.id, "state": "closed"}):
            with self.subTest(custom_values=custom_values):
                fault = self._fault(paul, "mail.thread", "message_process", "qms.customer.complaint",
                                    self._email("QMS RPC forged company"), custom_values=custom_values)
                self.assertRegex(fault, "You cannot create a Customer Complaint in QMS RPC Company B by email|"
                                        "are set by its workflow actions")
        self.assertFalse(self._complaints("QMS RPC forged company"))
        # Forging the active companies in the context does not help either.
        paul_in_b = RpcUser(self, "qms_rpc_mc_paul", "qms_rpc_mc_paul-Pw1",
                            context={"allowed_company_ids": self.company_b.ids})
        fault = self._fault(paul_in_b, "mail.thread", "message_process", "qms.customer.complaint",
                            self._email("QMS RPC forged context"))
        self.assertIn("Access to unauthorized or invalid companies", fault)
        self.assertFalse(self._complaints("QMS RPC forged context"))
        # Without forged values the mail becomes a new complaint of Paul's own company.
        complaint_id = paul("mail.thread", "message_process", "qms.customer.complaint",
                            self._email("QMS RPC plain mail"))
        complaint = self.env["qms.customer.complaint"].browse(complaint_id)
        self.assertEqual(complaint.subject, "QMS RPC plain mail")
        self.assertEqual(complaint.company_id, self.company_a)
        self.assertEqual(complaint.state, "new")
        self.assertEqual(complaint.partner_id, self.customer)
