from datetime import timedelta

from odoo import Command, fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from .test_customer_complaint import ComplaintCase

REPORT = "qms_customer_process.action_report_quality_investigation"


@tagged("post_install", "-at_install")
class TestQualityInvestigation(ComplaintCase):
    def _major(self):
        complaint = self._complaint(severity="major", department_id=self.roles["production"].id)
        complaint.action_investigate()
        return complaint, complaint.investigation_ids

    def _action(self, investigation, **vals):
        values = {
            "description": "Torque check at final inspection",
            "investigation_id": investigation.id,
            "complaint_id": investigation.complaint_id.id,
            "user_id": self.reviewers["production"].id,
            "department_id": self.roles["production"].id,
            "due_date": fields.Date.today() + timedelta(days=10),
        }
        values.update(vals)
        return self.env["qms.corrective.action"].with_user(self.quality).create(values)

    def _run_8d(self, investigation):
        quality, owner = self.quality, self.reviewers["production"]
        investigation = investigation.with_user(quality)
        investigation.write({"problem_description": False})
        with self.assertRaises(UserError):
            investigation.action_start_analysis()  # no problem description
        investigation.write({
            "problem_description": "Noise above 70 dB", "what": "Bearing noise", "how_many": "12 of 200",
            "team_ids": [Command.set([owner.id])], "containment_action": "Stock sorted",
        })
        investigation.action_start_analysis()
        with self.assertRaises(UserError):
            investigation.action_to_actions()  # no root cause
        investigation.write({"root_cause_category": "method", "why_analysis": "Why? Why? Why?",
                             "root_cause": "Press-fit force not controlled"})
        investigation.action_to_actions()
        with self.assertRaises(UserError):
            investigation.action_to_verification()  # no corrective action
        action = self._action(investigation)
        investigation.implementation_note = "Force monitoring installed on press 3"
        investigation.action_to_verification()
        with self.assertRaises(UserError):
            investigation.action_close()  # the action is not verified
        action.with_user(owner).write({"implementation_note": "Done"})
        action.with_user(owner).action_done()
        action.with_user(quality).action_verify()
        investigation.verification_note = "No noise in 3 lots"
        with self.assertRaises(UserError):
            investigation.action_close()  # no prevention recorded
        investigation.prevention_note = "WI-12 rev B, control plan updated"
        with self.assertRaises(UserError):
            investigation.with_user(owner).action_close()  # quality closes
        investigation.action_close()
        self.assertEqual(investigation.state, "closed")
        self.assertEqual(investigation.closed_by_id, quality)
        return action

    def test_full_8d_then_close_major_complaint(self):
        complaint, investigation = self._major()
        self.assertEqual(investigation.activity_ids.user_id, self.salesman)
        action = self._run_8d(investigation)
        self.assertEqual(action.complaint_id, complaint)
        self.assertIn(action, complaint.corrective_action_ids)
        self.assertEqual(complaint.root_cause_category, "method")
        complaint.write({"solution": "rework", "closure_note": "Verified at the customer"})
        complaint.action_propose()
        complaint.action_customer_accept()
        complaint.with_user(self.quality).action_close()
        self.assertEqual(complaint.state, "closed")
        with self.assertRaises(UserError):
            investigation.with_user(self.quality).action_cancel()
        with self.assertRaises(UserError):
            investigation.with_user(self.qms_admin).unlink()

    def test_access(self):
        _complaint, investigation = self._major()
        production, finance = self.reviewers["production"], self.reviewers["finance"]
        investigation.with_user(self.quality).department_id = self.roles["production"]
        self.assertEqual(investigation.with_user(production).read(["name"])[0]["name"], investigation.name)
        with self.assertRaises(AccessError):
            investigation.with_user(finance).read(["name"])
        self.assertEqual(investigation.with_user(self.salesman).read(["name"])[0]["name"], investigation.name)
        with self.assertRaises(AccessError):
            investigation.with_user(self.salesman2).read(["name"])
        with self.assertRaises(AccessError):
            investigation.with_user(self.salesman).write({"root_cause": "x"})
        with self.assertRaises(UserError):
            investigation.with_user(production).action_close()

    def test_new_investigation_only_by_quality(self):
        """Opening an investigation that does not exist creates one: quality only, even where
        the complaint requires one (the superuser create is for the move to investigation)."""
        complaint, investigation = self._major()
        investigation.with_user(self.quality).action_cancel()
        message = "^Only quality opens a new quality investigation for a complaint\\.$"
        with self.assertRaisesRegex(AccessError, message):
            complaint.with_user(self.salesman).action_open_investigation()
        self.assertEqual(complaint.investigation_ids, investigation)
        action = complaint.with_user(self.quality).action_open_investigation()
        new = complaint.investigation_ids - investigation
        self.assertEqual(len(new), 1)
        self.assertEqual(action["res_id"], new.id)
        self.assertEqual(new.state, "draft")
        # The open one is opened by whoever reads it, and none is added.
        action = complaint.with_user(self.salesman).action_open_investigation()
        self.assertEqual(action["res_id"], new.id)
        self.assertEqual(complaint.investigation_ids, investigation | new)
        minor = self._complaint()
        minor.with_user(self.salesman).action_acknowledge()
        with self.assertRaisesRegex(AccessError, message):
            minor.with_user(self.salesman).action_open_investigation()
        self.assertFalse(minor.investigation_ids)

    def test_no_new_investigation_before_acknowledgement_or_after_the_end(self):
        """A new investigation is opened from an acknowledged complaint still being handled, as
        the form shows the button: not from a new, closed or rejected one, even by quality."""
        complaint = self._complaint()
        with self.assertRaisesRegex(UserError, r"^\S+ is New: this step is not possible now\.$"):
            complaint.with_user(self.quality).action_open_investigation()
        complaint.with_user(self.quality).write({"reject_reason": "Not our product"})
        complaint.with_user(self.quality).action_reject()
        with self.assertRaisesRegex(UserError, r"^\S+ is Rejected: this step is not possible now\.$"):
            complaint.with_user(self.quality).action_open_investigation()
        self.assertFalse(complaint.investigation_ids)
        acknowledged = self._complaint()
        acknowledged.with_user(self.quality).action_acknowledge()
        action = acknowledged.with_user(self.quality).action_open_investigation()
        self.assertEqual(action["res_id"], acknowledged.investigation_ids.id)

    def test_salesperson_moves_major_complaint_to_investigation(self):
        """Procedure 5.9.5: a major complaint moved to investigation by its salesperson gets its
        investigation, though the salesperson cannot create one."""
        complaint = self._complaint(severity="major")
        self.assertFalse(self.env["qms.quality.investigation"].with_user(self.salesman).has_access("create"))
        complaint.with_user(self.salesman).action_investigate()
        self.assertEqual(complaint.state, "investigating")
        self.assertEqual(len(complaint.investigation_ids), 1)
        action = complaint.with_user(self.salesman).action_open_investigation()
        self.assertEqual(action["res_id"], complaint.investigation_ids.id)

    def test_corrective_action_from_investigation(self):
        complaint, investigation = self._major()
        result = investigation.action_new_corrective_action()
        self.assertEqual(result["context"]["default_complaint_id"], complaint.id)
        action = self._action(investigation, due_date=fields.Date.today() + timedelta(days=1))
        overdue = self.env["qms.corrective.action"].search([("is_overdue", "=", False), ("investigation_id", "=", investigation.id)])
        self.assertEqual(overdue, action)

    def test_report(self):
        _complaint, investigation = self._major()
        self._run_8d(investigation)
        html = self.env["ir.actions.report"]._render_qweb_html(REPORT, investigation.ids)[0].decode()
        self.assertIn("Quality Investigation Form (8D)", html)
        self.assertIn(investigation.name, html)
        self.assertIn("Press-fit force not controlled", html)
        self.assertIn("Torque check at final inspection", html)
        self.assertIn("WI-12 rev B", html)
        self.env["res.lang"]._activate_lang("zh_CN")
        self.env["ir.module.module"].search([("name", "=", "qms_customer_process")])._update_translations(["zh_CN"])
        self.customer.lang = "zh_CN"
        html = self.env["ir.actions.report"]._render_qweb_html(REPORT, investigation.ids)[0].decode()
        self.assertIn("品质调查表", html)
        self.assertIn("根本原因", html)
