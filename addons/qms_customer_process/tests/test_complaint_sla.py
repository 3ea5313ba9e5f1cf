from datetime import datetime, timedelta

from odoo.exceptions import AccessError
from odoo.tests import tagged

from .followup_common import MONDAY, FollowupCase, five_day_calendar

FRIDAY = MONDAY - timedelta(days=3)  # Friday 2030-03-01, 9:00 UTC


@tagged("post_install", "-at_install")
class TestComplaintWorkingTime(FollowupCase):
    def test_deadlines_over_a_weekend_on_a_five_day_calendar(self):
        with self.at(FRIDAY + timedelta(hours=6)):  # Friday 15:00
            complaint = self.complaint(severity="critical")  # 4 working hours, 2 and 10 working days
        # Friday 15:00-17:00, then Monday 8:00-10:00.
        self.assertEqual(complaint.date_acknowledge_deadline, datetime(2030, 3, 4, 10, 0))
        # The end of the second working day after Friday: Tuesday 17:00.
        self.assertEqual(complaint.date_response_deadline, datetime(2030, 3, 5, 17, 0))
        # Ten working days: the Friday after next, 17:00.
        self.assertEqual(complaint.date_close_deadline, datetime(2030, 3, 15, 17, 0))
        with self.at(datetime(2030, 3, 3, 12, 0)):  # Sunday: not overdue yet
            self.assertFalse(complaint.is_acknowledge_overdue)

    def test_public_holiday_is_not_a_working_day(self):
        self.env["resource.calendar.leaves"].create({
            "name": "Qingming", "calendar_id": self.calendar.id,
            "date_from": datetime(2030, 3, 4, 0, 0), "date_to": datetime(2030, 3, 4, 23, 59),
        })
        with self.at(FRIDAY + timedelta(hours=6)):
            complaint = self.complaint(severity="critical")
        self.assertEqual(complaint.date_acknowledge_deadline, datetime(2030, 3, 5, 10, 0))
        self.assertEqual(complaint.date_response_deadline, datetime(2030, 3, 6, 17, 0))

    def test_calendar_time_without_a_working_calendar(self):
        self.company.resource_calendar_id = False
        with self.at(FRIDAY):
            complaint = self.complaint(severity="critical")
        self.assertEqual(complaint.date_acknowledge_deadline, FRIDAY + timedelta(hours=4))
        self.assertEqual(complaint.date_response_deadline, FRIDAY + timedelta(days=2))
        self.assertEqual(complaint.date_close_deadline, FRIDAY + timedelta(days=10))

    def test_calendar_of_the_complaints_company(self):
        other = self.env["res.company"].create({"name": "QMS Night Shift Co."})
        night = five_day_calendar(self.env, "Shanghai office", tz="Asia/Shanghai", company_id=other.id)
        other.resource_calendar_id = night
        self.assertNotEqual(other._qms_plan_work(FRIDAY, hours=4), self.company._qms_plan_work(FRIDAY, hours=4))
        # Shanghai's 8:00-12:00 is 0:00-4:00 UTC: Friday 9:00 UTC is 17:00 there, after work.
        self.assertEqual(other._qms_plan_work(FRIDAY, hours=4), datetime(2030, 3, 4, 4, 0))


@tagged("post_install", "-at_install")
class TestComplaintOnTimeFacts(FollowupCase):
    def _handle(self, complaint, acknowledge_at, propose_at, accept_at, close_at):
        with self.at(acknowledge_at):
            complaint.with_user(self.salesman).action_acknowledge()
        with self.at(propose_at):
            complaint.write({"solution": "replace"})
            complaint.with_user(self.salesman).action_propose()
        with self.at(accept_at):
            complaint.with_user(self.salesman).action_customer_accept()
        with self.at(close_at):
            complaint.write({"closure_note": "Replacement checked at the customer."})
            complaint.with_user(self.quality).action_close()

    def test_facts_stored_on_time_and_late(self):
        with self.at(MONDAY):
            on_time = self.complaint(severity="minor")  # 16 working hours, 10 and 20 working days
            late = self.complaint(severity="minor", partner_id=self.other_customer().id)
        self.assertFalse(on_time.acknowledge_sla or on_time.response_sla or on_time.closure_sla)
        self._handle(on_time, MONDAY + timedelta(hours=2), MONDAY + timedelta(days=3), MONDAY + timedelta(days=4),
                     MONDAY + timedelta(days=10))
        self._handle(late, MONDAY + timedelta(days=3), MONDAY + timedelta(days=20), MONDAY + timedelta(days=21),
                     MONDAY + timedelta(days=40))
        self.assertEqual((on_time.acknowledge_sla, on_time.response_sla, on_time.closure_sla),
                         ("on_time", "on_time", "on_time"))
        self.assertEqual((late.acknowledge_sla, late.response_sla, late.closure_sla), ("late", "late", "late"))
        # The facts stay when the status moves on, and nobody writes them by hand.
        self.assertEqual(on_time.state, "closed")
        with self.assertRaisesRegex(AccessError, "set by its workflow actions"):
            late.with_user(self.quality).write({"closure_sla": "on_time"})
        self.assertEqual(late.closure_sla, "late")

    def test_first_answer_counts(self):
        with self.at(MONDAY):
            complaint = self.complaint(severity="minor")
        with self.at(MONDAY + timedelta(days=1)):
            complaint.with_user(self.salesman).action_acknowledge()
            complaint.write({"solution": "replace"})
            complaint.with_user(self.salesman).action_propose()
            complaint.write({"customer_feedback": "We want a credit note."})
            complaint.with_user(self.salesman).action_customer_refuse()
        with self.at(MONDAY + timedelta(days=30)):
            complaint.write({"solution": "credit"})
            complaint.with_user(self.salesman).action_propose()
        self.assertEqual(complaint.response_sla, "on_time", "the customer was answered in time the first time")

    def test_rejection_answers_and_ends(self):
        with self.at(MONDAY):
            complaint = self.complaint(severity="critical")
        with self.at(MONDAY + timedelta(hours=1)):
            complaint.write({"reject_reason": "Not our product."})
            complaint.with_user(self.quality).action_reject()
        self.assertEqual((complaint.acknowledge_sla, complaint.response_sla, complaint.closure_sla),
                         ("on_time", "on_time", "on_time"))

    def other_customer(self):
        return self.env["res.partner"].create({"name": "Harbin Fans Ltd.", "email": "qa@fans.example"})

    def test_on_time_share_per_month_customer_and_severity(self):
        Report = self.env["qms.complaint.sla.report"]
        other = self.other_customer()
        with self.at(MONDAY):
            fast = self.complaint(severity="minor")
            slow = self.complaint(severity="major", partner_id=other.id)
            waiting = self.complaint(severity="critical")  # never acknowledged
        self._handle(fast, MONDAY + timedelta(hours=1), MONDAY + timedelta(days=1), MONDAY + timedelta(days=2),
                     MONDAY + timedelta(days=3))
        with self.at(MONDAY + timedelta(days=6)):
            slow.with_user(self.salesman).action_acknowledge()  # late: 8 working hours
            self.assertFalse(waiting.acknowledge_sla)
        with self.at(MONDAY + timedelta(days=6, hours=1)):
            # The job records the deadlines the waiting complaint missed, as it escalates them.
            self.run_job()
            self.assertEqual((waiting.acknowledge_sla, waiting.response_sla), ("late", "late"))
            self.env.flush_all()
            rows = Report.search([("complaint_id", "in", (fast | slow | waiting).ids)])
            by_key = {(row.complaint_id, row.stage): row.sla_state for row in rows}
            self.assertEqual(by_key, {
                (fast, "acknowledge"): "on_time", (fast, "respond"): "on_time", (fast, "close"): "on_time",
                (slow, "acknowledge"): "late",  # responding and closing are not due yet
                (waiting, "acknowledge"): "late", (waiting, "respond"): "late",  # missed, still to do
            })
            domain = [("complaint_id", "in", (fast | slow | waiting).ids)]
            per_severity = dict(Report._read_group(domain, ["severity"], ["on_time_rate:avg"]))
            self.assertEqual(per_severity, {"minor": 100.0, "major": 0.0, "critical": 0.0})
            per_customer = dict(Report._read_group(domain, ["partner_id"], ["on_time_rate:avg"]))
            self.assertEqual(per_customer, {self.customer: 60.0, other: 0.0})
            per_month = Report._read_group(domain, ["date_received:month"], ["on_time_rate:avg", "__count"])
            self.assertEqual([(rate, count) for _month, rate, count in per_month], [(50.0, 6)])
        # Quality and sales managers read it; a salesperson does not.
        self.assertTrue(Report.with_user(self.quality).search_count(domain))
        self.assertTrue(Report.with_user(self.sales_manager).search_count(domain))
        with self.assertRaises(AccessError):
            Report.with_user(self.salesman).search_count(domain)
