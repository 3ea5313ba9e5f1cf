"""The yearly initial review (初始评审, procedure 4.3): the departments' countersign, the general
manager's approval only after every countersign, the printed report, the yearly proposal."""

import re

from freezegun import freeze_time

from odoo import Command, fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from .common import COUNTERSIGN_DEPARTMENTS, QmsCase

REPORT = "qms_customer_process.action_report_initial_review"


class CapabilityCase(QmsCase):
    def _commitment(self, **vals):
        values = {
            "name": "Capability commitment 2026", "date_from": "2026-01-01", "date_to": "2026-12-31",
            "categ_ids": [Command.set(self.category.ids)], "capacity_qty": 500, "lead_time_days": 7,
            "technical_capability": "Motors up to 5 kW, IP55",
            "production_capability": "Two winding lines, 2,000 motors a month",
            "service_capability": "Delivery by our own trucks within 300 km",
        }
        values.update(vals)
        return self.env["qms.capability.commitment"].with_user(self.qms_admin).create(values)

    def _countersign(self, commitment, code, opinion=None):
        line = commitment._qms_current_lines().filtered(lambda rl: rl.role_id.code == code)
        line.with_user(self.reviewers[code]).action_countersign(opinion)
        return line


@tagged("post_install", "-at_install")
class TestInitialReviewCountersign(CapabilityCase):
    def test_countersign_then_approval(self):
        commitment = self._commitment()
        with self.assertRaisesRegex(UserError, r"^Submit Capability commitment 2026 for the departments' countersign "
                                               r"before the general manager approves it\.$"):
            commitment.with_user(self.gm).action_approve()
        for user in (self.salesman, self.reviewers["quality"], self.gm):
            with self.assertRaisesRegex(AccessError, r"^Only production or the QMS administrator submits the initial "
                                                     r"review for countersign\.$"):
                commitment.with_user(user).action_submit()
        self.assertEqual(commitment.state, "draft")
        commitment.with_user(self.reviewers["production"]).action_submit()
        self.assertEqual((commitment.state, commitment.review_round, commitment.submitted_by_id),
                         ("submitted", 1, self.reviewers["production"]))
        lines = commitment.review_line_ids
        self.assertEqual(sorted(lines.role_id.mapped("code")), sorted(COUNTERSIGN_DEPARTMENTS))
        self.assertEqual(set(lines.mapped("decision")), {"pending"})
        for code in COUNTERSIGN_DEPARTMENTS:
            line = lines.filtered(lambda rl, code=code: rl.role_id.code == code)
            self.assertEqual(line.sudo().activity_ids.user_id, self.reviewers[code], f"{code} gets its to-do")
        # Each department head countersigns its own line only, in any order; the general manager
        # is refused until the last one.
        quality_line = lines.filtered(lambda rl: rl.role_id.code == "quality")
        with self.assertRaisesRegex(AccessError, r"^Only members of Quality countersign its part of the initial review\.$"):
            quality_line.with_user(self.reviewers["rd"]).action_countersign()
        with self.assertRaisesRegex(AccessError, r"^Only members of Quality write its opinion on the initial review\.$"):
            quality_line.with_user(self.reviewers["rd"]).write({"opinion": "not mine"})
        self.assertEqual(quality_line.decision, "pending")
        order = ["finance", "quality", "warehouse", "rd", "procurement", "sales_management", "production"]
        for done, code in enumerate(order, start=1):
            if done == 3:
                with self.assertRaisesRegex(AccessError, r"^Only the general manager approves capability commitments\.$"):
                    commitment.with_user(self.qms_admin).action_approve()
            self._countersign(commitment, code, opinion=f"{code}: capability confirmed")
            if done < len(order):
                self.assertEqual(commitment.state, "submitted")
                pending = [self.roles[c].name for c in COUNTERSIGN_DEPARTMENTS if c not in order[:done]]
                with self.assertRaisesRegex(UserError, r"^The departments have not all countersigned Capability commitment "
                                                       rf"2026 yet; pending: {re.escape(', '.join(pending))}\.$"):
                    commitment.with_user(self.gm).action_approve()
                self.assertEqual(commitment.state, "submitted")
        self.assertEqual(commitment.state, "countersigned")
        self.assertIn(self.gm, commitment.sudo().activity_ids.user_id, "the general manager is asked to approve")
        signed = commitment.review_line_ids
        self.assertEqual(set(signed.mapped("decision")), {"countersigned"})
        self.assertEqual(signed.filtered(lambda rl: rl.role_id.code == "rd").signed_by_id, self.reviewers["rd"])
        commitment.with_user(self.gm).action_approve()
        self.assertEqual((commitment.state, commitment.approved_by_id), ("approved", self.gm))
        self.assertFalse(commitment.sudo().activity_ids)
        with self.assertRaisesRegex(UserError, "already approved or cancelled"):
            commitment.with_user(self.gm).action_approve()

    def test_countersigns_are_records(self):
        commitment = self._commitment()
        commitment.with_user(self.qms_admin).action_submit()
        line = self._countersign(commitment, "rd")
        with self.assertRaisesRegex(UserError, r"^R&D / Engineering has already decided on Capability commitment 2026\.$"):
            line.with_user(self.reviewers["rd"]).action_countersign()
        with self.assertRaisesRegex(UserError, r"^A countersign is a record: it cannot be changed\.$"):
            line.with_user(self.reviewers["rd"]).write({"opinion": "changed"})
        with self.assertRaises(AccessError):
            line.unlink()
        with self.assertRaisesRegex(UserError, r"^Countersigns are records of the initial review: they cannot be deleted\.$"):
            line.sudo().unlink()
        with self.assertRaisesRegex(UserError, r"^Countersigns are created by submitting the initial review for countersign\.$"):
            self.env["qms.capability.review.line"].with_user(self.reviewers["rd"]).create({
                "commitment_id": commitment.id, "role_id": self.roles["rd"].id,
            })
        pending = commitment.review_line_ids.filtered(lambda rl: rl.decision == "pending")[:1]
        for vals in ({"decision": "countersigned"}, {"signed_by_id": self.gm.id}, {"review_round": 3}):
            with self.assertRaisesRegex(AccessError, "set by its workflow actions"):
                pending.with_user(self.reviewers[pending.role_id.code]).write(vals)
        self.assertEqual(pending.decision, "pending")
        for vals in ({"state": "approved"}, {"review_round": 5}, {"submitted_by_id": self.gm.id}):
            with self.assertRaisesRegex(AccessError, "set by its workflow actions"):
                commitment.with_user(self.qms_admin).write(vals)
        # The content the departments countersign is closed while they do.
        with self.assertRaisesRegex(UserError, r"is with the departments for countersign: its content cannot be changed"):
            commitment.with_user(self.qms_admin).write({"capacity_qty": 900})
        self.assertEqual(commitment.capacity_qty, 500)
        with self.assertRaisesRegex(UserError, "Only draft capability commitments can be deleted"):
            commitment.with_user(self.qms_admin).unlink()

    def test_refusal_returns_the_review_to_its_preparer(self):
        commitment = self._commitment()
        commitment.with_user(self.reviewers["production"]).action_submit()
        self._countersign(commitment, "rd")
        finance = commitment._qms_current_lines().filtered(lambda rl: rl.role_id.code == "finance")
        with self.assertRaisesRegex(UserError, r"^Give the opinion of Finance to refuse the countersign of Capability commitment 2026\.$"):
            finance.with_user(self.reviewers["finance"]).action_refuse("  ")
        self.assertEqual(commitment.state, "submitted")
        finance.with_user(self.reviewers["finance"]).action_refuse("Capacity needs the second shift budget")
        self.assertEqual((commitment.state, finance.decision), ("draft", "refused"))
        self.assertIn(self.reviewers["production"], commitment.sudo().activity_ids.user_id)
        self.assertTrue(any("Finance: Refused. Capacity needs the second shift budget" in body
                            for body in commitment.message_ids.mapped("body")))
        # The round is closed: its pending lines cannot be countersigned any more.
        quality = commitment._qms_current_lines().filtered(lambda rl: rl.role_id.code == "quality")
        with self.assertRaisesRegex(UserError, r"belongs to a round of Capability commitment 2026 that is no longer open"):
            quality.with_user(self.reviewers["quality"]).action_countersign()
        # Revised and submitted again: round 2, the first round stays on record.
        commitment.with_user(self.reviewers["production"]).write({"capacity_qty": 400})
        commitment.with_user(self.reviewers["production"]).action_submit()
        self.assertEqual(commitment.review_round, 2)
        self.assertEqual(len(commitment.review_line_ids), 2 * len(COUNTERSIGN_DEPARTMENTS))
        self.assertEqual(len(commitment._qms_current_lines()), len(COUNTERSIGN_DEPARTMENTS))
        self.assertEqual(set(commitment._qms_current_lines().mapped("decision")), {"pending"})
        self.assertEqual(finance.decision, "refused")
        self._approve_commitment_round(commitment)
        self.assertEqual(commitment.state, "approved")

    def _approve_commitment_round(self, commitment):
        for line in commitment._qms_current_lines():
            line.with_user(self.reviewers[line.role_id.code]).action_countersign()
        commitment.with_user(self.gm).action_approve()

    def test_returned_to_draft_by_its_preparer(self):
        commitment = self._commitment()
        commitment.with_user(self.qms_admin).action_submit()
        with self.assertRaisesRegex(AccessError, "returns the initial review to draft"):
            commitment.with_user(self.reviewers["rd"]).action_reset_draft()
        commitment.with_user(self.reviewers["production"]).action_reset_draft()
        self.assertEqual(commitment.state, "draft")
        self.assertFalse(commitment.review_line_ids.sudo().activity_ids)

    def test_company_department_replaces_the_shared_one(self):
        own_quality = self.env["qms.review.role"].create({
            "name": "Quality Assurance", "code": "quality", "company_id": self.company.id,
            "group_id": self.env.ref("qms_customer_process.group_qms_quality").id, "capability_countersign": False,
        })
        commitment = self._commitment()
        commitment.with_user(self.qms_admin).action_submit()
        self.assertNotIn("quality", commitment.review_line_ids.role_id.mapped("code"),
                         "the company's own quality department does not countersign")
        own_quality.capability_countersign = True
        other = self._commitment(name="Other")
        other.with_user(self.qms_admin).action_submit()
        self.assertEqual(other.review_line_ids.filtered(lambda rl: rl.role_id.code == "quality").role_id, own_quality)

    def test_report_prints_every_countersign(self):
        commitment = self._commitment()
        commitment.with_user(self.qms_admin).action_submit()
        for code in COUNTERSIGN_DEPARTMENTS:
            self._countersign(commitment, code, opinion=f"Opinion of {code}")
        commitment.with_user(self.gm).action_approve()
        html = self.env["ir.actions.report"]._render_qweb_html(REPORT, commitment.ids)[0].decode()
        self.assertIn("Initial Review Report", html)
        self.assertIn("Two winding lines, 2,000 motors a month", html)
        for code in COUNTERSIGN_DEPARTMENTS:
            self.assertIn(self.roles[code].name.replace("&", "&amp;"), html)
            self.assertIn(f"Opinion of {code}", html)
            self.assertIn(self.reviewers[code].name, html)
        self.assertIn(self.gm.name, html)


@tagged("post_install", "-at_install")
class TestYearlyProposal(CapabilityCase):
    def _approved(self, **vals):
        commitment = self._commitment(**vals)
        self._approve_commitment(commitment)
        return commitment

    def test_each_january_a_draft_from_the_approved_one(self):
        Commitment = self.env["qms.capability.commitment"]
        current = self._approved(name="Capability commitment 2030", date_from="2030-01-01", date_to="2030-12-31",
                                 product_tmpl_ids=[Command.set(self.product_std.product_tmpl_id.ids)])
        self.assertFalse(Commitment._qms_cron_propose_next_commitment(today="2030-12-28"), "only in January")
        proposed = Commitment._qms_cron_propose_next_commitment(today="2031-01-05")
        self.assertEqual(len(proposed), 1)
        self.assertEqual((proposed.state, proposed.name, proposed.previous_id), ("draft", "Capability commitment 2031", current))
        self.assertEqual((proposed.date_from, proposed.date_to),
                         (fields.Date.to_date("2031-01-01"), fields.Date.to_date("2031-12-31")))
        self.assertEqual(proposed.product_tmpl_ids, self.product_std.product_tmpl_id)
        self.assertEqual(proposed.categ_ids, self.category)
        self.assertEqual((proposed.capacity_qty, proposed.lead_time_days), (500, 7))
        self.assertEqual(proposed.technical_capability, "Motors up to 5 kW, IP55")
        self.assertFalse(proposed.review_line_ids)
        self.assertTrue(proposed.sudo().activity_ids, "the preparer is asked to analyse the new year")
        self.assertEqual(current.next_ids, proposed)
        # Idempotent: the daily job proposes it once.
        self.assertFalse(Commitment._qms_cron_propose_next_commitment(today="2031-01-06"))
        self.assertEqual(Commitment.search_count([("previous_id", "=", current.id)]), 1)
        # Even when the proposal is cancelled.
        proposed.sudo()._qms_write_transition({"state": "cancel"})
        self.assertFalse(Commitment._qms_cron_propose_next_commitment(today="2031-01-07"))

    def test_the_scheduled_job_proposes_in_january(self):
        current = self._approved(name="Capability commitment 2030", date_from="2030-01-01", date_to="2030-12-31")
        cron = self.env.ref("qms_customer_process.ir_cron_qms_propose_next_commitment")
        self.assertTrue(cron.active)
        self.assertEqual((cron.interval_number, cron.interval_type), (1, "days"))
        with freeze_time("2030-12-31"):
            cron.method_direct_trigger()
        self.assertFalse(current.next_ids, "the job proposes nothing outside January")
        with freeze_time("2031-01-04"):
            cron.method_direct_trigger()
        self.assertEqual(current.next_ids.mapped("name"), ["Capability commitment 2031"])
        self.assertEqual(current.next_ids.state, "draft")

    def test_no_proposal_when_this_year_exists(self):
        Commitment = self.env["qms.capability.commitment"]
        self._approved(name="Capability commitment 2030", date_from="2030-01-01", date_to="2030-12-31")
        self._commitment(name="Already drafted 2031", date_from="2031-01-01", date_to="2031-12-31")
        self.assertFalse(Commitment._qms_cron_propose_next_commitment(today="2031-01-02"))
        self.assertEqual(len(Commitment._qms_cron_propose_next_commitment(today="2032-01-03")), 1,
                         "next year, the latest approved one is proposed again")

    def test_button_proposes_the_next_year_now(self):
        current = self._approved(name="Capability commitment 2026")
        with self.assertRaisesRegex(AccessError, "proposes the next initial review"):
            current.with_user(self.salesman).action_propose_next()
        action = current.with_user(self.reviewers["production"]).action_propose_next()
        proposed = self.env["qms.capability.commitment"].browse(action["res_id"])
        self.assertEqual(proposed.previous_id, current)
        self.assertEqual(proposed.state, "draft")
        self.assertGreater(proposed.date_from, current.date_from)
        with self.assertRaisesRegex(UserError, "was already proposed"):
            current.with_user(self.reviewers["production"]).action_propose_next()
        with self.assertRaisesRegex(UserError, "is proposed from an approved commitment"):
            proposed.with_user(self.reviewers["production"]).action_propose_next()
