from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

# A campaign with at most this many invitations to send sends them when the button is pressed;
# a larger one is sent in the background by the scheduled job, batch by batch (qms.scheduler).
SEND_AT_ONCE = 100


class QmsSatisfactionCampaign(models.Model):
    """A periodic customer satisfaction survey (procedure 5.9): the period, the scored
    questionnaire (顾客满意度调查表) and the customers asked."""

    _name = "qms.satisfaction.campaign"
    _description = "Satisfaction Survey Campaign"
    _inherit = ["qms.workflow.mixin", "mail.thread"]
    _order = "date_start desc, id desc"
    _qms_transition_fields = ("state", "send_queue", "send_queued_on", "send_total")
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
    deadline = fields.Datetime(
        string="Answer Deadline",
        help="The survey app's deadline of every invitation; the scheduled job closes the running campaign then.",
    )
    reminder_date = fields.Date(
        help="On this day the scheduled job reminds the customers who were invited before it and have not "
        "answered (unless the company turned the reminders off).",
    )
    send_queue = fields.Selection(
        [("generate", "Invitations"), ("send", "Invitations"), ("remind", "Reminders")],
        string="Sending in the Background", readonly=True, copy=False,
        help="The invitations or reminders of a large campaign are sent by the scheduled job, batch by batch.",
    )
    send_queued_on = fields.Datetime(string="Queued On", readonly=True, copy=False)
    send_total = fields.Integer(string="E-mails to Send", readonly=True, copy=False)
    sent_count = fields.Integer(string="Invitations Sent", compute="_compute_counts")
    send_progress = fields.Float(string="Sending Progress", compute="_compute_send_progress")
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
            campaign.sent_count = sent
            campaign.answered_count = answered
            campaign.response_rate = answered / sent * 100 if sent else 0.0

    @api.depends("send_queue", "send_total")
    def _compute_send_progress(self):
        remaining = {}
        for _kind, campaign_id, _item_id in self.filtered("send_queue")._qms_queued_invitations():
            remaining[campaign_id] = remaining.get(campaign_id, 0) + 1
        for campaign in self:
            total = campaign.send_total
            done = total - remaining.get(campaign.id, 0) if campaign.send_queue else total
            campaign.send_progress = max(0.0, min(100.0, done / total * 100)) if total else 0.0

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
        """Invite every customer of the campaign not invited yet. Up to SEND_AT_ONCE invitations
        are sent at once; more are queued for the scheduled job, which sends them in batches and
        shows its progress on the campaign: the button returns at once whatever the size."""
        self.check_access("write")
        for campaign in self:
            if campaign.state == "closed":
                raise UserError(self.env._("The campaign %s is closed.", campaign.title))
            if campaign.send_queue:
                raise UserError(self.env._("The invitations of %s are being sent.", campaign.title))
        # Everything is checked before a survey is generated or sent: nothing half-sent after a
        # refusal. The surveys still to generate are checked as new (unsaved) records.
        to_generate = self.filtered(lambda campaign: not campaign.survey_ids)
        partners_by_campaign = to_generate._qms_partners_to_survey()
        Survey = self.env["qms.satisfaction.survey"]
        planned = Survey.concat(*(
            Survey.new({"campaign_id": campaign.id, "partner_id": partner.id})
            for campaign, partners in partners_by_campaign.items() for partner in partners
        ))
        drafts = self.survey_ids.filtered(lambda survey: survey.state == "draft")
        (drafts | planned)._qms_check_sendable()
        for campaign in self:
            total = len(partners_by_campaign.get(campaign, [])) + len(
                drafts.filtered(lambda survey, campaign=campaign: survey.campaign_id == campaign)
            )
            if total <= SEND_AT_ONCE:
                if campaign in partners_by_campaign:
                    campaign.action_generate_surveys()
                campaign.survey_ids.filtered(lambda survey: survey.state == "draft").action_send()
                campaign._qms_write_transition({"state": "running"})
                continue
            campaign._qms_queue(
                "generate" if campaign in partners_by_campaign else "send", total, {"state": "running"},
            )
        return True

    def action_remind(self):
        """Remind the customers who have not answered; a large campaign is reminded in the
        background, as its invitations are sent."""
        self.check_access("write")
        for campaign in self:
            if campaign.send_queue:
                raise UserError(self.env._("The invitations of %s are being sent.", campaign.title))
        for campaign in self:
            surveys = campaign.survey_ids.filtered(lambda survey: survey.state == "sent")
            if len(surveys) <= SEND_AT_ONCE:
                surveys.action_remind()
            else:
                surveys._qms_check_sendable()
                campaign._qms_queue("remind", len(surveys))
        return True

    def _qms_queue(self, kind, total, vals=None):
        """Hand the sending of this campaign's e-mails to the scheduled job, and start it."""
        self.ensure_one()
        self._qms_write_transition(dict(vals or {}, send_queue=kind, send_total=total,
                                        send_queued_on=fields.Datetime.now()))
        if kind == "remind":
            body = self.env._("%s reminders are being sent in the background; the progress shows on the campaign.", total)
        else:
            body = self.env._("%s invitations are being sent in the background; the progress shows on the campaign.", total)
        self.message_post(body=body)
        # sudo: whoever may send the campaign starts the job that sends it (ir.cron is technical).
        self.env.ref("qms_customer_process.ir_cron_qms_daily").sudo()._trigger()

    def _qms_invitation_template(self, reminder=False):
        """The e-mail template of this campaign's invitations (or reminders): the addon's wording,
        or the survey app's own invitation when the company turned the addon's off."""
        self.ensure_one()
        if self.company_id.qms_mail_survey_wording:
            return self.env.ref(
                "qms_customer_process.mail_template_satisfaction_reminder" if reminder
                else "qms_customer_process.mail_template_satisfaction_invitation"
            )
        return self.env.ref("survey.mail_template_user_input_invite")

    def _qms_queued_invitations(self):
        """The e-mails the scheduled job still has to send for these campaigns (all the queued
        ones when empty), oldest campaign first: ("partner", campaign id, customer id) for a
        customer still to add and invite, ("survey", campaign id, survey id) for a draft survey to
        send, ("remind", campaign id, survey id) for a survey to remind. A survey whose contact has
        no e-mail address is left out (named when the campaign is done)."""
        items = []
        # sudo: the scheduled job sends what the campaign's sender queued, whoever runs it.
        campaigns = self.sudo().filtered("send_queue") if self else self.sudo().search(
            [("send_queue", "!=", False)], order="id",
        )
        for campaign in campaigns:
            surveys = campaign.survey_ids
            if campaign.send_queue == "remind":
                items += [
                    ("remind", campaign.id, survey.id) for survey in surveys
                    if survey.state == "sent" and survey.contact_id.email
                    and not (survey.last_reminder_on and survey.last_reminder_on >= campaign.send_queued_on)
                ]
                continue
            if campaign.send_queue == "generate":
                partners = campaign._qms_target_partners() - surveys.partner_id
                items += [("partner", campaign.id, partner.id) for partner in partners]
            items += [
                ("survey", campaign.id, survey.id) for survey in surveys
                if survey.state == "draft" and survey.contact_id.email
            ]
        return items

    @api.model
    def _qms_send_queued_invitations(self, items):
        """Send a batch of the items of _qms_queued_invitations."""
        # Each survey records its sending in its chatter: no creation note on top, for thousands.
        Survey = self.env["qms.satisfaction.survey"].sudo().with_context(mail_create_nolog=True)
        new_surveys = Survey.create([
            {"campaign_id": campaign_id, "partner_id": partner_id}
            for kind, campaign_id, partner_id in items if kind == "partner"
        ])
        to_send = Survey.browse([item_id for kind, _campaign, item_id in items if kind == "survey"]) | new_surveys
        to_send.filtered(lambda survey: survey.state == "draft" and survey.contact_id.email)._qms_send_invitations()
        to_remind = Survey.browse([item_id for kind, _campaign, item_id in items if kind == "remind"])
        to_remind.filtered(lambda survey: survey.state == "sent")._qms_send_invitations(reminder=True)

    @api.model
    def _qms_finish_queued_invitations(self):
        """Campaigns whose queued e-mails are all sent: stop queuing, tell the sender."""
        campaigns = self.sudo().search([("send_queue", "!=", False)])
        busy = {campaign_id for _kind, campaign_id, _item in campaigns._qms_queued_invitations()}
        finished = campaigns.filtered(lambda campaign: campaign.id not in busy)
        for campaign in finished:
            state = "sent" if campaign.send_queue == "remind" else "draft"
            unsent = campaign.survey_ids.filtered(
                lambda survey, state=state: survey.state == state and not survey.contact_id.email
            )
            if campaign.send_queue == "remind":
                body = self.env._("Reminders sent: %s.", campaign.send_total - len(unsent))
            else:
                body = self.env._("%(sent)s of %(total)s invitations sent.",
                                  sent=campaign.sent_count, total=campaign.send_total)
            if unsent:
                body = self.env._(
                    "%(body)s Not sent (no contact with an email address): %(customers)s",
                    body=body, customers=self._qms_join(unsent.partner_id.mapped("display_name")),
                )
            campaign._qms_write_transition({"send_queue": False})
            campaign.message_post(body=body, subtype_xmlid="mail.mt_note", partner_ids=campaign.user_id.partner_id.ids)
        return finished

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
