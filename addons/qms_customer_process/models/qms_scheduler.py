import logging
import threading
import time as timer
from datetime import datetime, time, timedelta

from odoo import api, fields, models
from odoo.addons.base.models.ir_cron import MAX_BATCH_PER_CRON_JOB
from odoo.tools import config, format_date

_logger = logging.getLogger(__name__)

# Records (or e-mails) handled between two commits of the scheduled job.
BATCH_SIZE = 100
OPEN_COMPLAINT_STATES = ("new", "acknowledged", "investigating")
UNFINISHED_COMPLAINT_STATES = ("new", "acknowledged", "investigating", "proposed", "confirmed")
# The fact of the complaint each escalation records as missed.
COMPLAINT_FACTS = {
    "complaint_acknowledge": "acknowledge_sla",
    "complaint_response": "response_sla",
    "complaint_closure": "closure_sla",
}


class QmsScheduler(models.AbstractModel):
    """The addon's one daily job (data/ir_cron_data.xml): what the procedure asks to happen
    without anyone clicking.

    - contract review lines open too long: their reviewers are reminded, then the sales manager
      gets the escalation;
    - overdue complaints (each missed deadline: acknowledgement, response, closure) go to the
      responsible department's manager and to quality; overdue corrective actions to their owner,
      then to their department;
    - satisfaction campaigns: the invitations and reminders queued by the buttons of a large
      campaign are sent, the reminders of the campaign's reminder date go out, and a campaign
      closes at its answer deadline;
    - the general manager and the QMS administrator are warned before the capability commitment
      expires, and sales are told when none is valid any more.

    Idempotent: every follow-up is recorded (qms.followup.log, or the survey's own reminder
    date) in the transaction that sends it, so a second run the same day, or a run resumed after
    an interruption, sends nothing twice. Batch-safe: the job works in batches of BATCH_SIZE,
    commits after each one and reports its progress with Odoo's cron progress API; it stops after
    a time budget that keeps the whole run within the workers' time limits, and Odoo calls it
    again (or the next worker picks it up) for what remains, where it stopped. The buttons that
    queue e-mails trigger the same job.
    """

    _name = "qms.scheduler"
    _description = "Customer Quality: Scheduled Follow-up"

    # ------------------------------------------------------------------
    # The job
    # ------------------------------------------------------------------

    @api.model
    def _cron_daily(self):
        """Entry point of the scheduled job: run the steps, committing after each batch."""
        done, remaining = self._qms_run(commit=self._qms_commit_callback(), time_budget=self._qms_time_budget())
        if remaining and not self.env.context.get("ir_cron_progress_id"):
            # Run by hand (Run Manually): the cron worker finishes the rest in the background.
            self.env.ref("qms_customer_process.ir_cron_qms_daily")._trigger()
        return done, remaining

    @api.model
    def _qms_commit_callback(self):
        """What the job calls after each batch: the cursor's commit; nothing inside a test
        transaction, which cannot commit (tests pass their own callback to _qms_run)."""
        if getattr(threading.current_thread(), "testing", False):
            return None
        return self.env.cr.commit

    @api.model
    def _qms_time_budget(self):
        """Seconds one call of the job may work before it hands over: Odoo calls a job that
        reports remaining work up to MAX_BATCH_PER_CRON_JOB times in the same worker run, which
        must end within the real and CPU time limits of a cron worker (limit_time_real_cron, else
        limit_time_real, and limit_time_cpu): half of the smallest limit, shared by those calls."""
        real = config.get("limit_time_real_cron") or 0
        if real < 0:
            real = config.get("limit_time_real") or 0
        limits = [limit for limit in (real, config.get("limit_time_cpu") or 0) if limit > 0]
        if not limits:
            return 60.0
        return max(1.0, min(limits) / 2 / MAX_BATCH_PER_CRON_JOB)

    @api.model
    def _qms_run(self, commit=None, batch_size=None, time_budget=None):
        """Run the steps in order, batch by batch: after each batch, report the progress and
        call ``commit``; stop once ``time_budget`` seconds are spent (after at least one batch).
        Returns (done, remaining): the items handled and those left for the next call."""
        started = timer.monotonic()
        batch_size = batch_size or BATCH_SIZE
        done = 0
        steps = self._qms_steps()
        for position, (_name, due, process) in enumerate(steps):
            items = due()
            for start in range(0, len(items), batch_size):
                batch = items[start:start + batch_size]
                process(batch)
                done += len(batch)
                left = len(items) - start - len(batch)
                out_of_time = time_budget is not None and timer.monotonic() - started >= time_budget
                if out_of_time:
                    # What is left: the rest of this step, and the later steps counted now.
                    left += sum(len(later_due()) for _later, later_due, _process in steps[position + 1:])
                elif position < len(steps) - 1:
                    left += 1  # the later steps, counted when they start
                self.env["ir.cron"]._notify_progress(done=done, remaining=left)
                if commit:
                    commit()
                if out_of_time:
                    return done, left
        self.env["ir.cron"]._notify_progress(done=done, remaining=0)
        return done, 0

    @api.model
    def _qms_steps(self):
        """(name, due, process): ``due()`` lists the items due now, ``process(items)`` handles a
        batch of them so that they are no longer due."""
        Campaign = self.env["qms.satisfaction.campaign"]
        return [
            ("review_reminder", self._qms_due_review_reminders, self._qms_send_review_reminders),
            ("review_escalation", self._qms_due_review_escalations, self._qms_send_review_escalations),
            ("complaint_acknowledge", lambda: self._qms_due_complaints("complaint_acknowledge"),
             lambda ids: self._qms_escalate_complaints("complaint_acknowledge", ids)),
            ("complaint_response", lambda: self._qms_due_complaints("complaint_response"),
             lambda ids: self._qms_escalate_complaints("complaint_response", ids)),
            ("complaint_closure", lambda: self._qms_due_complaints("complaint_closure"),
             lambda ids: self._qms_escalate_complaints("complaint_closure", ids)),
            ("action_owner", lambda: self._qms_due_actions("action_owner"),
             lambda ids: self._qms_escalate_actions("action_owner", ids)),
            ("action_department", lambda: self._qms_due_actions("action_department"),
             lambda ids: self._qms_escalate_actions("action_department", ids)),
            ("commitment_expiry", self._qms_due_commitment_expiry, self._qms_warn_commitment_expiry),
            ("commitment_none", self._qms_due_commitment_none, self._qms_warn_commitment_none),
            ("campaign_sending", Campaign._qms_queued_invitations, Campaign._qms_send_queued_invitations),
            ("campaign_sent", self._qms_due_campaigns_sent, lambda ids: Campaign._qms_finish_queued_invitations()),
            ("campaign_reminder", self._qms_due_survey_reminders, self._qms_send_survey_reminders),
            ("campaign_close", self._qms_due_campaign_close, self._qms_close_campaigns),
        ]

    # ------------------------------------------------------------------
    # Who is told
    # ------------------------------------------------------------------

    @api.model
    def _qms_active_users(self, users, company):
        """The users among ``users`` who work for ``company`` and can act on it."""
        return users.sudo().filtered(
            lambda user: user.active and not user.share and not user._is_superuser() and company in user.company_ids
        )

    @api.model
    def _qms_group_users(self, xmlid, company):
        return self._qms_active_users(self.env.ref(xmlid).sudo().users, company)

    @api.model
    def _qms_department_users(self, department, company):
        """Who answers for a department: its manager, else its default reviewers."""
        if not department:
            return self.env["res.users"]
        return self._qms_active_users(department.sudo().manager_id or department.sudo().user_ids, company)

    @api.model
    def _qms_quality_users(self, company):
        quality = self.env["qms.review.role"]._qms_find("quality", company)
        return self._qms_department_users(quality, company) or self._qms_group_users(
            "qms_customer_process.group_qms_quality", company,
        )

    @api.model
    def _qms_sales_managers(self, company, team=None):
        """The sales team's leader, else the sales managers of the company."""
        leader = self._qms_active_users(team.sudo().user_id, company) if team else self.env["res.users"]
        return leader or self._qms_group_users("sales_team.group_sale_manager", company)

    @api.model
    def _qms_tell(self, rule, record, users, texts, key="-", todo=True, post_on=None):
        """Send follow-up ``rule`` about ``record`` once: recorded in the follow-up log, noted in
        the chatter of ``post_on`` (default: the record) and, with ``todo``, a to-do there for each
        of ``users`` (Odoo tells them of it by e-mail or in their inbox), otherwise a note that
        notifies them. ``texts(lang)`` gives (summary, message) in a language: each user gets the
        to-do in their own, the chatter note is in the company's."""
        company = record.company_id if "company_id" in record._fields else self.env.company
        summary, body = texts(company.partner_id.lang or self.env.lang)
        self.env["qms.followup.log"]._qms_record(rule, record, users, summary, key)
        # sudo: the procedure's follow-up is recorded on the record and assigned to the people it
        # names, whatever the job's user may read.
        record = (post_on or record).sudo()
        today = fields.Date.context_today(self)
        if todo and hasattr(record, "activity_schedule"):
            record.message_post(body=body, subtype_xmlid="mail.mt_note")
            for user in users:
                user_summary, user_body = texts(user.lang or company.partner_id.lang or self.env.lang)
                record.activity_schedule(
                    "mail.mail_activity_data_todo", date_deadline=today, user_id=user.id,
                    summary=user_summary, note=user_body,
                )
        else:
            record.message_post(body=body, subtype_xmlid="mail.mt_note", partner_ids=users.partner_id.ids)

    # ------------------------------------------------------------------
    # Contract review lines open too long
    # ------------------------------------------------------------------

    @api.model
    def _qms_open_review_lines(self, days_field):
        """{line: the moment it opened} for the review lines open for a decision longer than the
        company's ``days_field`` working days (zero: never)."""
        # sudo: the job follows every open review, whoever it runs as.
        lines = self.env["qms.contract.review.line"].sudo().search([
            ("decision", "=", "pending"), ("order_id.qms_review_state", "=", "in_review"),
        ])
        now = fields.Datetime.now()
        result = {}
        for line in lines.filtered("is_open"):
            company = line.company_id
            days = company[days_field]
            if days <= 0:
                continue
            earlier = line.order_id.qms_review_line_ids.filtered(
                lambda other, line=line: other.revision == line.revision and other.sequence < line.sequence
            )
            opened = max([line.create_date, *(other.decided_on for other in earlier if other.decided_on)])
            if now > company._qms_plan_work(opened, days=days):
                result[line] = opened
        return result

    @api.model
    def _qms_due_review_reminders(self):
        lines = self.env["qms.contract.review.line"].concat(*self._qms_open_review_lines("qms_review_reminder_days"))
        sent = self.env["qms.followup.log"]._qms_sent("review_reminder", lines)
        return [line.id for line in lines if line.id not in sent]

    @api.model
    def _qms_send_review_reminders(self, line_ids):
        for line in self.env["qms.contract.review.line"].sudo().browse(line_ids):
            company = line.company_id
            reviewers = self._qms_active_users(line.role_id.user_ids | line.reviewer_id, company)
            days = company.qms_review_reminder_days

            def texts(lang, line=line, days=days):
                env = self.with_context(lang=lang).env
                return (
                    env._("Reminder: contract review of %(order)s", order=line.order_id.name),
                    env._("The contract review of %(order)s has waited for %(dept)s for more than %(days)s working days: "
                          "please decide it.", order=line.order_id.name, dept=line.with_env(env).role_id.name, days=days),
                )

            self._qms_tell("review_reminder", line, reviewers, texts, todo=False)

    @api.model
    def _qms_due_review_escalations(self):
        lines = self.env["qms.contract.review.line"].concat(*self._qms_open_review_lines("qms_review_escalation_days"))
        sent = self.env["qms.followup.log"]._qms_sent("review_escalation", lines)
        return [line.id for line in lines if line.id not in sent]

    @api.model
    def _qms_send_review_escalations(self, line_ids):
        for line in self.env["qms.contract.review.line"].sudo().browse(line_ids):
            order = line.order_id
            managers = self._qms_sales_managers(line.company_id, order.team_id)
            days = line.company_id.qms_review_escalation_days

            def texts(lang, line=line, order=order, days=days):
                env = self.with_context(lang=lang).env
                local = line.with_env(env)
                return (
                    env._("Overdue contract review: %(order)s (%(dept)s)", order=order.name, dept=local.role_id.name),
                    env._("%(dept)s has not decided its contract review of %(order)s for more than %(days)s working days "
                          "(reviewers: %(reviewers)s).", dept=local.role_id.name, order=order.name, days=days,
                          reviewers=local._qms_join((line.role_id.user_ids | line.reviewer_id).mapped("name")) or "-"),
                )

            self._qms_tell("review_escalation", line, managers, texts, post_on=order)

    # ------------------------------------------------------------------
    # Overdue complaints and corrective actions
    # ------------------------------------------------------------------

    @api.model
    def _qms_due_complaints(self, rule):
        now = fields.Datetime.now()
        domain = {
            "complaint_acknowledge": [("state", "=", "new"), ("date_acknowledge_deadline", "<", now)],
            "complaint_response": [("state", "in", OPEN_COMPLAINT_STATES), ("date_response_deadline", "<", now)],
            "complaint_closure": [("state", "in", UNFINISHED_COMPLAINT_STATES), ("date_close_deadline", "<", now)],
        }[rule]
        # sudo: the job follows every complaint, whoever it runs as.
        complaints = self.env["qms.customer.complaint"].sudo().search(domain, order="date_received, id")
        sent = self.env["qms.followup.log"]._qms_sent(rule, complaints)
        return [complaint_id for complaint_id in complaints.ids if complaint_id not in sent]

    @api.model
    def _qms_escalate_complaints(self, rule, complaint_ids):
        deadline_field = {
            "complaint_acknowledge": "date_acknowledge_deadline",
            "complaint_response": "date_response_deadline",
            "complaint_closure": "date_close_deadline",
        }[rule]
        for complaint in self.env["qms.customer.complaint"].sudo().browse(complaint_ids):
            company = complaint.company_id
            users = self._qms_department_users(complaint.department_id, company) | self._qms_quality_users(company)
            deadline = complaint[deadline_field]

            def texts(lang, complaint=complaint, deadline=deadline, company=company):
                env = self.with_context(lang=lang).env
                tz = company.resource_calendar_id.tz or company.partner_id.tz or "UTC"
                values = {
                    "name": complaint.name,
                    "deadline": complaint.with_env(env)._qms_format_datetime(deadline, tz=tz),
                    "customer": complaint.partner_id.display_name or complaint.email_from or "-",
                    "severity": dict(complaint._fields["severity"]._description_selection(env))[complaint.severity],
                    "owner": complaint.user_id.name or "-",
                }
                if rule == "complaint_acknowledge":
                    return (
                        env._("Overdue complaint %(name)s: not acknowledged by %(deadline)s", **values),
                        env._("Complaint %(name)s of %(customer)s (%(severity)s) was not acknowledged by %(deadline)s. "
                              "Owner: %(owner)s.", **values),
                    )
                if rule == "complaint_response":
                    return (
                        env._("Overdue complaint %(name)s: no solution proposed by %(deadline)s", **values),
                        env._("Complaint %(name)s of %(customer)s (%(severity)s) got no proposed solution by %(deadline)s. "
                              "Owner: %(owner)s.", **values),
                    )
                return (
                    env._("Overdue complaint %(name)s: not closed by %(deadline)s", **values),
                    env._("Complaint %(name)s of %(customer)s (%(severity)s) was not closed by %(deadline)s. "
                          "Owner: %(owner)s.", **values),
                )

            self._qms_tell(rule, complaint, users, texts)
            # The deadline is missed whenever the step gets done: the fact the on-time analysis
            # counts is recorded now (the job is the one actor of this transition).
            fact = COMPLAINT_FACTS[rule]
            if not complaint[fact]:
                complaint._qms_write_transition({fact: "late"})

    @api.model
    def _qms_action_escalation_due(self, action, now):
        """Whether ``action``, overdue, has waited more than its company's escalation delay."""
        days = action.company_id.qms_action_escalation_days
        if days <= 0:
            return False
        # Noon UTC of the due date is that date in every time zone a calendar may use.
        due = datetime.combine(action.due_date, time(12))
        return now > action.company_id._qms_plan_work(due, days=days)

    @api.model
    def _qms_due_actions(self, rule):
        today = fields.Date.context_today(self)
        now = fields.Datetime.now()
        # sudo: the job follows every corrective action, whoever it runs as.
        actions = self.env["qms.corrective.action"].sudo().search(
            [("state", "=", "open"), ("due_date", "<", today)], order="due_date, id",
        )
        if rule == "action_department":
            actions = actions.filtered(lambda action: self._qms_action_escalation_due(action, now))
        keys = {action.id: str(action.due_date) for action in actions}
        sent = self.env["qms.followup.log"]._qms_sent(rule, actions, keys)
        return [action_id for action_id in actions.ids if action_id not in sent]

    @api.model
    def _qms_escalate_actions(self, rule, action_ids):
        for action in self.env["qms.corrective.action"].sudo().browse(action_ids):
            company = action.company_id
            if rule == "action_owner":
                users = self._qms_active_users(action.user_id, company)
            else:
                users = self._qms_department_users(action.department_id, company) or self._qms_quality_users(company)

            def texts(lang, action=action):
                env = self.with_context(lang=lang).env
                summary = env._("Overdue corrective action %s", action.name)
                if rule == "action_owner":
                    body = env._("Corrective action %(name)s was due on %(date)s and is not implemented yet: %(what)s",
                                 name=action.name, date=format_date(env, action.due_date), what=action.description)
                else:
                    body = env._("Corrective action %(name)s of %(owner)s was due on %(date)s and is still not implemented: "
                                 "%(what)s", name=action.name, owner=action.user_id.name, date=format_date(env, action.due_date),
                             what=action.description)
                return summary, body

            self._qms_tell(rule, action, users, texts, key=str(action.due_date), todo=rule != "action_owner")

    # ------------------------------------------------------------------
    # Capability commitments
    # ------------------------------------------------------------------

    @api.model
    def _qms_approved_commitments(self):
        # sudo: the job follows the commitments of every company.
        return self.env["qms.capability.commitment"].sudo().search([("state", "=", "approved")])

    @api.model
    def _qms_due_commitment_expiry(self):
        today = fields.Date.context_today(self)
        commitments = self._qms_approved_commitments()
        due = commitments.filtered(
            lambda c: c.company_id.qms_commitment_warning_days > 0
            and today <= c.date_to <= today + timedelta(days=c.company_id.qms_commitment_warning_days)
            and not commitments.filtered(
                lambda later, c=c: later.company_id == c.company_id and later != c
                and later.date_from <= c.date_to + timedelta(days=1) <= later.date_to
            )
        )
        sent = self.env["qms.followup.log"]._qms_sent("commitment_expiry", due)
        return [commitment_id for commitment_id in due.ids if commitment_id not in sent]

    @api.model
    def _qms_warn_commitment_expiry(self, commitment_ids):
        for commitment in self.env["qms.capability.commitment"].sudo().browse(commitment_ids):
            company = commitment.company_id
            users = self._qms_group_users("qms_customer_process.group_qms_general_manager", company) \
                | self._qms_group_users("qms_customer_process.group_qms_manager", company)

            def texts(lang, commitment=commitment):
                env = self.with_context(lang=lang).env
                return (
                    env._("Capability commitment %s expires soon", commitment.name),
                    env._("The capability commitment %(name)s expires on %(date)s and no later one is approved: review and "
                          "approve the next one, or orders will no longer be checked against it.",
                          name=commitment.name, date=format_date(env, commitment.date_to)),
                )

            self._qms_tell("commitment_expiry", commitment, users, texts)

    @api.model
    def _qms_due_commitment_none(self):
        """For each company whose approved capability commitments all ended: the last one."""
        today = fields.Date.context_today(self)
        due = self.env["qms.capability.commitment"]
        for commitments in self._qms_approved_commitments().grouped("company_id").values():
            if any(c.date_from <= today <= c.date_to for c in commitments):
                continue
            ended = commitments.filtered(lambda c: c.date_to < today).sorted("date_to")[-1:]
            due |= ended
        sent = self.env["qms.followup.log"]._qms_sent("commitment_none", due)
        return [commitment_id for commitment_id in due.ids if commitment_id not in sent]

    @api.model
    def _qms_warn_commitment_none(self, commitment_ids):
        for commitment in self.env["qms.capability.commitment"].sudo().browse(commitment_ids):
            users = self._qms_sales_managers(commitment.company_id)

            def texts(lang, commitment=commitment):
                env = self.with_context(lang=lang).env
                return (
                    env._("No valid capability commitment"),
                    env._("The capability commitment %(name)s ended on %(date)s and no other one is valid: orders are no "
                          "longer checked against an approved capability until the general manager approves a new one.",
                          name=commitment.name, date=format_date(env, commitment.date_to)),
                )

            self._qms_tell("commitment_none", commitment, users, texts, todo=False)

    # ------------------------------------------------------------------
    # Satisfaction campaigns
    # ------------------------------------------------------------------

    @api.model
    def _qms_due_campaigns_sent(self):
        """Campaigns whose queued e-mails are all sent (ended by _qms_finish_queued_invitations)."""
        Campaign = self.env["qms.satisfaction.campaign"].sudo()
        campaigns = Campaign.search([("send_queue", "!=", False)])
        busy = {campaign_id for _kind, campaign_id, _item in campaigns._qms_queued_invitations()}
        return [campaign_id for campaign_id in campaigns.ids if campaign_id not in busy]

    @api.model
    def _qms_due_survey_reminders(self):
        """Surveys sent before their campaign's reminder date, unanswered and not reminded since."""
        today = fields.Date.context_today(self)
        # sudo: the job reminds the customers of every campaign, whoever it runs as.
        surveys = self.env["qms.satisfaction.survey"].sudo().search([
            ("state", "=", "sent"),
            ("campaign_id.state", "=", "running"),
            ("campaign_id.send_queue", "=", False),
            ("campaign_id.reminder_date", "<=", today),
            ("company_id.qms_mail_survey_reminder", "=", True),
        ], order="campaign_id, id")
        return [
            survey.id for survey in surveys
            if survey.contact_id.email
            and survey.sent_on and survey.sent_on.date() < survey.campaign_id.reminder_date
            and not (survey.last_reminder_on and survey.last_reminder_on.date() >= survey.campaign_id.reminder_date)
        ]

    @api.model
    def _qms_send_survey_reminders(self, survey_ids):
        self.env["qms.satisfaction.survey"].sudo().browse(survey_ids)._qms_send_invitations(reminder=True)

    @api.model
    def _qms_due_campaign_close(self):
        # sudo: the job closes every campaign at its deadline, whoever it runs as.
        campaigns = self.env["qms.satisfaction.campaign"].sudo().search([
            ("state", "=", "running"), ("send_queue", "=", False), ("deadline", "<=", fields.Datetime.now()),
        ])
        keys = {campaign.id: str(campaign.deadline) for campaign in campaigns}
        sent = self.env["qms.followup.log"]._qms_sent("campaign_closed", campaigns, keys)
        return [campaign_id for campaign_id in campaigns.ids if campaign_id not in sent]

    @api.model
    def _qms_close_campaigns(self, campaign_ids):
        for campaign in self.env["qms.satisfaction.campaign"].sudo().browse(campaign_ids):
            users = self._qms_active_users(campaign.user_id, campaign.company_id)

            def texts(lang, campaign=campaign):
                env = self.with_context(lang=lang).env
                return (
                    env._("Campaign %s closed at its deadline", campaign.title),
                    env._("The campaign %(title)s reached its answer deadline and is closed: %(answered)s of %(sent)s "
                          "customers answered.", title=campaign.title, answered=campaign.answered_count,
                          sent=campaign.sent_count),
                )

            # The procedure closes the campaign at the survey app's deadline (5.9): the job is
            # the one actor of this transition.
            campaign._qms_write_transition({"state": "closed"})
            self._qms_tell("campaign_closed", campaign, users, texts, key=str(campaign.deadline), todo=False)
