from contextlib import contextmanager
from datetime import datetime, timedelta

from freezegun import freeze_time

from odoo import Command, fields
from odoo.tests import new_test_user

from .satisfaction_common import SatisfactionCase

# A Monday: the job runs on a 5-day working calendar (Monday to Friday, 8:00-12:00 and
# 13:00-17:00, UTC), so weekends are not working days.
MONDAY = datetime(2030, 3, 4, 9, 0)


def five_day_calendar(env, name, tz="UTC", **vals):
    """Monday to Friday, 8:00-12:00 and 13:00-17:00 in ``tz``."""
    return env["resource.calendar"].create({
        "name": name, "tz": tz,
        "attendance_ids": [Command.clear()] + [
            Command.create({"name": f"{day} {start}", "dayofweek": str(day), "hour_from": start, "hour_to": end,
                            "day_period": "morning" if start < 12 else "afternoon"})
            for day in range(5) for start, end in ((8, 12), (13, 17))
        ],
        **vals,
    })


class FollowupCase(SatisfactionCase):
    """The company works Monday to Friday (a 5-day calendar in UTC); the users the job tells."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.calendar = five_day_calendar(cls.env, "QMS 5-day week")
        cls.company.write({
            "resource_calendar_id": cls.calendar.id,
            "qms_review_reminder_days": 2,
            "qms_review_escalation_days": 5,
            "qms_action_escalation_days": 3,
            "qms_commitment_warning_days": 30,
            "qms_release_held_orders": True,
        })
        cls.team_leader = new_test_user(cls.env, login="qms_t_team_leader", groups="sales_team.group_sale_manager",
                                        name="Tina Team Leader")
        cls.team = cls.env["crm.team"].create({"name": "QMS Export Sales", "user_id": cls.team_leader.id})
        cls.production_manager = new_test_user(
            cls.env, login="qms_t_production_manager", name="Paul Production Manager",
            groups="base.group_user,qms_customer_process.group_qms_production",
        )
        cls.roles["production"].manager_id = cls.production_manager
        cls.quality = cls.reviewers["quality"]
        cls.Scheduler = cls.env["qms.scheduler"]
        cls.Log = cls.env["qms.followup.log"]
        # The database's demo records are long overdue by then: their follow-ups are sent once here,
        # before the tests' own records exist.
        with freeze_time(MONDAY - timedelta(days=3)):
            cls.Scheduler._qms_run()

    @contextmanager
    def at(self, moment):
        """Freeze the clock at ``moment`` (a datetime, UTC) and forget cached computations."""
        with freeze_time(moment):
            self.env.invalidate_all()
            yield
            self.env.flush_all()

    def run_job(self):
        return self.Scheduler._qms_run()

    def set_create_date(self, records, moment):
        """The row's creation time (the database's clock, which freezegun does not move)."""
        records.flush_recordset()
        self.env.cr.execute(
            f"UPDATE {records._table} SET create_date = %s WHERE id IN %s", [moment, tuple(records.ids)],  # noqa: S608
        )
        records.invalidate_recordset(["create_date"])

    def activities(self, record, user=None):
        domain = [("res_model", "=", record._name), ("res_id", "=", record.id)]
        if user:
            domain.append(("user_id", "=", user.id))
        return self.env["mail.activity"].search(domain)

    def notified(self, record, partner):
        """Messages of ``record`` that notify ``partner``."""
        return record.message_ids.filtered(lambda message: partner in message.partner_ids)

    def logs(self, rule=None, records=None):
        """The follow-ups sent (of ``rule``, about ``records``): the database's demo records, late
        too by then, get theirs as well."""
        domain = [("rule", "=", rule)] if rule else []
        if records is not None:
            domain += [("res_model", "=", records._name), ("res_id", "in", records.ids)]
        return self.Log.search(domain)

    def special_order_in_review(self):
        order = self._special_order(team_id=self.team.id)
        order.action_qms_request_review()
        self.set_create_date(order.qms_review_line_ids, fields.Datetime.now())
        return order

    def complaint(self, **vals):
        values = {
            "subject": "Motors noisy at 3000 rpm", "partner_id": self.customer.id, "product_id": self.product_std.id,
            "severity": "minor", "department_id": self.roles["production"].id, "user_id": self.salesman.id,
        }
        values.update(vals)
        return self.env["qms.customer.complaint"].with_user(self.salesman).create(values)

    def commitment(self, date_from, date_to, **vals):
        commitment = self.env["qms.capability.commitment"].with_user(self.qms_admin).create({
            "name": f"Capability {date_from}", "date_from": date_from, "date_to": date_to,
            "product_tmpl_ids": [Command.set(self.product_std.product_tmpl_id.ids)], **vals,
        })
        self._approve_commitment(commitment)
        return commitment
