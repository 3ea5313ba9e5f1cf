"""The Department Reviews list opens filtered on the current revision: a stored, indexed column,
kept right when a review is requested again (issue 14, scale)."""

from odoo.tests import tagged

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
