from datetime import timedelta
from unittest.mock import patch

from odoo import fields
from odoo.exceptions import AccessError
from odoo.tests import tagged
from odoo.tools import config

from .common import SPECIAL_DEPARTMENTS
from .followup_common import MONDAY, FollowupCase

DAY = timedelta(days=1)


@tagged("post_install", "-at_install")
class TestScheduledJob(FollowupCase):
    def test_the_job_is_scheduled_daily(self):
        cron = self.env.ref("qms_customer_process.ir_cron_qms_daily")
        self.assertTrue(cron.active)
        self.assertEqual((cron.interval_number, cron.interval_type), (1, "days"))
        self.assertEqual(cron.model_id.model, "qms.scheduler")
        self.assertEqual(cron.code.strip(), "model._cron_daily()")
        self.assertEqual(cron.user_id, self.env.ref("base.user_root"))

    def test_a_lazy_week_every_late_item_escalated_once(self):
        """Nobody clicks for a week and the job runs every day, twice on some days: every late
        item is escalated once, and each customer who has not answered is reminded once."""
        with self.at(MONDAY):
            order = self.special_order_in_review()
            complaint = self.complaint(severity="critical")  # acknowledge within 4 working hours
            action = self.env["qms.corrective.action"].with_user(self.quality).create({
                "description": "Check the bearing supplier", "user_id": self.reviewers["production"].id,
                "department_id": self.roles["production"].id, "due_date": MONDAY.date() + DAY,
            })
            commitment = self.commitment(MONDAY.date().replace(month=1, day=1), MONDAY.date() + 20 * DAY)
            self.campaign.write({"reminder_date": MONDAY.date() + 3 * DAY, "deadline": MONDAY + 10 * DAY})
            self.campaign.action_send()
            self._answer_online(self._survey(self.customer_a), [85] * 6)
        counts = []
        for day in range(9):
            moment = MONDAY + day * DAY + timedelta(hours=1)
            with self.at(moment):
                for _run in range(2 if day % 2 else 1):
                    self.run_job()
                    counts.append((
                        day, self.Log.search_count([]),
                        self.env["mail.activity"].search_count([("summary", "ilike", "overdue")]),
                        self.env["mail.mail"].search_count([]),
                    ))
        # Twice the same day: nothing more the second time.
        for (day, *first), (next_day, *second) in zip(counts, counts[1:], strict=False):
            if day == next_day:
                self.assertEqual(first, second, f"day {day}: the second run sent something again")
        lines = order.qms_review_line_ids
        expected = {
            # the departments of the first round (sales management, R&D, production, procurement,
            # quality, finance), each reminded once, then escalated once to the sales team's leader
            ("review_reminder", lines): len(SPECIAL_DEPARTMENTS),
            ("review_escalation", lines): len(SPECIAL_DEPARTMENTS),
            ("complaint_received", complaint): 1,
            ("complaint_acknowledge", complaint): 1, ("complaint_response", complaint): 1,  # closing is not due yet
            ("complaint_closure", complaint): 0,
            ("action_owner", action): 1, ("action_department", action): 1,
            ("commitment_expiry", commitment): 1,
            ("campaign_closed", self.campaign): 0,  # the deadline is after this week
        }
        self.assertEqual({key: len(self.logs(*key)) for key in expected}, expected)
        self.assertEqual(self._survey(self.customer_b).reminder_count, 1, "the customer who has not answered: once")
        self.assertEqual(self._survey(self.customer_a).reminder_count, 0, "the customer who answered: never")
        self.assertEqual(len(self.activities(order, self.team_leader)), len(SPECIAL_DEPARTMENTS))
        self.assertEqual(len(self.activities(complaint, self.production_manager)), 2)
        self.assertEqual(len(self.activities(complaint, self.quality)), 2)
        self.assertTrue(self.activities(action, self.production_manager))
        # The commitment has its chatter and to-dos: each is told with a to-do.
        self.assertEqual(len(self.activities(commitment, self.gm).filtered(lambda act: "expires soon" in act.summary)), 1)
        self.assertEqual(len(self.activities(commitment, self.qms_admin).filtered(lambda act: "expires soon" in act.summary)), 1)

    def test_progress_commit_after_each_batch_and_resume(self):
        with self.at(MONDAY):
            complaints = self.env["qms.customer.complaint"]
            for _n in range(7):
                complaints |= self.complaint(severity="critical")
        commits = []  # the follow-ups sent when each transaction ends: one each item of a batch
        with self.at(MONDAY + 3 * DAY), patch.object(type(self.env["ir.cron"]), "_notify_progress") as progress:
            sent = self.Log.search_count([])
            commit = lambda: commits.append(self.Log.search_count([]))  # noqa: E731
            # A time budget of zero: one batch, then the job hands over, as it does when its time is up.
            done, remaining = self.Scheduler._qms_run(commit=commit, batch_size=3, time_budget=0)
            self.assertEqual((done, commits), (3, [sent + 3]))
            self.assertGreaterEqual(remaining, 2 * 7 - 3, "the acknowledgements and responses still due")
            self.assertEqual(progress.call_args.kwargs, {"done": 3, "remaining": remaining})
            # Called again, it resumes where it stopped: what was sent is not due any more.
            calls = 1
            while remaining:
                done, remaining = self.Scheduler._qms_run(commit=commit, batch_size=3, time_budget=0)
                self.assertEqual(progress.call_args.kwargs, {"done": done, "remaining": remaining})
                calls += 1
            self.assertEqual(len(commits), calls)
        steps = [after - before for before, after in zip([sent, *commits], commits, strict=False)]
        self.assertTrue(all(1 <= step <= 3 for step in steps),
                        f"a commit after each batch, never more than one batch in a transaction: {steps}")
        self.assertEqual(len(self.logs("complaint_acknowledge", complaints)), 7)
        self.assertEqual(len(self.logs("complaint_response", complaints)), 7)
        with self.at(MONDAY + 3 * DAY):
            self.assertEqual(self.Scheduler._qms_run(commit=commit), (0, 0), "nothing left, nothing sent twice")

    def test_cron_entry_point_commits_each_batch(self):
        with self.at(MONDAY):
            complaints = self.complaint(severity="critical") | self.complaint(severity="critical") \
                | self.complaint(severity="critical")
        commits = []
        Scheduler = type(self.Scheduler)
        with self.at(MONDAY + 3 * DAY), \
                patch.object(Scheduler, "_qms_commit_callback", lambda self: lambda: commits.append(1)), \
                patch("odoo.addons.qms_customer_process.models.qms_scheduler.BATCH_SIZE", 2):
            due = [len(due()) for _name, due, _process in self.Scheduler._qms_steps()]
            done, remaining = self.Scheduler.with_context(ir_cron_progress_id=False)._cron_daily()
        self.assertEqual((done, remaining), (sum(due), 0))
        self.assertEqual(len(commits), sum((count + 1) // 2 for count in due), "a commit after each batch of 2")
        self.assertEqual(len(self.logs("complaint_response", complaints)), 3)

    def test_time_budget_within_worker_limits(self):
        with patch.dict(config.options, {"limit_time_real_cron": -1, "limit_time_real": 120, "limit_time_cpu": 60}):
            budget = self.Scheduler._qms_time_budget()
        self.assertLessEqual(budget * 10, 60 / 2, "ten calls of the job fit in half the CPU limit")
        with patch.dict(config.options, {"limit_time_real_cron": 1200, "limit_time_real": 120, "limit_time_cpu": 600}):
            self.assertEqual(self.Scheduler._qms_time_budget(), 30.0)


@tagged("post_install", "-at_install")
class TestEscalationRules(FollowupCase):
    def test_review_reminder_then_sales_manager(self):
        with self.at(MONDAY):
            order = self.special_order_in_review()
        rd_line = self._line(order, "rd")
        rd = self.reviewers["rd"]
        lines = order.qms_review_line_ids
        # Opened on Monday: reminded after 2 working days (end of Wednesday), escalated after 5
        # (end of the next Monday: the weekend does not count).
        with self.at(MONDAY + 2 * DAY + timedelta(hours=7)):  # Wednesday 16:00
            self.run_job()
            self.assertFalse(self.logs("review_reminder", lines))
        with self.at(MONDAY + 3 * DAY):  # Thursday
            self.run_job()
            self.assertEqual(len(self.logs("review_reminder", lines)), len(SPECIAL_DEPARTMENTS))
            reminder = self.notified(rd_line, rd.partner_id)
            self.assertEqual(len(reminder), 1)
            self.assertIn("more than 2 working days", reminder.body)
            self.assertFalse(self.logs("review_escalation", lines))
        with self.at(MONDAY + 5 * DAY + timedelta(hours=3)):  # Saturday
            self.run_job()
            self.assertFalse(self.logs("review_escalation", lines), "Saturday and Sunday are not working days")
        with self.at(MONDAY + 8 * DAY):  # the Tuesday after
            self.run_job()
            escalations = self.logs("review_escalation", lines)
            self.assertEqual(len(escalations), len(SPECIAL_DEPARTMENTS))
            self.assertEqual(escalations.user_ids, self.team_leader, "the leader of the order's sales team")
            activity = self.activities(order, self.team_leader).filtered(
                lambda act: "R&D" in act.summary)
            self.assertEqual(len(activity), 1)
            self.assertEqual(activity.date_deadline, (MONDAY + 8 * DAY).date())
        # A decided line is never reminded; the general manager's line opens after the others.
        with self.at(MONDAY + 9 * DAY):
            self._decide_all(order, SPECIAL_DEPARTMENTS)
            self._conclude(order)  # the organiser's conclusion opens the general manager's line
            self.run_job()
            self.assertEqual(len(self.logs("review_reminder", lines)), len(SPECIAL_DEPARTMENTS),
                             "the general manager's line opened today")
        with self.at(MONDAY + 14 * DAY):
            self.run_job()
            gm_line = self._line(order, "general_manager")
            self.assertIn(gm_line.id, self.logs("review_reminder", order.qms_review_line_ids).mapped("res_id"))

    def test_review_follow_up_turned_off(self):
        self.company.write({"qms_review_reminder_days": 0, "qms_review_escalation_days": 0})
        with self.at(MONDAY):
            lines = self.special_order_in_review().qms_review_line_ids
        with self.at(MONDAY + 20 * DAY):
            self.run_job()
        self.assertFalse(self.logs("review_reminder", lines) | self.logs("review_escalation", lines))

    def test_complaint_each_missed_deadline_escalated_once(self):
        with self.at(MONDAY):
            complaint = self.complaint(severity="major")  # 8 working hours, 5 and 15 working days
            self.assertEqual(complaint.date_acknowledge_deadline, MONDAY + timedelta(hours=24))  # Tuesday 9:00
        with self.at(MONDAY + timedelta(hours=23)):
            self.run_job()
            self.assertFalse(self.logs("complaint_acknowledge", complaint))
        with self.at(MONDAY + timedelta(hours=25)):
            self.run_job()
            self.run_job()
            log = self.logs("complaint_acknowledge", complaint)
            self.assertEqual(len(log), 1)
            self.assertEqual(log.user_ids, self.production_manager | self.quality,
                             "the department's manager and quality")
            todo = self.activities(complaint, self.production_manager)
            self.assertEqual(len(todo), 1)
            self.assertIn("not acknowledged", todo.summary)
            self.assertEqual(len(self.activities(complaint, self.quality)), 1)
            complaint.with_user(self.salesman).action_acknowledge()
            self.assertFalse(self.activities(complaint, self.production_manager),
                             "the escalation's to-dos are done once the complaint is acknowledged")
        with self.at(MONDAY + 8 * DAY):  # the response was due by the end of the next Monday
            self.run_job()
            self.assertEqual(len(self.logs("complaint_response", complaint)), 1)
            self.assertFalse(self.logs("complaint_closure", complaint))
            self.assertIn("no solution proposed", self.activities(complaint, self.production_manager).summary)
            # Answered now: no further escalation of the response, ever.
            complaint.write({"solution": "replace"})
            complaint.with_user(self.salesman).action_propose()
            self.run_job()
        self.assertEqual(len(self.logs("complaint_response", complaint)), 1)
        self.assertEqual(len(self.logs("complaint_acknowledge", complaint)), 1)

    def test_complaint_without_department_goes_to_quality(self):
        with self.at(MONDAY):
            complaint = self.complaint(severity="critical", department_id=False)
        with self.at(MONDAY + DAY):
            self.run_job()
        self.assertEqual(self.logs("complaint_acknowledge", complaint).user_ids, self.quality)
        self.assertTrue(self.activities(complaint, self.quality))

    def test_corrective_action_owner_then_department(self):
        owner = self.reviewers["production"]
        with self.at(MONDAY):
            action = self.env["qms.corrective.action"].with_user(self.quality).create({
                "description": "Add a torque check", "user_id": owner.id,
                "department_id": self.roles["production"].id, "due_date": MONDAY.date() + 4 * DAY,  # Friday
            })
        with self.at(MONDAY + 4 * DAY):
            self.run_job()
            self.assertFalse(self.logs("action_owner", action), "not overdue on its due date")
        with self.at(MONDAY + 5 * DAY):  # Saturday
            self.run_job()
            self.run_job()
            self.assertEqual(len(self.logs("action_owner", action)), 1)
            self.assertEqual(len(self.notified(action, owner.partner_id)), 1)
        with self.at(MONDAY + 9 * DAY):  # 3 working days after Friday end on Wednesday
            self.run_job()
            self.assertFalse(self.logs("action_department", action))
        with self.at(MONDAY + 10 * DAY):
            self.run_job()
            self.assertEqual(self.logs("action_department", action).user_ids, self.production_manager)
            self.assertEqual(len(self.activities(action, self.production_manager)), 1)
            # Postponed: a new due date is a new deadline, followed up again once it passes.
            action.with_user(self.quality).due_date = MONDAY.date() + 12 * DAY
        with self.at(MONDAY + 13 * DAY):
            self.run_job()
            self.assertEqual(len(self.logs("action_owner", action)), 2)
            self.assertEqual(set(self.logs("action_owner", action).mapped("key")),
                             {str(MONDAY.date() + 4 * DAY), str(MONDAY.date() + 12 * DAY)})

    def test_campaign_reminder_date_and_deadline(self):
        with self.at(MONDAY):
            self.campaign.write({"reminder_date": MONDAY.date() + 2 * DAY, "deadline": MONDAY + 7 * DAY})
            self.campaign.action_send()
        with self.at(MONDAY + DAY):
            self.run_job()
            self.assertEqual(self.campaign.survey_ids.mapped("reminder_count"), [0, 0])
        with self.at(MONDAY + 2 * DAY):
            self._answer_online(self._survey(self.customer_a), [100] * 6)
            mails = self.env["mail.mail"].search_count([])
            self.run_job()
            self.run_job()
            self.assertEqual(self._survey(self.customer_b).reminder_count, 1)
            self.assertEqual(self._survey(self.customer_a).reminder_count, 0)
            self.assertEqual(self.env["mail.mail"].search_count([]), mails + 1)
            reminder = self.env["mail.mail"].search([("recipient_ids", "in", self.customer_b.ids)], order="id desc",
                                                    limit=1)
            self.assertIn("not received your answers", reminder.body_html)
            self.assertIn(self._survey(self.customer_b).user_input_id.access_token, reminder.body_html)
        with self.at(MONDAY + 7 * DAY + timedelta(hours=1)):
            self.run_job()
            self.assertEqual(self.campaign.state, "closed")
            self.assertEqual(len(self.logs("campaign_closed", self.campaign)), 1)
            # Reopened by its responsible: the job does not close it again at the same deadline.
            self.campaign.action_reopen()
            self.run_job()
            self.assertEqual(self.campaign.state, "running")

    def test_campaign_reminders_turned_off(self):
        self.company.qms_mail_survey_reminder = False
        with self.at(MONDAY):
            self.campaign.write({"reminder_date": MONDAY.date() + DAY})
            self.campaign.action_send()
        with self.at(MONDAY + 2 * DAY):
            self.run_job()
        self.assertEqual(self.campaign.survey_ids.mapped("reminder_count"), [0, 0])

    def test_commitment_expiry_and_none_valid(self):
        year_start = MONDAY.date().replace(month=1, day=1)
        with self.at(MONDAY):
            commitment = self.commitment(year_start, MONDAY.date() + 40 * DAY)
            self.run_job()
            self.assertFalse(self.logs("commitment_expiry", commitment), "more than 30 days before it expires")
        with self.at(MONDAY + 11 * DAY):
            self.run_job()
            self.run_job()
            self.assertEqual(len(self.logs("commitment_expiry", commitment)), 1)
            self.assertEqual(len(self.activities(commitment, self.gm).filtered(lambda act: "expires soon" in act.summary)), 1)
            self.assertEqual(len(self.activities(commitment, self.qms_admin).filtered(lambda act: "expires soon" in act.summary)), 1)
        with self.at(MONDAY + 41 * DAY):
            self.run_job()
            self.run_job()
            told = self.logs("commitment_none", commitment)
            self.assertEqual(len(told), 1)
            self.assertIn(self.sales_manager, told.user_ids)
            self.assertEqual(len(self.notified(commitment, self.sales_manager.partner_id)), 1)
        # A successor approved in time: no warning before the next one's end.
        with self.at(MONDAY + 42 * DAY):
            nxt = self.commitment(MONDAY.date() + 41 * DAY, MONDAY.date() + 400 * DAY)
            following = self.commitment(MONDAY.date() + 401 * DAY, MONDAY.date() + 800 * DAY)
        with self.at(MONDAY + 390 * DAY):
            self.run_job()
            self.assertFalse(self.logs("commitment_expiry", nxt), "the following one starts the day after")
            self.assertTrue(following)

    def test_the_log_is_read_only(self):
        with self.at(MONDAY):
            complaint = self.complaint(severity="critical")
        with self.at(MONDAY + DAY):
            self.run_job()
        log = self.logs("complaint_acknowledge", complaint)
        self.assertTrue(log.with_user(self.quality).read(["summary"]))
        with self.assertRaisesRegex(AccessError, "set by its workflow actions"):
            log.with_user(self.quality).write({"summary": "Nothing happened"})
        with self.assertRaisesRegex(AccessError, "not allowed to delete"):
            log.with_user(self.quality).unlink()
        with self.assertRaisesRegex(AccessError, "not allowed to access"):
            log.with_user(self.salesman).read(["summary"])
        self.assertIn("not acknowledged by", log.summary)
        self.assertEqual(fields.Datetime.to_datetime(log.date).date(), (MONDAY + DAY).date())
