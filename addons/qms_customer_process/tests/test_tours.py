"""Browser tours (issue 11, must-have 7): the contract review of a special quotation in the web
client, as each person does it, in Chromium. Each tour is one user's part; this test runs them in
turn and checks the order between them. Under CI=true a tour that cannot run fails (QmsTourCase)."""

from odoo.tests import tagged

from .common import QmsCase
from .tour_common import QmsTourCase

RESULT_TYPE = "qms_customer_process.mail_activity_type_qms_review_result"
REVIEW_TYPE = "qms_customer_process.mail_activity_type_qms_review"
GM_CODE = "general_manager"
# Where each tour starts: the menus the users open.
TOUR_URLS = {
    "qms_review_request": "/odoo/action-sale.action_quotations_with_onboarding",
    "qms_review_decide_from_list": "/odoo/action-qms_customer_process.qms_contract_review_line_action",
    "qms_review_decide_from_order": "/odoo/action-qms_customer_process.sale_order_action_contract_review",
}


@tagged("post_install", "-at_install")
class TestContractReviewTour(QmsTourCase, QmsCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.tour_customer = cls.env["res.partner"].create({"name": "QMS Tour Customer", "email": "tour@customer.example"})
        cls.tour_product = cls.env["product.product"].create({
            "name": "QMS Tour Prototype", "type": "consu", "list_price": 1200.0, "qms_standard_product": False,
            "sale_ok": True,
        })
        # The browser tours open the order from the department to-dos: a demo user's review to-dos
        # would not be in these users' lists anyway (they are the departments' only members).

    def _tour(self, tour, user):
        self.start_tour(TOUR_URLS.get(tour, "/odoo"), tour, login=user.login)
        self.env.invalidate_all()

    def _accept_open_lines(self, order, keep):
        """Accept, as their departments, the open lines of every department but ``keep`` (and the
        general manager)."""
        while True:
            lines = order._qms_current_lines().filtered(
                lambda line: line.is_open and line.role_id.code not in (*keep, GM_CODE))
            if not lines:
                return
            for line in lines:
                line.with_user(self.reviewers[line.role_id.code]).action_accept()

    def _decide_in_browser(self, order, code, tour="qms_review_decide", decision="accepted"):
        line = self._line(order, code)
        user = self.reviewers[code]
        self.assertTrue(line.is_open, [(other.role_id.code, other.sequence, other.review_status)
                                        for other in order._qms_current_lines()])
        self.assertEqual(line.review_status, "pending")
        todo = line.activity_ids.filtered(lambda activity: activity.activity_type_id == self.env.ref(REVIEW_TYPE))
        self.assertEqual(todo.user_id, user, f"{code}: the to-do the tour opens")
        self._tour(tour, user)
        self.assertEqual(line.decision, decision, code)
        self.assertEqual(line.reviewer_id, user)
        self.assertFalse(line.activity_ids, f"{code}: the to-do is done")

    def test_special_quotation_reviewed_in_the_browser(self):
        # The salesperson writes the quotation and requests its review.
        self._tour("qms_review_request", self.salesman)
        order = self.env["sale.order"].search([("partner_id", "=", self.tour_customer.id)])
        self.assertEqual(len(order), 1)
        self.assertEqual(order.user_id, self.salesman)
        self.assertEqual(order.order_line.product_id, self.tour_product)
        self.assertEqual(order.order_line.product_uom_qty, 4)
        self.assertEqual(order.qms_contract_type, "special")
        self.assertEqual(order.qms_review_state, "in_review")
        gm_line = self._line(order, GM_CODE)
        self.assertEqual(gm_line.review_status, "waiting")
        # Two departments decide from their to-dos in the browser; the others here.
        # (The departments review in parallel.)
        self._accept_open_lines(order, keep=["rd", "production"])
        # R&D from the activity menu, production from Department Reviews (with a condition).
        self._decide_in_browser(order, "rd")
        self._decide_in_browser(order, "production", tour="qms_review_decide_from_list", decision="conditional")
        self.assertEqual(self._line(order, "production").conditions, "Tooling ready by week 10")
        self._accept_open_lines(order, keep=[])
        self.assertEqual(gm_line.review_status, "waiting", "the general manager waits for the conclusion")
        self.assertFalse(gm_line.activity_ids)
        self._conclude(order)
        # The general manager decides from Quotations under Review (his to-do is open too).
        self._decide_in_browser(order, GM_CODE, tour="qms_review_decide_from_order")
        self.assertEqual(order.qms_review_state, "approved")
        result = order.activity_ids.filtered(lambda activity: activity.activity_type_id == self.env.ref(RESULT_TYPE))
        self.assertEqual(result.user_id, self.salesman)
        # The salesperson opens the "Contract review approved" to-do and confirms.
        self._tour("qms_review_confirm", self.salesman)
        self.assertEqual(order.state, "sale")
        self.assertFalse(result.exists(), "the to-do is done on confirmation")
