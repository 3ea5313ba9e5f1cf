"""The contract review gate seen from an external client: real XML-RPC calls over HTTP.

Every call below goes through the HTTP server that pytest-odoo starts (``--odoo-http``), logs in
with a password through ``/xmlrpc/2/common`` and runs as that user: the access rights, the record
rules and the gate are those of the real user, not of a test environment. Inside an HttpCase the
server works on the test's cursor (Odoo's test mode), so the records made in ``setUp`` are visible
to the calls and everything is rolled back after the test.
"""

import xmlrpc.client

from odoo.tests import HttpCase, get_db_name, new_test_user, tagged
from odoo.tests.common import Transport
from odoo.tools import config

SALES_LOGIN = "qms_sys_salesperson"
SALES_PASSWORD = "qms_sys_salesperson-Pw1"
# The demo department users of the addon (password = login) and the department each decides.
DEPARTMENT_USERS = {
    "rd": "qms_rd",
    "production": "qms_production",
    "procurement": "qms_procurement",
    "quality": "qms_quality",
    "finance": "qms_finance",
    "sales_management": "qms_sales_manager",
    "general_manager": "qms_gm",
}
FIRST_ROUND = ("sales_management", "rd", "production", "procurement", "quality", "finance")


class RpcUser:
    """One authenticated XML-RPC client (``execute_kw`` as that user)."""

    def __init__(self, case, login, password):
        self.case = case
        self.login = login
        self.password = password
        self.db = get_db_name()
        common = xmlrpc.client.ServerProxy(case.rpc_url("common"), transport=Transport(case.cr), allow_none=True)
        self.uid = common.authenticate(self.db, login, password, {})
        case.assertTrue(self.uid, f"XML-RPC authentication of {login} failed")
        self.proxy = xmlrpc.client.ServerProxy(case.rpc_url("object"), transport=Transport(case.cr), allow_none=True)

    def __call__(self, model, method, *args, **kwargs):
        return self.proxy.execute_kw(self.db, self.uid, self.password, model, method, list(args), kwargs)


@tagged("post_install", "-at_install")
class TestXmlrpcGate(HttpCase):
    def setUp(self):
        super().setUp()
        company = self.env.company
        # The company's defaults, stated: no amount threshold, regular orders reviewed on delivery.
        company.write({"qms_review_amount_threshold": 0.0, "qms_review_regular_orders": False,
                       "qms_review_before_sending": False})
        self.salesperson = new_test_user(
            self.env, login=SALES_LOGIN, password=SALES_PASSWORD, name="QMS System Salesperson",
            groups="base.group_user,sales_team.group_sale_salesman",
        )
        self.partner = self.env["res.partner"].create({"name": "QMS XML-RPC Customer", "email": "rpc@example.com"})
        self.special_product = self.env["product.product"].create({
            "name": "QMS XML-RPC Prototype Pump", "type": "consu", "list_price": 300.0,
            "qms_standard_product": False,
        })
        self.standard_product = self.env["product.product"].create({
            "name": "QMS XML-RPC Standard Bolt", "type": "consu", "list_price": 2.0,
            "qms_standard_product": True,
        })
        self.roles = {
            code: self.env["qms.review.role"].search([("code", "=", code), ("company_id", "in", [False, company.id])],
                                                     limit=1)
            for code in DEPARTMENT_USERS
        }
        for code, role in self.roles.items():
            self.assertTrue(role, f"review department {code} missing")
        self.sales = RpcUser(self, SALES_LOGIN, SALES_PASSWORD)

    def rpc_url(self, service):
        return f"http://127.0.0.1:{config['http_port']}/xmlrpc/2/{service}"

    def _create_order(self, rpc, product, qty=3):
        return rpc("sale.order", "create", {
            "partner_id": self.partner.id,
            # (0, 0, vals): what an external client sends (Command values do not marshal).
            "order_line": [(0, 0, {"product_id": product.id, "product_uom_qty": qty})],
        })

    def _read_order(self, rpc, order_id, fields=("state", "qms_contract_type", "qms_review_state")):
        return rpc("sale.order", "read", [order_id], list(fields))[0]

    def _assert_fault(self, call, *args, **kwargs):
        with self.assertRaises(xmlrpc.client.Fault) as caught:
            call(*args, **kwargs)
        return caught.exception.faultString

    def test_special_order_gate_over_xmlrpc(self):
        sales = self.sales
        order_id = self._create_order(sales, self.special_product)
        order = self._read_order(sales, order_id)
        self.assertEqual(order["qms_contract_type"], "special")
        self.assertEqual(order["qms_review_state"], "draft")
        self.assertEqual(order["state"], "draft")

        # Not reviewed yet: confirming fails and names the departments that must review.
        fault = self._assert_fault(sales, "sale.order", "action_confirm", [order_id])
        for code in DEPARTMENT_USERS:
            self.assertIn(self.roles[code].name, fault)
        # Writing the state directly is blocked by the same gate.
        fault = self._assert_fault(sales, "sale.order", "write", [order_id], {"state": "sale"})
        self.assertIn(self.roles["rd"].name, fault)
        self.assertEqual(self._read_order(sales, order_id)["state"], "draft")

        # The salesperson requests the review: one line per department.
        self.assertTrue(sales("sale.order", "action_qms_request_review", [order_id]))
        self.assertEqual(self._read_order(sales, order_id)["qms_review_state"], "in_review")
        lines = sales("qms.contract.review.line", "search_read", [("order_id", "=", order_id)],
                      fields=["role_id", "decision", "sequence"])
        line_by_code = {}
        for line in lines:
            code = next(code for code, role in self.roles.items() if role.id == line["role_id"][0])
            line_by_code[code] = line
        self.assertEqual(set(line_by_code), set(DEPARTMENT_USERS))
        self.assertTrue(all(line["decision"] == "pending" for line in lines))
        self.assertLess(max(line_by_code[code]["sequence"] for code in FIRST_ROUND),
                        line_by_code["general_manager"]["sequence"])

        fault = self._assert_fault(sales, "sale.order", "action_confirm", [order_id])
        self.assertIn("Pending departments", fault)
        for code in DEPARTMENT_USERS:
            self.assertIn(self.roles[code].name, fault)

        # The salesperson is no member of the R&D department: he cannot decide its line.
        rd_line = line_by_code["rd"]["id"]
        self._assert_fault(sales, "qms.contract.review.line", "action_accept", [rd_line])
        # Nor write the decision on the line.
        self._assert_fault(sales, "qms.contract.review.line", "write", [rd_line], {"decision": "accepted"})
        self.assertEqual(sales("qms.contract.review.line", "read", [rd_line], ["decision"])[0]["decision"], "pending")

        reviewers = {code: RpcUser(self, login, login) for code, login in DEPARTMENT_USERS.items()}
        # The general manager's line opens only after the departments of the first round accept.
        gm_line = line_by_code["general_manager"]["id"]
        self._assert_fault(reviewers["general_manager"], "qms.contract.review.line", "action_accept", [gm_line])
        # A department user cannot decide another department's line either.
        self._assert_fault(reviewers["finance"], "qms.contract.review.line", "action_accept", [rd_line])

        for code in FIRST_ROUND:
            kwargs = {"conditions": "Final inspection witnessed by the customer"} if code == "quality" else {}
            self.assertTrue(reviewers[code]("qms.contract.review.line", "action_accept", [line_by_code[code]["id"]],
                                            **kwargs))
        decisions = {
            line["id"]: line["decision"]
            for line in sales("qms.contract.review.line", "read", [line["id"] for line in lines], ["decision"])
        }
        self.assertEqual(decisions[line_by_code["quality"]["id"]], "conditional")
        self.assertEqual(decisions[line_by_code["rd"]["id"]], "accepted")
        self.assertEqual(decisions[gm_line], "pending")

        # Only the general manager is still pending now; he decides after the organiser's conclusion.
        fault = self._assert_fault(sales, "sale.order", "action_confirm", [order_id])
        self.assertIn(self.roles["general_manager"].name, fault)
        self.assertNotIn(self.roles["finance"].name, fault)
        self.assertEqual(self._read_order(sales, order_id)["qms_review_state"], "in_review")
        fault = self._assert_fault(reviewers["general_manager"], "qms.contract.review.line", "action_accept", [gm_line])
        self.assertIn("after the organiser's conclusion", fault)
        fault = self._assert_fault(sales, "sale.order", "action_qms_conclude", [order_id], "Accepted")
        self.assertIn("Only the organiser of the contract review", fault)
        self.assertTrue(reviewers["sales_management"]("sale.order", "action_qms_conclude", [order_id],
                                                      "Accepted; the customer witnesses the final inspection"))

        self.assertTrue(reviewers["general_manager"]("qms.contract.review.line", "action_accept", [gm_line]))
        # A decided line is a record: deciding it again fails.
        self._assert_fault(reviewers["general_manager"], "qms.contract.review.line", "action_reject", [gm_line],
                           comment="Changed my mind")
        self.assertEqual(self._read_order(sales, order_id)["qms_review_state"], "approved")

        sales("sale.order", "action_confirm", [order_id])
        order = self._read_order(sales, order_id)
        self.assertEqual(order["state"], "sale")
        self.assertEqual(order["qms_review_state"], "approved")

    def test_rejected_review_blocks_confirmation_over_xmlrpc(self):
        sales = self.sales
        order_id = self._create_order(sales, self.special_product)
        sales("sale.order", "action_qms_request_review", [order_id])
        line_id = sales("qms.contract.review.line", "search",
                        [("order_id", "=", order_id), ("role_id", "=", self.roles["finance"].id)])[0]
        finance = RpcUser(self, "qms_finance", "qms_finance")
        # A rejection needs a comment.
        self._assert_fault(finance, "qms.contract.review.line", "action_reject", [line_id])
        finance("qms.contract.review.line", "action_reject", [line_id], comment="Customer credit limit exceeded")
        self.assertEqual(self._read_order(sales, order_id)["qms_review_state"], "rejected")
        fault = self._assert_fault(sales, "sale.order", "action_confirm", [order_id])
        self.assertIn(self.roles["finance"].name, fault)
        self.assertEqual(self._read_order(sales, order_id)["state"], "draft")
        # Requested again with nothing changed: only with a reason, which the chatter keeps.
        fault = self._assert_fault(sales, "sale.order", "action_qms_request_review", [order_id])
        self.assertIn("give the reason to request it again", fault)
        self.assertEqual(self._read_order(sales, order_id)["qms_review_state"], "rejected")
        sales("sale.order", "action_qms_request_review", [order_id], reason="Credit limit raised by a bank guarantee")
        order = self._read_order(sales, order_id, ("qms_review_state", "qms_review_revision"))
        self.assertEqual((order["qms_review_state"], order["qms_review_revision"]), ("in_review", 2))
        bodies = [m["body"] for m in sales("mail.message", "search_read",
                                           [("model", "=", "sale.order"), ("res_id", "=", order_id)], fields=["body"])]
        self.assertTrue(any("Reason: Credit limit raised by a bank guarantee" in body for body in bodies))

    def _counts(self):
        return (self.env["sale.order"].search_count([("partner_id", "=", self.partner.id)]),
                self.env["stock.picking"].search_count([("partner_id", "=", self.partner.id)]))

    def _approved_order(self):
        order = self.env["sale.order"].create({
            "partner_id": self.partner.id,
            "user_id": self.salesperson.id,
            "order_line": [(0, 0, {"product_id": self.special_product.id, "product_uom_qty": 2})],
        })
        order.with_user(self.salesperson).action_qms_request_review()
        users = {code: self.env["res.users"].search([("login", "=", login)]) for code, login in DEPARTMENT_USERS.items()}
        for line in order.qms_review_line_ids.sorted("sequence"):
            if line._qms_waits_for_conclusion():
                order.with_user(users["sales_management"]).action_qms_conclude("Accepted")
            line.with_user(users[line.role_id.code]).action_accept()
        self.assertEqual(order.qms_review_state, "approved")
        return order

    def test_create_confirmed_special_order_over_xmlrpc(self):
        before = self._counts()
        fault = self._assert_fault(self.sales, "sale.order", "create", {
            "partner_id": self.partner.id,
            "state": "sale",
            "order_line": [(0, 0, {"product_id": self.special_product.id, "product_uom_qty": 3})],
        })
        self.assertIn("The order cannot be created as confirmed", fault)
        for code in DEPARTMENT_USERS:
            self.assertIn(self.roles[code].name, fault)
        # Nothing is left: no order, no delivery.
        self.assertEqual(self._counts(), before)
        self.assertEqual(before, (0, 0))
        # A regular order created confirmed is confirmed with its delivery, as in standard Odoo.
        order_id = self.sales("sale.order", "create", {
            "partner_id": self.partner.id,
            "state": "sale",
            "order_line": [(0, 0, {"product_id": self.standard_product.id, "product_uom_qty": 3})],
        })
        order = self._read_order(self.sales, order_id, ("state", "qms_review_line_ids", "picking_ids"))
        self.assertEqual(order["state"], "sale")
        self.assertFalse(order["qms_review_line_ids"])
        self.assertEqual(len(order["picking_ids"]), 1)

    def test_copy_confirmed_over_xmlrpc(self):
        order = self._approved_order()
        before = self._counts()
        fault = self._assert_fault(self.sales, "sale.order", "copy", [order.id], default={"state": "sale"})
        self.assertIn("The order cannot be created as confirmed", fault)
        self.assertIn(self.roles["general_manager"].name, fault)
        self.assertEqual(self._counts(), before)
        self.assertEqual(self._read_order(self.sales, order.id)["state"], "draft")
        # The approved order itself confirms.
        self.sales("sale.order", "action_confirm", [order.id])
        self.assertEqual(self._read_order(self.sales, order.id)["state"], "sale")

    def test_who_requests_a_review_over_xmlrpc(self):
        order_id = self._create_order(self.sales, self.special_product)
        quality = RpcUser(self, "qms_quality", "qms_quality")
        fault = self._assert_fault(quality, "sale.order", "action_qms_request_review", [order_id])
        self.assertIn("Only a salesperson who may edit the order requests its contract review.", fault)
        self.assertEqual(self._read_order(self.sales, order_id)["qms_review_state"], "draft")
        self.assertTrue(self.sales("sale.order", "action_qms_request_review", [order_id]))
        self.assertEqual(self._read_order(self.sales, order_id)["qms_review_state"], "in_review")

    def test_regular_order_confirms_over_xmlrpc(self):
        sales = self.sales
        order_id = self._create_order(sales, self.standard_product)
        order = self._read_order(sales, order_id)
        self.assertEqual(order["qms_contract_type"], "regular")
        self.assertEqual(order["qms_review_state"], "not_required")
        sales("sale.order", "action_confirm", [order_id])
        order = self._read_order(sales, order_id, ("state", "qms_review_line_ids"))
        self.assertEqual(order["state"], "sale")
        # No review before confirmation for a regular order.
        self.assertFalse(order["qms_review_line_ids"])
