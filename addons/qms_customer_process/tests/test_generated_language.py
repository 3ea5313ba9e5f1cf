from datetime import datetime

from odoo.tests import tagged

from .common import QmsCase, load_chinese
from .satisfaction_common import SatisfactionCase


@tagged("post_install", "-at_install")
class TestGeneratedLanguage(QmsCase):
    """Texts the module writes for someone read in that person's language (issue 11, 4): a to-do
    in its assignee's, a chatter note in the company's, a stored reason in its reader's."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        load_chinese(cls.env)
        cls.salesman.lang = "en_US"
        cls.reviewers["rd"].lang = "zh_CN"
        cls.reviewers["production"].lang = "en_US"
        cls.company.partner_id.lang = "en_US"

    def _requested(self):
        order = self._special_order()
        order.with_user(self.salesman).action_qms_request_review()
        return order

    def test_review_todo_in_the_reviewers_language(self):
        order = self._requested()
        if not self._line(order, "rd").is_open:
            self._decide_all(order, ["sales_management"])
        self.assertTrue(self._line(order, "rd").is_open and self._line(order, "production").is_open)
        zh_todo = self._line(order, "rd").sudo().activity_ids
        en_todo = self._line(order, "production").sudo().activity_ids
        self.assertEqual(zh_todo.user_id, self.reviewers["rd"])
        self.assertEqual(zh_todo.summary, f"{order.name} 合同评审：开发部/技术部（第 1 版）")
        self.assertEqual(en_todo.summary, f"Contract review of {order.name}: Production / Planning (revision 1)")
        # The checklist that comes with it is the Chinese one for the Chinese reviewer.
        rd_role = self.roles["rd"]
        self.assertIn(rd_role.with_context(lang="zh_CN").checklist.splitlines()[0], zh_todo.note)
        self.assertNotEqual(rd_role.with_context(lang="zh_CN").checklist, rd_role.with_context(lang="en_US").checklist)
        self.assertIn(rd_role.with_context(lang="en_US").checklist.splitlines()[0],
                      self._line(order, "rd").with_context(lang="en_US").topics)

    def test_salespersons_todo_in_the_salespersons_language(self):
        self.salesman.lang = "zh_CN"
        order = self._requested()
        self._decide_all(order)
        self.assertEqual(order.qms_review_state, "approved")
        todo = order.sudo().activity_ids.filtered(lambda activity: activity.user_id == self.salesman)
        self.assertEqual(todo.summary, "合同评审已批准")

    def test_chatter_notes_in_the_companys_language(self):
        self.company.partner_id.lang = "zh_CN"
        order = self._requested()
        self._line(order, "production").with_user(self.reviewers["production"]).action_accept()
        note = order.sudo().message_ids.filtered(lambda message: message.author_id == self.reviewers["production"].partner_id)[:1]
        self.assertIn("生产部", note.body, "an English reviewer's decision is recorded in the company's language")
        self.assertNotIn("Production", note.body)

    def test_chinese_lists_use_the_enumeration_comma(self):
        Order = self.env["sale.order"]
        self.assertEqual(Order.with_context(lang="zh_CN")._qms_join(["研发部", "生产部", False]), "研发部、生产部")
        self.assertEqual(Order.with_context(lang="en_US")._qms_join(["R&D", "Production"]), "R&D, Production")
        order = self._requested()
        self.assertIn("、", order.with_context(lang="zh_CN").qms_pending_departments)
        self.assertNotIn("、", order.with_context(lang="en_US").qms_pending_departments)

    def test_dates_in_the_language_format_without_seconds(self):
        order = self._order().with_context(tz="Asia/Shanghai")
        moment = datetime(2026, 11, 25, 2, 5, 9)
        self.assertEqual(order.with_context(lang="zh_CN")._qms_format_datetime(moment), "2026年11月25日 10时05分")
        self.assertEqual(order.with_context(lang="en_US")._qms_format_datetime(moment), "11/25/2026 10:05")
        self.assertEqual(order.with_context(lang="zh_CN")._qms_format_date(moment.date()), "2026年11月25日")

    def test_why_special_in_the_readers_language(self):
        order = self._order(products=[(self.product_std, 1), (self.product_new, 1)])
        self.assertEqual(order.qms_special_reason_data, [["not_standard", {"product_id": self.product_new.id}]])
        self.assertEqual(order.with_context(lang="en_US").qms_special_reason, "Prototype Motor X is not a standard product.")
        self.assertEqual(order.with_context(lang="zh_CN").qms_special_reason, "Prototype Motor X不是定型产品。")
        # A reason recorded as text before 18.0.4.0.0 (see migrations/18.0.4.0.0/pre-migration.py) reads as recorded.
        self.assertEqual(order._qms_special_reason_text("text", {"text": "旧的理由"}, self.env["product.product"]), "旧的理由")


@tagged("post_install", "-at_install")
class TestDissatisfiedItemsLanguage(SatisfactionCase):
    def test_dissatisfied_items_are_kept_in_every_language(self):
        load_chinese(self.env)
        survey = self._survey(self.customer_a)
        self._answer_online(survey, [85, 60, 70, 60, 85, 70])
        delivery = self.env.ref("qms_customer_process.satisfaction_dimension_delivery")
        self.assertIn(delivery.with_context(lang="en_US").name, survey.with_context(lang="en_US").dissatisfied_items)
        zh_items = survey.with_context(lang="zh_CN").dissatisfied_items
        self.assertIn(delivery.with_context(lang="zh_CN").name, zh_items)
        self.assertNotEqual(delivery.with_context(lang="zh_CN").name, delivery.with_context(lang="en_US").name)
