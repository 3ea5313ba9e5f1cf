from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError


class QmsSatisfactionCampaign(models.Model):
    """A periodic customer satisfaction survey (procedure 5.9): the period, the scored
    questionnaire (顾客满意度调查表) and the customers asked."""

    _name = "qms.satisfaction.campaign"
    _description = "Satisfaction Survey Campaign"
    _inherit = ["qms.workflow.mixin", "mail.thread"]
    _order = "date_start desc, id desc"
    _qms_transition_fields = ("state",)
    _check_company_auto = True

    name = fields.Char(string="Reference", required=True, readonly=True, copy=False, default="/")
    title = fields.Char(required=True, tracking=True, translate=True)
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company,
    )
    user_id = fields.Many2one("res.users", string="Responsible", default=lambda self: self.env.user, tracking=True)
    date_start = fields.Date(string="Period Start", required=True, tracking=True, index=True)
    date_end = fields.Date(string="Period End", required=True, tracking=True)
    survey_id = fields.Many2one(
        "survey.survey", string="Questionnaire", required=True, tracking=True,
        default=lambda self: self.env.ref("qms_customer_process.survey_customer_satisfaction", raise_if_not_found=False),
        domain=[("scoring_type", "!=", "no_scoring")],
        help="A scored survey whose questions are mapped to satisfaction dimensions.",
    )
    target = fields.Selection(
        [("chosen", "Chosen customers"), ("invoiced", "Every customer invoiced in the period")],
        string="Customers", required=True, default="chosen",
    )
    partner_ids = fields.Many2many("res.partner", string="Chosen Customers", check_company=True)
    state = fields.Selection(
        [("draft", "Draft"), ("running", "Running"), ("closed", "Closed")],
        default="draft", required=True, tracking=True, index=True, copy=False,
    )
    follow_up_grade_id = fields.Many2one(
        "qms.satisfaction.grade", string="Follow Up Grades Below", check_company=True,
        default=lambda self: self.env.ref("qms_customer_process.satisfaction_grade_neutral", raise_if_not_found=False),
        help="An answered survey whose grade is below this one is a dissatisfied customer and gets a follow-up.",
    )
    dimension_threshold = fields.Float(
        default=65.0,
        help="A dimension scored below this is a dissatisfied item and gets a follow-up, whatever the overall grade.",
    )
    follow_up_days = fields.Integer(string="Follow-up Delay (days)", default=30)
    deadline = fields.Datetime(string="Answer Deadline")
    survey_ids = fields.One2many("qms.satisfaction.survey", "campaign_id", string="Customer Surveys")
    survey_count = fields.Integer(compute="_compute_counts")
    answered_count = fields.Integer(compute="_compute_counts")
    response_rate = fields.Float(compute="_compute_counts", digits=(5, 1))

    @api.constrains("date_start", "date_end")
    def _check_dates(self):
        for campaign in self:
            if campaign.date_start and campaign.date_end and campaign.date_end < campaign.date_start:
                raise ValidationError(self.env._("The campaign %s ends before it starts.", campaign.title))

    @api.constrains("dimension_threshold")
    def _check_dimension_threshold(self):
        for campaign in self:
            if not 0 <= campaign.dimension_threshold <= 100:
                raise ValidationError(self.env._("The dimension threshold is a score between 0 and 100."))

    @api.constrains("survey_id")
    def _check_survey(self):
        for campaign in self:
            if campaign.survey_id.scoring_type == "no_scoring":
                raise ValidationError(self.env._("The questionnaire of a satisfaction campaign must be scored."))

    def _compute_counts(self):
        data = self.env["qms.satisfaction.survey"]._read_group(
            [("campaign_id", "in", self.ids)], ["campaign_id", "state"], ["__count"],
        )
        counts = {}
        for campaign, state, count in data:
            sent, answered = counts.get(campaign.id, (0, 0))
            counts[campaign.id] = (
                sent + (count if state != "draft" else 0),
                answered + (count if state in ("answered", "analysed") else 0),
            )
        for campaign in self:
            sent, answered = counts.get(campaign.id, (0, 0))
            campaign.survey_count = len(campaign.survey_ids)
            campaign.answered_count = answered
            campaign.response_rate = answered / sent * 100 if sent else 0.0

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self._qms_check_values(vals)
            if vals.get("name", "/") == "/":
                vals["name"] = self.env["ir.sequence"].next_by_code("qms.satisfaction.campaign") or "/"
        return super().create(vals_list)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_started(self):
        if any(campaign.state != "draft" for campaign in self):
            raise UserError(self.env._("A campaign that was sent is a record: close it instead of deleting it."))

    def _qms_target_partners(self):
        self.ensure_one()
        if self.target == "chosen":
            return self.partner_ids
        groups = self.env["account.move"]._read_group(
            [
                ("move_type", "=", "out_invoice"),
                ("state", "=", "posted"),
                ("company_id", "=", self.company_id.id),
                ("invoice_date", ">=", self.date_start),
                ("invoice_date", "<=", self.date_end),
            ],
            ["commercial_partner_id"],
        )
        return self.env["res.partner"].union(*(partner for (partner,) in groups))

    def _qms_partners_to_survey(self):
        """{campaign: the target customers not surveyed yet}; refuses a closed campaign, or one
        with nobody to survey."""
        result = {}
        for campaign in self:
            if campaign.state == "closed":
                raise UserError(self.env._("The campaign %s is closed.", campaign.title))
            partners = campaign._qms_target_partners() - campaign.survey_ids.partner_id
            if not partners and not campaign.survey_ids:
                raise UserError(self.env._("No customer to survey in %s: choose customers or invoice some in the period.", campaign.title))
            result[campaign] = partners
        return result

    def action_generate_surveys(self):
        """One survey per target customer not yet in the campaign."""
        partners_by_campaign = self._qms_partners_to_survey()
        self.env["qms.satisfaction.survey"].create([
            {"campaign_id": campaign.id, "partner_id": partner.id}
            for campaign, partners in partners_by_campaign.items() for partner in partners
        ])
        return True

    def action_send(self):
        """Invite every customer of the campaign not invited yet."""
        self.check_access("write")
        for campaign in self:
            if campaign.state == "closed":
                raise UserError(self.env._("The campaign %s is closed.", campaign.title))
        # Everything is checked before a survey is generated or sent: nothing half-sent after a
        # refusal. The surveys still to generate are checked as new (unsaved) records.
        to_generate = self.filtered(lambda campaign: not campaign.survey_ids)
        Survey = self.env["qms.satisfaction.survey"]
        planned = Survey.concat(*(
            Survey.new({"campaign_id": campaign.id, "partner_id": partner.id})
            for campaign, partners in to_generate._qms_partners_to_survey().items() for partner in partners
        ))
        drafts = self.survey_ids.filtered(lambda survey: survey.state == "draft")
        (drafts | planned)._qms_check_sendable()
        to_generate.action_generate_surveys()
        self.survey_ids.filtered(lambda survey: survey.state == "draft").action_send()
        self._qms_write_transition({"state": "running"})
        return True

    def action_remind(self):
        self.survey_ids.filtered(lambda survey: survey.state == "sent").action_remind()
        return True

    def action_close(self):
        self.check_access("write")
        if any(campaign.state != "running" for campaign in self):
            raise UserError(self.env._("Only a running campaign can be closed."))
        self._qms_write_transition({"state": "closed"})
        return True

    def action_reopen(self):
        self.check_access("write")
        if any(campaign.state != "closed" for campaign in self):
            raise UserError(self.env._("Only a closed campaign can be reopened."))
        self._qms_write_transition({"state": "running"})
        return True

    def action_view_surveys(self):
        self._qms_ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("qms_customer_process.qms_satisfaction_survey_action")
        action["domain"] = [("campaign_id", "=", self.id)]
        action["context"] = {"default_campaign_id": self.id}
        return action

    def action_open_analysis(self):
        self._qms_ensure_one()
        analysis = self.env["qms.satisfaction.analysis"].create({"campaign_id": self.id})
        return analysis._qms_open()
