from odoo import api, fields, models

FOLLOW_UP_RULES = [
    ("review_reminder", "Review line open too long: reviewers reminded"),
    ("review_escalation", "Review line open too long: escalated to the sales manager"),
    ("complaint_received", "Complaint received: customer told"),
    ("complaint_acknowledge", "Complaint not acknowledged in time: escalated"),
    ("complaint_response", "Complaint not answered in time: escalated"),
    ("complaint_closure", "Complaint not closed in time: escalated"),
    ("action_owner", "Corrective action overdue: owner reminded"),
    ("action_department", "Corrective action overdue: escalated to the department"),
    ("campaign_closed", "Campaign closed at its deadline"),
    ("commitment_expiry", "Capability commitment about to expire"),
    ("commitment_none", "No valid capability commitment"),
]


class QmsFollowupLog(models.Model):
    """What the addon sent by itself, once: which rule, about which record, to whom and when.

    The daily job (see qms.scheduler) and the customer e-mails that must go only once write a
    line here in the same transaction as the message they send; the unique key (rule, record,
    key) makes a second run, even a simultaneous one, send nothing twice. The key tells apart
    the occurrences of a rule that may happen again on the same record (a corrective action
    postponed to a new due date, the revision of a review line)."""

    _name = "qms.followup.log"
    _description = "Automatic Follow-up"
    _inherit = ["qms.workflow.mixin"]
    _order = "date desc, id desc"
    _rec_name = "summary"
    _qms_transition_fields = ("rule", "res_model", "res_id", "key", "date", "company_id", "user_ids", "summary")

    rule = fields.Selection(FOLLOW_UP_RULES, required=True, readonly=True, index=True, copy=False)
    res_model = fields.Char(string="Document Model", required=True, readonly=True, copy=False)
    res_id = fields.Many2oneReference(
        string="Document", model_field="res_model", required=True, readonly=True, copy=False,
    )
    key = fields.Char(required=True, readonly=True, default="-", copy=False)
    date = fields.Datetime(
        string="Sent On", required=True, readonly=True, default=fields.Datetime.now, index=True, copy=False,
    )
    company_id = fields.Many2one("res.company", readonly=True, index=True, copy=False)
    user_ids = fields.Many2many("res.users", string="Told", readonly=True, copy=False)
    summary = fields.Char(readonly=True, copy=False)

    _sql_constraints = [
        ("rule_record_key_uniq", "unique(rule, res_model, res_id, key)",
         "This follow-up was already sent for this record."),
    ]

    @api.model
    def _qms_sent(self, rule, records, key_by_id=None):
        """The ids of ``records`` for which ``rule`` was already sent (with the key of each record
        in ``key_by_id``, default "-"), in one query."""
        if not records:
            return set()
        logs = self.sudo().search_read(
            [("rule", "=", rule), ("res_model", "=", records._name), ("res_id", "in", records.ids)],
            ["res_id", "key"],
        )
        key_by_id = key_by_id or {}
        return {log["res_id"] for log in logs if log["key"] == key_by_id.get(log["res_id"], "-")}

    @api.model
    def _qms_record(self, rule, record, users, summary, key="-"):
        """Record that ``rule`` was sent about ``record`` to ``users``."""
        company = record.company_id if "company_id" in record._fields else self.env["res.company"]
        # sudo: the log is written only by the procedure's automatic follow-up, never by hand.
        return self.sudo().create({
            "rule": rule, "res_model": record._name, "res_id": record.id, "key": key or "-",
            "company_id": company[:1].id, "user_ids": [fields.Command.set(users.ids)], "summary": summary,
        })

    def action_open_document(self):
        self._qms_ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": self.res_model,
            "res_id": self.res_id,
            "view_mode": "form",
        }
