from datetime import date, timedelta

from freezegun import freeze_time

from odoo import fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, tagged

from .common import QmsCase


@tagged("post_install", "-at_install")
class TestCorrectiveAction(QmsCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.quality = cls.reviewers["quality"]
        cls.quality2 = cls.qms_admin  # a QMS administrator is in quality too
        cls.owner = cls.reviewers["production"]

    def _action(self, **vals):
        values = {
            "description": "Add a torque check to the final inspection",
            "department_id": self.roles["production"].id,
            "user_id": self.owner.id,
            "due_date": fields.Date.today() + timedelta(days=14),
        }
        values.update(vals)
        return self.env["qms.corrective.action"].with_user(self.quality).create(values)

    def test_numbering_and_todo(self):
        first, second = self._action(), self._action()
        self.assertTrue(first.name.startswith("CA/"))
        self.assertNotEqual(first.name, second.name)
        self.assertEqual(first.activity_ids.user_id, self.owner)

    def test_due_date_in_the_past(self):
        with self.assertRaises(ValidationError):
            self._action(due_date=fields.Date.today() - timedelta(days=1))
        self.assertFalse(self.env["qms.corrective.action"].search([("user_id", "=", self.owner.id)]))

    def test_implement_and_verify(self):
        action = self._action()
        with self.assertRaises(UserError):
            action.with_user(self.owner).action_done()  # no implementation note
        with self.assertRaises(UserError):
            action.with_user(self.owner).action_verify()  # not implemented yet
        action.with_user(self.owner).write({"implementation_note": "Torque check added to WI-07 rev C"})
        with self.assertRaises(UserError):
            action.with_user(self.reviewers["finance"]).action_done()
        action.with_user(self.owner).action_done()
        self.assertEqual(action.state, "done")
        self.assertFalse(action.activity_ids)
        with self.assertRaises(UserError):
            action.with_user(self.owner).action_verify()  # the owner does not verify his own action
        with self.assertRaises(UserError):
            action.with_user(self.quality).action_verify(effective=False)  # why not effective?
        action.with_user(self.quality).action_verify(effective=False, note="Same defect found in lot 2611")
        self.assertEqual(action.state, "open")
        self.assertEqual(action.effective, "not_effective")
        self.assertEqual(action.activity_ids.user_id, self.owner)
        action.with_user(self.owner).action_done()
        action.with_user(self.quality).action_verify()
        self.assertEqual(action.state, "verified")
        self.assertEqual(action.effective, "effective")
        self.assertEqual(action.verified_by_id, self.quality)
        with self.assertRaises(UserError):
            action.with_user(self.quality).action_cancel()
        with self.assertRaises(UserError):
            action.unlink()

    def test_overdue(self):
        action = self._action(due_date=fields.Date.today() + timedelta(days=3))
        self.assertFalse(action.is_overdue)
        with freeze_time(fields.Date.today() + timedelta(days=4)):
            action.invalidate_recordset(["is_overdue"])
            self.assertTrue(action.is_overdue)
            self.assertIn(action, self.env["qms.corrective.action"].search([("is_overdue", "=", True)]))
            self.assertNotIn(action, self.env["qms.corrective.action"].search([("is_overdue", "=", False)]))
        action.write({"implementation_note": "done"})
        action.with_user(self.owner).action_done()
        with freeze_time(date.today() + timedelta(days=30)):
            action.invalidate_recordset(["is_overdue"])
            self.assertFalse(action.is_overdue, "an implemented action is not overdue")

    def test_access_by_role(self):
        action = self._action()
        # The owner's department sees it; another department does not; a plain user neither.
        self.assertEqual(action.with_user(self.owner).read(["name"])[0]["name"], action.name)
        with self.assertRaises(AccessError):
            action.with_user(self.reviewers["finance"]).read(["name"])
        with self.assertRaises(AccessError):
            action.with_user(self.plain_user).read(["name"])
        with self.assertRaises(AccessError):
            action.with_user(self.owner).unlink()
        with self.assertRaises(UserError):
            action.with_user(self.owner).action_cancel()
        action.with_user(self.quality2).action_cancel()
        self.assertEqual(action.state, "cancel")

    def test_form(self):
        form = Form(self.env["qms.corrective.action"].with_user(self.quality))
        form.description = "Retrain the packing team"
        form.user_id = self.owner
        form.due_date = fields.Date.today() + timedelta(days=7)
        action = form.save()
        self.assertEqual(action.state, "open")
        self.assertEqual(action.company_id, self.env.company)
