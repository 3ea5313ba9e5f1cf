"""The Department Reviews list: it opens on the reviewer's own departments' pending lines of the
current revision (issue 11), filtered on a stored, indexed column kept right when a review is
requested again (issue 14, scale)."""

from lxml import etree

from odoo.osv import expression
from odoo.tests import tagged
from odoo.tools.safe_eval import safe_eval

from .common import QmsCase


@tagged("post_install", "-at_install")
class TestDepartmentReviewsCurrent(QmsCase):
    def _search(self, domain, user=None):
        Line = self.env["qms.contract.review.line"]
        return (Line.with_user(user) if user else Line).search(domain)

    def test_current_revision_follows_the_order(self):
        order = self._special_order()
        order.action_qms_request_review()
        first = order.qms_review_line_ids
        self.assertTrue(first)
        self.assertEqual(self._search([("order_id", "=", order.id), ("is_current", "=", True)]), first)
        self._line(order, "finance").with_user(self.reviewers["finance"]).action_reject(comment="Payment terms")
        order.with_user(self.salesman).action_qms_request_review(reason="The customer pays in advance")
        self.assertEqual(order.qms_review_revision, 2)
        second = order.qms_review_line_ids - first
        self.assertTrue(second)
        # The stored flag was recomputed on the lines of revision 1 when the order's revision changed.
        self.assertEqual(self._search([("order_id", "=", order.id), ("is_current", "=", True)]), second)
        self.assertEqual(self._search([("order_id", "=", order.id), ("is_current", "=", False)]), first)
        self.assertEqual(self._search([("order_id", "=", order.id), ("is_current", "!=", True)]), first)
        # The finance reviewer's list with its default filters: the pending line of revision 2 only.
        finance = self.reviewers["finance"]
        mine = self._search([("order_id", "=", order.id), ("is_my_department", "=", True),
                             ("decision", "=", "pending"), ("is_current", "=", True)], user=finance)
        self.assertEqual(mine, self._line(order, "finance"))
        self.assertEqual(mine.revision, 2)

    def test_filter_is_a_stored_indexed_column(self):
        """The default filter is a condition on an indexed column, not a list of every review
        line id (which grows with the database)."""
        self.assertTrue(self.env["qms.contract.review.line"]._fields["is_current"].store)
        self.env.cr.execute("""
            SELECT 1 FROM pg_indexes
             WHERE tablename = 'qms_contract_review_line' AND indexdef LIKE '%%(is_current)%%'
        """)
        self.assertTrue(self.env.cr.fetchone(), "is_current has an index")
        query = self.env["qms.contract.review.line"]._search([("is_current", "=", True)])
        sql = self.env.cr.mogrify(*query.select()).decode()
        self.assertIn('"is_current"', sql)
        self.assertNotIn(" IN (", sql.upper())


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
