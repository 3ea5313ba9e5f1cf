import re

from odoo import Command
from odoo.models import BaseModel
from odoo.tests import Form, tagged

from .satisfaction_common import SatisfactionCase

TECHNICAL = re.compile(r"^[a-z_.]+,\d+$")


@tagged("post_install", "-at_install")
class TestDisplayNames(SatisfactionCase):
    """Breadcrumbs, many2one fields and chatter links show what a record is, never "model,id"."""

    def test_review_line(self):
        order = self._special_order()
        order.action_qms_request_review()
        rd = order.qms_review_line_ids.filtered(lambda line: line.role_id == self.roles["rd"])
        self.assertEqual(rd.display_name, f"{order.name} – {self.roles['rd'].name} (revision 1)")
        self.assertEqual(rd.with_user(self.reviewers["rd"]).display_name, rd.display_name)

    def test_requirement_deadline_and_score(self):
        order = self._order(qms_requirement_ids=[Command.create({"kind": "explicit", "topic": "delivery", "description": "By sea"})])
        self.assertEqual(order.qms_requirement_ids.display_name, f"{order.name} – Delivery")
        deadline = self.env["qms.complaint.deadline"].search([("severity", "=", "major")], limit=1)
        self.assertIn("Major", deadline.display_name)
        survey = self._survey(self.customer_a)
        self._answer_online(survey, [85] * 6)
        quality = survey.score_ids.filtered(lambda line: line.dimension_id.code == "quality")
        self.assertEqual(quality.display_name, f"{survey.name} – {quality.dimension_id.name}")

    def test_analyses(self):
        analysis = self.env["qms.satisfaction.analysis"].create({"campaign_id": self.campaign.id})
        self.assertEqual(analysis.display_name, f"Satisfaction Analysis: {self.campaign.title}")
        period = self.env["qms.satisfaction.analysis"].create({"date_from": "2030-01-01", "date_to": "2030-06-30"})
        self.assertEqual(period.display_name, "Satisfaction Analysis: 01/01/2030 – 06/30/2030")
        pareto = Form(self.env["qms.complaint.pareto"])
        pareto.date_from = "2030-01-01"
        pareto.date_to = "2030-06-30"
        self.assertEqual(pareto.save().display_name, "Complaint Pareto 01/01/2030 – 06/30/2030")

    def test_no_qms_record_is_named_by_its_id(self):
        """Every record of the addon's models that exists after the flows above."""
        order = self._special_order(qms_requirement_ids=[Command.create({"kind": "implied", "description": "Outdoor use"})])
        order.action_qms_request_review()
        self._answer_online(self._survey(self.customer_a), [60] * 6)
        self.env["qms.satisfaction.analysis"].create({"campaign_id": self.campaign.id})
        checked = []
        for name, model in self.env.registry.items():
            if not name.startswith("qms.") or model._abstract:
                continue
            records = self.env[name].search([], limit=3)
            for record in records:
                self.assertFalse(TECHNICAL.match(record.display_name or ""), f"{name}: {record.display_name!r}")
                self.assertTrue(record.display_name, f"{name} {record.id} has no name")
            if records:
                checked.append(name)
        for name in ("qms.contract.review.line", "qms.customer.requirement", "qms.satisfaction.score",
                     "qms.satisfaction.analysis", "qms.complaint.deadline", "qms.corrective.action"):
            self.assertIn(name, checked)

    def test_capability_countersign_and_wizards(self):
        commitment = self.env["qms.capability.commitment"].with_user(self.qms_admin).create({
            "name": "Capability 2030", "date_from": "2030-01-01", "date_to": "2030-12-31",
            "categ_ids": [Command.set(self.category.ids)], "capacity_qty": 500, "lead_time_days": 7,
            "technical_capability": "Motors up to 5 kW", "production_capability": "Two winding lines",
            "service_capability": "Delivery within 300 km",
        })
        commitment.with_user(self.qms_admin).action_submit()
        line = commitment.review_line_ids.filtered(lambda rl: rl.role_id == self.roles["rd"])
        self.assertEqual(line.display_name, f"Capability 2030 – {self.roles['rd'].name} (round 1)")
        review = self.env["qms.management.review"].create({"date_from": "2030-01-01", "date_to": "2030-03-31"})
        self.assertEqual(review.display_name, "Management Review Input: 01/01/2030 – 03/31/2030")
        order = self._special_order()
        for model in ("qms.contract.type.wizard", "qms.review.request.wizard", "qms.review.conclusion.wizard"):
            wizard = self.env[model].new({"order_id": order.id})
            self.assertEqual(wizard.display_name, order.name, model)

    def test_every_qms_model_has_a_name(self):
        """Every model of the addon says how its records are named (a name field or its own
        display name), so that no breadcrumb or link ever shows "model,id"."""
        for name, model in self.env.registry.items():
            if not name.startswith("qms.") or model._abstract:
                continue
            named = bool(model._rec_name) or model._compute_display_name is not BaseModel._compute_display_name
            self.assertTrue(named, f"{name} has neither a name field nor a display name")
