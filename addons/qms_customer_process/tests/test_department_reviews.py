from lxml import etree

from odoo.osv import expression
from odoo.tests import tagged
from odoo.tools.safe_eval import safe_eval

from .common import QmsCase


@tagged("post_install", "-at_install")
class TestDepartmentReviewsDefaults(QmsCase):
    """Department Reviews opens, for a reviewer, on their own departments' pending lines of the
    current revision: the default filters evaluated as the web client combines them (filters of
    one group ORed, groups ANDed)."""

    def _default_domain(self, user):
        action = self.env.ref("qms_customer_process.qms_contract_review_line_action")
        context = safe_eval(action.context)
        defaults = {key.removeprefix("search_default_") for key, value in context.items()
                    if key.startswith("search_default_") and value}
        Line = self.env["qms.contract.review.line"].with_user(user)
        arch = etree.fromstring(Line.get_view(action.search_view_id.id, "search")["arch"])
        groups, group = [], []
        for node in arch:
            if node.tag == "filter":
                group.append(node)
                continue
            if group:
                groups.append(group)
            group = []
        if group:
            groups.append(group)
        self.assertEqual({node.get("name") for group in groups for node in group} & defaults, defaults,
                         "every default filter is a filter of the view")
        domains = []
        for group in groups:
            chosen = [safe_eval(node.get("domain")) for node in group if node.get("name") in defaults]
            if chosen:
                domains.append(expression.OR(chosen))
        return expression.AND(domains)

    def test_reviewer_sees_own_pending_current_lines_only(self):
        rd = self.reviewers["rd"]
        resubmitted = self._special_order()
        resubmitted.action_qms_request_review()
        self._line(resubmitted, "rd").with_user(rd).action_reject(comment="Tolerance not feasible")
        old = self._line(resubmitted, "rd")
        resubmitted.action_qms_request_review(reason="Tolerance relaxed with the customer")
        current = self._line(resubmitted, "rd")
        self.assertEqual(current.revision, 2)
        decided = self._special_order()
        decided.action_qms_request_review()
        self._line(decided, "rd").with_user(rd).action_accept()
        waiting = self._special_order()
        waiting.action_qms_request_review()

        domain = self._default_domain(rd)
        seen = self.env["qms.contract.review.line"].with_user(rd).search(domain)
        orders = resubmitted | decided | waiting
        self.assertEqual(seen.filtered(lambda line: line.order_id in orders), current | self._line(waiting, "rd"))
        self.assertNotIn(old, seen, "an older revision is not shown")
        self.assertNotIn(self._line(decided, "rd"), seen, "a decided line is not shown")
        self.assertFalse(seen.filtered(lambda line: line.role_id != self.roles["rd"]), "nor another department's")
