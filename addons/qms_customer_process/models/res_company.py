from datetime import datetime, time, timedelta

from pytz import timezone, utc

from odoo import api, fields, models
from odoo.exceptions import ValidationError


class ResCompany(models.Model):
    _inherit = "res.company"

    qms_review_amount_threshold = fields.Monetary(
        string="Contract Review Amount Threshold",
        currency_field="currency_id",
        help="Orders whose total is at or over this amount need the general manager's approval. "
        "Zero: no amount threshold.",
    )
    qms_review_regular_orders = fields.Boolean(
        string="Review Regular Orders Before Confirmation",
        help="When set, regular orders also need an approved contract review before they can be "
        "confirmed; otherwise their simplified review is recorded on the delivery.",
    )
    qms_review_before_sending = fields.Boolean(
        string="Review Before Sending the Quotation",
        help="When set, a quotation that needs a contract review cannot be sent to the customer "
        "before that review is approved.",
    )
    # What runs by itself (the daily follow-up job, the customer e-mails, held orders)
    qms_release_held_orders = fields.Boolean(
        string="Confirm Accepted Quotations on Approval", default=True,
        help="A quotation the customer signed or paid while its contract review was pending confirms itself "
        "when the review is approved, as Odoo would have confirmed it at the signature or payment. "
        "Unticked: the salesperson confirms it.",
    )
    qms_review_reminder_days = fields.Integer(
        string="Remind Reviewers After (working days)", default=2,
        help="A department's review line open for more than this many working days reminds its reviewers. "
        "Zero: no reminder.",
    )
    qms_review_escalation_days = fields.Integer(
        string="Escalate Reviews After (working days)", default=5,
        help="A department's review line open for more than this many working days is escalated to the sales "
        "manager. Zero: no escalation.",
    )
    qms_action_escalation_days = fields.Integer(
        string="Escalate Overdue Actions After (working days)", default=5,
        help="A corrective action overdue for more than this many working days is escalated to its department's "
        "manager (its owner is reminded on the day after its due date). Zero: no escalation.",
    )
    qms_commitment_warning_days = fields.Integer(
        string="Warn Before the Capability Commitment Expires (days)", default=30,
        help="The general manager and the QMS administrator are warned this many days before the approved "
        "capability commitment expires, unless a later one is approved. Zero: no warning.",
    )
    qms_mail_complaint_received = fields.Boolean(
        string="E-mail: Complaint Received", default=True,
        help="Tell the customer that the complaint was received, with its number and the link to follow it.",
    )
    qms_mail_complaint_proposed = fields.Boolean(
        string="E-mail: Solution Proposed", default=True,
        help="Send the customer the proposed solution of a complaint, with the link to accept or refuse it.",
    )
    qms_mail_complaint_closed = fields.Boolean(
        string="E-mail: Complaint Closed", default=True,
        help="Tell the customer that the complaint is closed.",
    )
    qms_mail_sample_sent = fields.Boolean(
        string="E-mail: Sample Sent", default=True,
        help="Tell the customer that the sample was sent and awaits its approval, with the link to approve it.",
    )
    qms_mail_survey_wording = fields.Boolean(
        string="E-mail: Satisfaction Invitation in Our Wording", default=True,
        help="Invite customers to the satisfaction survey, and remind them, with the addon's wording (the "
        "campaign, the company and the deadline). Unticked: the survey app's own invitation.",
    )
    qms_mail_survey_reminder = fields.Boolean(
        string="E-mail: Satisfaction Reminders", default=True,
        help="On a campaign's reminder date, remind the customers who have not answered.",
    )

    qms_review_organiser_group_id = fields.Many2one(
        "res.groups", string="Contract Review Organiser",
        help="The group whose members write the consolidated conclusion of a special contract review, after the "
        "departments' opinions and before the general manager's approval (procedure 4.4.4). Empty: the sales "
        "managers.",
    )
    qms_downgrade_by_qms_admin = fields.Boolean(
        string="QMS Administrator May Classify Special Contracts as Regular",
        help="Classifying as regular an order the rules make special removes the general manager's approval: "
        "the general manager decides it. When set, the QMS administrator may decide it too.",
    )

    @api.constrains("qms_review_amount_threshold")
    def _check_qms_review_amount_threshold(self):
        if any(company.qms_review_amount_threshold < 0 for company in self):
            raise ValidationError(self.env._("The contract review amount threshold cannot be negative."))

    @api.constrains(
        "qms_review_reminder_days", "qms_review_escalation_days", "qms_action_escalation_days",
        "qms_commitment_warning_days",
    )
    def _check_qms_follow_up_days(self):
        for company in self:
            if min(company.qms_review_reminder_days, company.qms_review_escalation_days,
                   company.qms_action_escalation_days, company.qms_commitment_warning_days) < 0:
                raise ValidationError(self.env._("The follow-up delays cannot be negative."))

    def write(self, vals):
        res = super().write(vals)
        if vals.get("alias_domain_id"):
            self._qms_complaint_alias_domain()
        return res

    @api.model
    def _qms_complaint_alias_domain(self):
        """Give the complaints alias the alias domain of the company as soon as it has one (an alias
        without a domain receives nothing): Odoo gives the first alias domain created to every
        alias without one, not a domain set later on a company. Called when a company's alias
        domain is set, and at the addon's install and upgrade."""
        # sudo: the alias is the addon's configuration; whoever may set the company's alias domain
        # makes the complaints alias work with it.
        alias = self.env.ref("qms_customer_process.mail_alias_complaint", raise_if_not_found=False)
        alias = alias and alias.sudo()
        domain = (self or self.env.company).alias_domain_id[:1]
        if not alias or alias.alias_domain_id or not domain:
            return
        if alias.search_count([("alias_name", "=", alias.alias_name), ("alias_domain_id", "=", domain.id)]):
            return  # another alias already answers to that address
        alias.alias_domain_id = domain

    def _qms_plan_work(self, start, hours=0, days=0):
        """The moment ``hours`` working hours after ``start`` or, with ``days``, the end of the
        ``days``-th working day after the day of ``start``, on the company's working calendar
        (its attendances, time zone and public holidays). Without a working calendar, or one
        without attendances: calendar time. ``start`` and the result are naive UTC datetimes."""
        self.ensure_one()
        start = fields.Datetime.to_datetime(start)
        calendar = self.resource_calendar_id
        result = False
        if calendar and hours > 0:
            result = calendar.plan_hours(hours, start, compute_leaves=True)
        elif calendar and days > 0:
            tz = timezone(calendar.tz or "UTC")
            local_day = utc.localize(start).astimezone(tz).date()
            next_day = tz.localize(datetime.combine(local_day + timedelta(days=1), time.min))
            # plan_days answers the end of the first work interval of the last day: the deadline
            # is the end of that day's last one.
            last_day = calendar.plan_days(days, next_day, compute_leaves=True)
            if last_day:
                day_start = tz.localize(datetime.combine(last_day.astimezone(tz).date(), time.min))
                intervals = calendar._work_intervals_batch(day_start, day_start + timedelta(days=1))[False]
                last_day = max((stop for _start, stop, _meta in intervals), default=last_day)
                result = last_day.astimezone(utc).replace(tzinfo=None)
        return result or start + timedelta(hours=max(hours, 0), days=max(days, 0))
