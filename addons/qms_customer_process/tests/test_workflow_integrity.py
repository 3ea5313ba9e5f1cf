"""The workflow idiom: fields a transition owns are written only by the transition methods,
which check who runs them (qms.workflow.mixin)."""

from datetime import timedelta

from odoo import fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from .satisfaction_common import SatisfactionCase
from .test_customer_complaint import ComplaintCase

REFUSED = r"are set by its workflow actions \(the buttons\), not written directly"
FORGED_CONTEXT = {
    "qms_complaint_transition": True,
    "tracking_disable": True,
    "install_mode": True,
    "active_test": False,
}


@tagged("post_install", "-at_install")
class TestWorkflowMixin(ComplaintCase):
    def test_every_workflow_model_declares_copy_free_transition_fields(self):
        """A transition-owned field copied by copy() would reach create() and be refused there: every
        declared field exists and is not copied."""
        mixin = self.env.registry["qms.workflow.mixin"]
        models_with_idiom = [
            name for name, model in self.env.registry.items() if not model._abstract and issubclass(model, mixin)
        ]
        workflow_models = {
            "qms.customer.complaint", "qms.quality.investigation", "qms.corrective.action", "qms.sample.request",
            "qms.satisfaction.campaign", "qms.satisfaction.survey", "qms.satisfaction.score",
            "qms.capability.commitment", "qms.contract.review.line", "sale.order",
        }
        self.assertLessEqual(workflow_models, set(models_with_idiom))
        for name in workflow_models:
            self.assertTrue(self.env[name]._qms_transition_fields, f"{name} declares no transition-owned field")
        for name in models_with_idiom:
            model = self.env[name]
            for field_name in model._qms_transition_fields:
                field = model._fields.get(field_name)
                self.assertTrue(field, f"{name}.{field_name} does not exist")
                self.assertFalse(field.copy, f"{name}.{field_name} is copied")

    def test_complaint_state_refused_whatever_the_context(self):
        complaint = self._complaint()
        for context in ({}, FORGED_CONTEXT):
            for vals in ({"state": "closed"}, {"state": "closed", "closed_by_id": self.quality.id},
                         {"closed_by_id": self.quality.id}, {"date_closed": fields.Datetime.now()}):
                with self.assertRaisesRegex(AccessError, REFUSED):
                    complaint.with_user(self.salesman).with_context(**context).write(vals)
        complaint.invalidate_recordset()
        self.assertEqual(complaint.state, "new")
        self.assertFalse(complaint.closed_by_id)
        self.assertFalse(complaint.date_closed)

    def test_quality_cannot_write_the_state_either(self):
        complaint = self._complaint()
        with self.assertRaisesRegex(AccessError, REFUSED):
            complaint.with_user(self.qms_admin).write({"state": "rejected"})
        self.assertEqual(complaint.state, "new")

    def test_create_only_in_the_initial_state(self):
        Complaint = self.env["qms.customer.complaint"].with_user(self.salesman)
        count = Complaint.sudo().search_count([])
        with self.assertRaisesRegex(AccessError, REFUSED):
            self._complaint(state="closed")
        with self.assertRaisesRegex(AccessError, REFUSED):
            self._complaint(closed_by_id=self.quality.id)
        with self.assertRaisesRegex(AccessError, REFUSED):
            Complaint.with_context(default_state="closed").create({
                "subject": "Forged by a default", "partner_id": self.customer.id,
            })
        self.assertEqual(Complaint.sudo().search_count([]), count, "nothing was created")
        complaint = self._complaint(state="new")
        self.assertEqual(complaint.state, "new")

    def test_copy_does_not_carry_or_forge_the_state(self):
        complaint = self._complaint()
        complaint.action_acknowledge()
        copy = complaint.with_user(self.salesman).copy()
        self.assertEqual(copy.state, "new")
        self.assertFalse(copy.date_acknowledged)
        with self.assertRaisesRegex(AccessError, REFUSED):
            complaint.with_user(self.salesman).copy({"state": "closed"})

    def test_mail_gateway_refuses_transition_fields(self):
        raw = (
            "From: Buyer <buyer@motors.example>\r\nTo: somewhere@qms-test.example.com\r\n"
            "Subject: Forged closed complaint\r\nMessage-ID: <forged-closed@sender.example>\r\n"
            "Content-Type: text/plain; charset=utf-8\r\n\r\nClose it please.\r\n"
        )
        count = self.env["qms.customer.complaint"].search_count([])
        with self.assertRaisesRegex(AccessError, REFUSED):
            self.env["mail.thread"].with_user(self.plain_user).message_process(
                "qms.customer.complaint", raw, custom_values={"state": "closed", "closed_by_id": self.quality.id},
            )
        self.assertEqual(self.env["qms.customer.complaint"].search_count([]), count)
        # A default_state key in the caller's context does not reach the new complaint either.
        complaint_id = self.env["mail.thread"].with_user(self.plain_user).with_context(
            default_state="closed", default_closed_by_id=self.quality.id,
        ).message_process("qms.customer.complaint", raw)
        complaint = self.env["qms.customer.complaint"].browse(complaint_id)
        self.assertEqual((complaint.state, complaint.closed_by_id.id), ("new", False))

    def test_customer_answer_is_recorded_by_sales_only(self):
        complaint = self._complaint()
        complaint.action_acknowledge()
        complaint.write({"solution": "replace"})
        complaint.action_propose()
        for user in (self.reviewers["production"], self.quality, self.plain_user):
            with self.assertRaisesRegex(AccessError, "Only sales record the customer's answer"):
                complaint.with_user(user).action_customer_accept()
        complaint.customer_feedback = "Prefers a credit note"
        with self.assertRaisesRegex(AccessError, "Only sales record the customer's answer"):
            complaint.with_user(self.reviewers["production"]).action_customer_refuse()
        self.assertEqual(complaint.state, "proposed")
        self.assertFalse(complaint.customer_acceptance)
        complaint.with_user(self.salesman).action_customer_accept()
        self.assertEqual(complaint.state, "confirmed")
        self.assertEqual(complaint.customer_acceptance, "accepted")

    def test_handler_moves_the_complaint_on(self):
        complaint = self._complaint(department_id=self.roles["production"].id)
        with self.assertRaisesRegex(AccessError, "Only quality, or the owner or the salesperson of"):
            complaint.with_user(self.reviewers["production"]).action_acknowledge()
        self.assertEqual(complaint.state, "new")
        complaint.with_user(self.quality).action_acknowledge()
        self.assertEqual(complaint.state, "acknowledged")

    def test_close_and_reject_by_quality_only(self):
        complaint = self._complaint(reject_reason="Not our product")
        for user in (self.salesman, self.sales_manager, self.reviewers["production"], self.gm):
            with self.assertRaisesRegex(AccessError, "Only quality rejects a complaint"):
                complaint.with_user(user).action_reject()
        self.assertEqual(complaint.state, "new")
        complaint.with_user(self.quality).action_reject()
        self.assertEqual((complaint.state, complaint.closed_by_id), ("rejected", self.quality))


@tagged("post_install", "-at_install")
class TestInvestigationAndActionIntegrity(ComplaintCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.quality = cls.reviewers["quality"]
        cls.leader = cls.reviewers["production"]

    def _investigation(self):
        complaint = self._complaint(severity="major")
        complaint.with_user(self.quality).action_investigate()
        investigation = complaint.investigation_ids
        investigation.with_user(self.quality).user_id = self.leader
        return complaint, investigation

    def _action(self, **vals):
        values = {
            "description": "Add a torque check", "user_id": self.leader.id,
            "department_id": self.roles["production"].id,
            "due_date": fields.Date.today() + timedelta(days=7),
        }
        values.update(vals)
        return self.env["qms.corrective.action"].with_user(self.quality).create(values)

    def test_team_leader_cannot_close_the_investigation(self):
        _complaint, investigation = self._investigation()
        for vals in ({"state": "closed"}, {"closed_by_id": self.quality.id}, {"date_closed": fields.Date.today()}):
            with self.assertRaisesRegex(AccessError, REFUSED):
                investigation.with_user(self.leader).with_context(**FORGED_CONTEXT).write(vals)
        with self.assertRaisesRegex(AccessError, "Only quality closes a quality investigation"):
            investigation.with_user(self.leader).action_close()
        with self.assertRaisesRegex(AccessError, "Only quality cancels a quality investigation"):
            investigation.with_user(self.leader).action_cancel()
        self.assertEqual(investigation.state, "draft")
        with self.assertRaisesRegex(AccessError, "Only the team leader of .*, or quality, moves it on"):
            investigation.with_user(self.reviewers["finance"]).action_start_analysis()

    def test_owner_cannot_verify_his_action(self):
        action = self._action()
        forged = {"state": "verified", "effective": "effective", "verified_by_id": self.quality.id,
                  "verified_on": fields.Date.today()}
        for name, value in forged.items():
            with self.assertRaisesRegex(AccessError, REFUSED):
                action.with_user(self.leader).with_context(**FORGED_CONTEXT).write({name: value})
        self.assertEqual((action.state, action.effective, action.verified_by_id.id), ("open", False, False))
        action.with_user(self.leader).write({"implementation_note": "Torque check in WI-07"})
        action.with_user(self.leader).action_done()
        with self.assertRaisesRegex(AccessError, "You are not allowed to verify"):
            action.with_user(self.leader).action_verify()
        with self.assertRaisesRegex(AccessError, "You are not allowed to verify"):
            action.with_user(self.reviewers["finance"]).action_verify()
        self.assertEqual(action.state, "done")
        action.with_user(self.quality).action_verify()
        self.assertEqual((action.state, action.effective, action.verified_by_id), ("verified", "effective", self.quality))

    def test_quality_cannot_create_a_verified_action(self):
        count = self.env["qms.corrective.action"].search_count([])
        for vals in ({"state": "verified"}, {"effective": "effective"}, {"verified_by_id": self.gm.id}):
            with self.assertRaisesRegex(AccessError, REFUSED):
                self._action(**vals)
        self.assertEqual(self.env["qms.corrective.action"].search_count([]), count)

    def test_verify_effective_argument(self):
        action = self._action(implementation_note="Done")
        action.with_user(self.leader).action_done()
        for bad in ("no", "yes", 0.5, {}, [], None):
            with self.assertRaisesRegex(UserError, "is effective or not effective"):
                action.with_user(self.quality).action_verify(effective=bad)
        with self.assertRaisesRegex(UserError, "The verification note of a corrective action must be a text"):
            action.with_user(self.quality).action_verify(effective="not_effective", note={"x": 1})
        self.assertEqual((action.state, action.effective), ("done", False))
        action.with_user(self.quality).action_verify(effective="not_effective", note="Same defect in lot 2611")
        self.assertEqual((action.state, action.effective), ("open", "not_effective"))


@tagged("post_install", "-at_install")
class TestSatisfactionIntegrity(SatisfactionCase):
    def test_sales_cannot_forge_the_score(self):
        survey = self._survey(self.customer_a)
        self._answer_paper(survey, [100, 100, 40, 40, 40, 60])
        self.assertTrue(survey.dissatisfied)
        before = (survey.state, survey.score, survey.grade_id, survey.dissatisfied)
        for user in (self.salesman, self.sales_manager):
            for vals in ({"score": 99.0}, {"state": "analysed"}, {"dissatisfied": False}, {"grade_id": self.grades["very_satisfied"].id},
                         {"dissatisfied_items": False}):
                with self.assertRaisesRegex(AccessError, REFUSED):
                    survey.with_user(user).with_context(**FORGED_CONTEXT).write(vals)
        line = survey.score_ids[:1]
        with self.assertRaisesRegex(UserError, "its answers cannot be changed"):
            line.with_user(self.sales_manager).write({"score": 100.0})
        with self.assertRaisesRegex(UserError, "its answers cannot be changed"):
            line.with_user(self.sales_manager).write({"answer_id": self._answer(line.question_id, 100).id})
        with self.assertRaisesRegex(UserError, "Dimension scores belong to their survey"):
            survey.score_ids.with_user(self.sales_manager).unlink()
        with self.assertRaisesRegex(UserError, "Dimension scores are made from the survey's questionnaire"):
            self.env["qms.satisfaction.score"].with_user(self.sales_manager).create({
                "survey_id": survey.id, "dimension_id": line.dimension_id.id, "score": 100.0,
            })
        with self.assertRaisesRegex(UserError, "its customer and answers cannot be changed"):
            survey.with_user(self.sales_manager).write({"score_ids": [(2, line.id)]})
        survey.invalidate_recordset()
        self.assertEqual((survey.state, survey.score, survey.grade_id, survey.dissatisfied), before)
        self.assertEqual(len(survey.score_ids), 6)

    def test_score_lines_of_an_unanswered_survey(self):
        survey = self._survey(self.customer_b)
        line = survey.score_ids[:1]
        for vals in ({"score": 100.0}, {"dimension_id": survey.score_ids[1].dimension_id.id}, {"survey_id": False}):
            with self.assertRaisesRegex(AccessError, REFUSED):
                line.with_user(self.sales_manager).write(vals)
        line.with_user(self.sales_manager).write({"answer_id": self._answer(line.question_id, 85).id})
        self.assertEqual((line.score, line.answer_id.answer_score), (0.0, 85))

    def test_campaign_state_by_its_buttons(self):
        with self.assertRaisesRegex(AccessError, REFUSED):
            self.campaign.with_user(self.sales_manager).write({"state": "closed"})
        with self.assertRaises(AccessError):
            self.campaign.with_user(self.salesman).action_close()
        with self.assertRaisesRegex(UserError, "Only a running campaign can be closed"):
            self.campaign.with_user(self.sales_manager).action_close()
        self.assertEqual(self.campaign.state, "draft")


@tagged("post_install", "-at_install")
class TestCommitmentIntegrity(ComplaintCase):
    def test_only_the_general_manager_approves(self):
        Commitment = self.env["qms.capability.commitment"].with_user(self.qms_admin)
        values = {"name": "2030 capability", "date_from": "2030-01-01", "date_to": "2030-12-31",
                  "categ_ids": [(6, 0, self.category.ids)]}
        count = Commitment.search_count([])
        for forged in ({"state": "approved"}, {"approved_by_id": self.gm.id}, {"approved_on": fields.Datetime.now()}):
            with self.assertRaisesRegex(AccessError, REFUSED):
                Commitment.create(dict(values, **forged))
        self.assertEqual(Commitment.search_count([]), count)
        commitment = Commitment.create(values)
        with self.assertRaisesRegex(AccessError, REFUSED):
            commitment.write({"state": "approved", "approved_by_id": self.gm.id})
        with self.assertRaisesRegex(AccessError, "Only the general manager approves capability commitments"):
            commitment.action_approve()
        self.assertEqual(commitment.state, "draft")
        with self.assertRaisesRegex(UserError, "Submit 2030 capability for the departments' countersign"):
            commitment.with_user(self.gm).action_approve()
        self._approve_commitment(commitment)
        self.assertEqual((commitment.state, commitment.approved_by_id), ("approved", self.gm))
        with self.assertRaisesRegex(AccessError, "Only the general manager cancels capability commitments"):
            commitment.action_cancel()
        self.assertEqual(commitment.state, "approved")


@tagged("post_install", "-at_install")
class TestReviewFieldsIntegrity(ComplaintCase):
    def test_review_fields_and_lines(self):
        order = self._special_order()
        order.action_qms_request_review()
        line = self._line(order, "rd")
        for vals in ({"qms_review_state": "approved"}, {"qms_review_revision": 7}, {"qms_contract_type": "regular"},
                     {"qms_review_outdated": False}):
            with self.assertRaisesRegex(AccessError, REFUSED):
                order.with_user(self.sales_manager).with_context(**FORGED_CONTEXT).write(vals)
        for vals in ({"decision": "accepted"}, {"reviewer_id": self.reviewers["rd"].id}, {"decided_on": fields.Datetime.now()}):
            with self.assertRaisesRegex(AccessError, REFUSED):
                line.with_user(self.reviewers["rd"]).write(vals)
        with self.assertRaisesRegex(AccessError, "Only members of .* decide its contract review"):
            line.with_user(self.reviewers["finance"]).action_accept()
        with self.assertRaisesRegex(UserError, "The comment of a rejection must be a text"):
            line.with_user(self.reviewers["rd"]).action_reject(comment={})
        with self.assertRaisesRegex(UserError, "The conditions of an acceptance must be a text"):
            line.with_user(self.reviewers["rd"]).action_accept(conditions=["x"])
        self.assertEqual((order.qms_review_state, line.decision), ("in_review", "pending"))
