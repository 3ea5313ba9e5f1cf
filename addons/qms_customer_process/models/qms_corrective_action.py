from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError


class QmsCorrectiveAction(models.Model):
    _name = "qms.corrective.action"
    _description = "Corrective Action"
    _inherit = ["qms.workflow.mixin", "mail.thread", "mail.activity.mixin"]
    _order = "due_date, id"
    _qms_transition_fields = (
        "state", "implemented_on", "verified_by_id", "verified_on", "effective", "satisfaction_survey_id",
    )
    _check_company_auto = True

    name = fields.Char(string="Reference", required=True, readonly=True, copy=False, default="/")
    description = fields.Text(required=True, tracking=True)
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company,
    )
    department_id = fields.Many2one(
        "qms.review.role", string="Responsible Department", tracking=True, index=True, check_company=True,
    )
    user_id = fields.Many2one(
        "res.users", string="Owner", required=True, tracking=True, index=True,
        default=lambda self: self.env.user,
    )
    due_date = fields.Date(required=True, tracking=True, index=True)
    state = fields.Selection(
        [
            ("open", "Open"),
            ("done", "Implemented"),
            ("verified", "Verified"),
            ("cancel", "Cancelled"),
        ],
        default="open",
        required=True,
        tracking=True,
        index=True,
        copy=False,
    )
    implementation_note = fields.Text(tracking=True, copy=False)
    implemented_on = fields.Date(readonly=True, copy=False)
    verified_by_id = fields.Many2one("res.users", string="Verified By", readonly=True, copy=False)
    verified_on = fields.Date(readonly=True, copy=False)
    effective = fields.Selection(
        [("effective", "Effective"), ("not_effective", "Not effective")],
        string="Effectiveness", readonly=True, copy=False, tracking=True,
    )
    verification_note = fields.Text(copy=False, tracking=True)
    is_overdue = fields.Boolean(compute="_compute_is_overdue", search="_search_is_overdue")
    satisfaction_survey_id = fields.Many2one(
        "qms.satisfaction.survey", string="Satisfaction Survey", index="btree_not_null", readonly=True,
        ondelete="set null", copy=False, check_company=True,
        help="The dissatisfied customer's survey this action follows up (procedure 5.9.4).",
    )
    cause_analysis = fields.Text(
        tracking=True, copy=False,
        help="The responsible department's analysis of the causes of the dissatisfied item.",
    )
    complaint_id = fields.Many2one(
        "qms.customer.complaint", string="Complaint", index="btree_not_null", ondelete="restrict", tracking=True,
        check_company=True,
    )
    investigation_id = fields.Many2one(
        "qms.quality.investigation", string="Quality Investigation", index="btree_not_null", ondelete="restrict",
        tracking=True, check_company=True,
    )

    @api.onchange("investigation_id")
    def _onchange_investigation_id(self):
        if self.investigation_id.complaint_id and not self.complaint_id:
            self.complaint_id = self.investigation_id.complaint_id

    @api.depends("due_date", "state")
    def _compute_is_overdue(self):
        today = fields.Date.context_today(self)
        for action in self:
            action.is_overdue = action.state == "open" and action.due_date and action.due_date < today

    def _search_is_overdue(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise UserError(self.env._("Unsupported search on overdue actions."))
        domain = [("state", "=", "open"), ("due_date", "<", fields.Date.context_today(self))]
        if (operator == "=") == value:
            return domain
        return ["!", "&", *domain]

    @api.constrains("due_date")
    def _check_due_date(self):
        for action in self:
            if action.due_date and action.create_date and action.due_date < action.create_date.date():
                raise ValidationError(self.env._("The due date of a corrective action cannot be before its creation."))

    @api.model_create_multi
    def create(self, vals_list):
        today = fields.Date.context_today(self)
        for vals in vals_list:
            self._qms_check_values(vals)
            if vals.get("due_date") and fields.Date.to_date(vals["due_date"]) < today:
                raise ValidationError(self.env._("The due date of a new corrective action cannot be in the past."))
            if vals.get("name", "/") == "/":
                vals["name"] = self.env["ir.sequence"].next_by_code("qms.corrective.action") or "/"
        actions = super().create(vals_list)
        for action in actions.filtered(lambda a: a.state == "open"):
            action.activity_schedule(
                "mail.mail_activity_data_todo",
                date_deadline=action.due_date,
                user_id=action.user_id.id,
                summary=action._qms_in_lang(action.user_id).env._("Corrective action %s", action.name),
                note=action.description,
            )
        return actions

    @api.ondelete(at_uninstall=False)
    def _unlink_except_record(self):
        if any(action.state != "open" or action.implementation_note for action in self):
            raise UserError(self.env._("A corrective action that was worked on is a record: cancel it instead of deleting it."))

    def action_done(self):
        for action in self:
            if action.state != "open":
                raise UserError(self.env._("Only an open corrective action can be marked implemented."))
            if not (action.implementation_note or "").strip():
                raise UserError(self.env._("Describe what was implemented for %s.", action.name))
            if action.satisfaction_survey_id and not (action.cause_analysis or "").strip():
                raise UserError(self.env._("Give the cause analysis of the dissatisfied item of %s.", action.name))
            if not self.env.su and self.env.user != action.user_id \
                    and not self.env.user.has_group("qms_customer_process.group_qms_quality"):
                raise AccessError(self.env._("Only the owner of %s, or quality, marks it implemented.", action.name))
        self._qms_write_transition({"state": "done", "implemented_on": fields.Date.context_today(self)})
        self.activity_feedback(["mail.mail_activity_data_todo"])
        return True

    def action_verify(self, effective=True, note=None):
        """Verify an implemented action: ``effective`` is True or "effective", False or
        "not_effective"; not effective reopens the action for its owner."""
        # Exactly a boolean or one of the two selection values: 1, "yes" or "no" are refused.
        if effective is True or effective == "effective":
            effective = True
        elif effective is False or effective == "not_effective":
            effective = False
        else:
            raise UserError(self.env._(
                "The verification of a corrective action is effective or not effective, not %r.", effective,
            ))
        self._qms_check_text(note, self.env._("The verification note of a corrective action"))
        for action in self:
            if not action._qms_can_verify():
                raise AccessError(self.env._(
                    "You are not allowed to verify %s: quality verifies it (sales for a satisfaction follow-up), "
                    "never its owner.", action.name,
                ))
            if action.state != "done":
                raise UserError(self.env._("Only an implemented corrective action can be verified."))
            if not effective and not (note or action.verification_note or "").strip():
                raise UserError(self.env._("Say why %s is not effective.", action.name))
        vals = {
            "verified_by_id": self.env.user.id,
            "verified_on": fields.Date.context_today(self),
            "effective": "effective" if effective else "not_effective",
            "state": "verified" if effective else "open",
        }
        if note:
            vals["verification_note"] = note
        self._qms_write_transition(vals)
        if not effective:
            for action in self:
                action.activity_schedule(
                    "mail.mail_activity_data_todo",
                    user_id=action.user_id.id,
                    summary=action._qms_in_lang(action.user_id).env._("Corrective action %s was not effective", action.name),
                    note=action.verification_note,
                )
        return True

    def action_verify_not_effective(self):
        return self.action_verify(effective=False)

    def action_cancel(self):
        self._qms_check_role(["qms_customer_process.group_qms_quality"], self.env._("Only quality cancels a corrective action."))
        if any(action.state in ("verified", "cancel") for action in self):
            raise UserError(self.env._("A verified or cancelled corrective action cannot be cancelled."))
        self._qms_write_transition({"state": "cancel"})
        return True

    def _qms_can_verify(self):
        """Who verifies: quality, and never the owner who implemented it. Extended by the
        sources of actions (e.g. sales verify the follow-up of dissatisfied customers)."""
        self.ensure_one()
        if self.env.user == self.user_id:
            return False
        if self.env.su:
            return True
        if self.satisfaction_survey_id:
            # Procedure 5.9.4: the sales department checks the improvement of a dissatisfied item.
            return self.env.user.has_group("sales_team.group_sale_salesman")
        return self.env.user.has_group("qms_customer_process.group_qms_quality")
