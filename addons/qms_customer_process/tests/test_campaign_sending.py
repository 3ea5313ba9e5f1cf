import logging
import time

from odoo import Command
from odoo.exceptions import UserError
from odoo.tests import tagged

from .satisfaction_common import SatisfactionCase

_logger = logging.getLogger(__name__)

CUSTOMERS = 5000


@tagged("post_install", "-at_install")
class TestCampaignMassSending(SatisfactionCase):
    def test_small_campaign_sent_at_once(self):
        self.campaign.action_send()
        self.assertFalse(self.campaign.send_queue)
        self.assertEqual(set(self.campaign.survey_ids.mapped("state")), {"sent"})

    def test_5000_customers_sent_by_the_job_in_batches(self):
        Survey = self.env["qms.satisfaction.survey"]
        Scheduler = self.env["qms.scheduler"]
        cron = self.env.ref("qms_customer_process.ir_cron_qms_daily")
        partners = self.env["res.partner"].with_context(tracking_disable=True).create([
            {"name": f"Mass customer {n}", "email": f"buyer{n}@mass.example", "is_company": True}
            for n in range(CUSTOMERS)
        ])
        campaign = self.env["qms.satisfaction.campaign"].create({
            "title": "Satisfaction 2030 H2", "date_start": "2030-07-01", "date_end": "2030-12-31",
            "partner_ids": [Command.set(partners.ids)],
        })
        triggers = self.env["ir.cron.trigger"].search_count([("cron_id", "=", cron.id)])
        started = time.monotonic()
        campaign.with_user(self.sales_manager).action_send()
        _logger.info("Send Invitations of %s customers returned in %.2fs", CUSTOMERS, time.monotonic() - started)
        # The button only queued the work and woke the job up.
        self.assertEqual((campaign.state, campaign.send_queue, campaign.send_total), ("running", "generate", CUSTOMERS))
        self.assertFalse(campaign.survey_ids, "nothing made or sent by the button itself")
        self.assertEqual(self.env["ir.cron.trigger"].search_count([("cron_id", "=", cron.id)]), triggers + 1)
        self.assertEqual(campaign.send_progress, 0.0)

        def sent():
            return Survey.search_count([("campaign_id", "=", campaign.id), ("state", "=", "sent")])

        commits = []  # the invitations sent when each transaction ends
        progress = []
        remaining, calls = 1, 0
        started = time.monotonic()
        while remaining and calls < 200:
            # Each call of the job as the cron worker makes them: a time budget of zero is one batch.
            _done, remaining = Scheduler._qms_run(commit=lambda: commits.append(sent()), time_budget=0)
            calls += 1
            campaign.invalidate_recordset()
            progress.append(campaign.send_progress)
        elapsed = time.monotonic() - started
        _logger.info("%s invitations sent by the job in %.1fs (%.1fs per 1,000)", CUSTOMERS, elapsed,
                     elapsed / CUSTOMERS * 1000)
        self.assertEqual(remaining, 0)
        self.assertEqual(sent(), CUSTOMERS)
        steps = [after - before for before, after in zip([0, *commits], commits, strict=False)]
        self.assertLessEqual(max(steps), 100, "no transaction holds more than one batch of invitations")
        self.assertGreaterEqual(len([step for step in steps if step]), CUSTOMERS // 100)
        self.assertEqual(progress, sorted(progress), "the progress only goes up")
        self.assertGreater(len(set(progress)), 10, "the progress shows between the batches")
        self.assertFalse(campaign.send_queue)
        self.assertEqual(campaign.send_progress, 100.0)
        self.assertIn(f"{CUSTOMERS} of {CUSTOMERS} invitations sent", campaign.message_ids[0].body)
        self.assertEqual(self.env["mail.mail"].search_count([("recipient_ids", "in", partners[-10:].ids)]), 10)
        # Each customer has its own answer link of the survey app.
        self.assertEqual(len(campaign.survey_ids.user_input_id.mapped("access_token")), CUSTOMERS)

    def test_large_reminder_round_in_the_background(self):
        partners = self.env["res.partner"].create([
            {"name": f"Reminded customer {n}", "email": f"late{n}@mass.example"} for n in range(120)
        ])
        campaign = self._campaign(partners, date_start="2030-07-01", date_end="2030-12-31")
        campaign.action_send()  # 120 invitations: queued too
        while self.env["qms.scheduler"]._qms_run()[1]:
            pass
        self.assertEqual(set(campaign.survey_ids.mapped("state")), {"sent"})
        campaign.action_remind()
        self.assertEqual(campaign.send_queue, "remind")
        self.assertEqual(set(campaign.survey_ids.mapped("reminder_count")), {0})
        self.env["qms.scheduler"]._qms_run(batch_size=50, time_budget=0)
        self.assertEqual(sorted(campaign.survey_ids.mapped("reminder_count")).count(1), 50)
        while self.env["qms.scheduler"]._qms_run()[1]:
            pass
        self.assertEqual(set(campaign.survey_ids.mapped("reminder_count")), {1}, "each reminded once")
        self.assertFalse(campaign.send_queue)
        self.assertIn("Reminders sent: 120.", campaign.message_ids[0].body)

    def test_customer_without_email_refused_before_queuing(self):
        partners = self.env["res.partner"].create([{"name": f"C{n}", "email": f"c{n}@mass.example"} for n in range(150)])
        campaign = self._campaign(partners | self.customer_no_email, date_start="2030-07-01", date_end="2030-12-31")
        with self.assertRaisesRegex(UserError, "Gamma Gears"):
            campaign.action_send()
        self.assertFalse(campaign.send_queue)
        self.assertEqual(campaign.state, "draft")
