from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError

ROOT_CAUSE_CATEGORIES = [
    ("man", "Man"),
    ("machine", "Machine"),
    ("material", "Material"),
    ("method", "Method"),
    ("measurement", "Measurement"),
    ("environment", "Environment"),
]


class QmsQualityInvestigation(models.Model):
    _name = "qms.quality.investigation"
    _description = "Quality Investigation (8D)"
    _inherit = ["qms.workflow.mixin", "mail.thread", "mail.activity.mixin"]
    _order = "id desc"
    # partner_id and severity mirror the complaint
    _qms_transition_fields = ("state", "date_closed", "closed_by_id", "partner_id", "severity")
    _check_company_auto = True

    name = fields.Char(string="Number", required=True, readonly=True, copy=False, default="/")
    complaint_id = fields.Many2one(
        "qms.customer.complaint", string="Complaint", index=True, ondelete="restrict", tracking=True,
        check_company=True,
    )
    partner_id = fields.Many2one(related="complaint_id.partner_id", store=True, string="Customer")
    product_id = fields.Many2one(
        "product.product", compute="_compute_product_id", store=True, readonly=False, precompute=True,
        check_company=True,
    )
    severity = fields.Selection(related="complaint_id.severity", store=True)
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company,
    )
    state = fields.Selection(
        [
            ("draft", "New"),
            ("analysis", "Root-Cause Analysis"),
            ("action", "Corrective Actions"),
            ("verification", "Verification"),
            ("closed", "Closed"),
            ("cancel", "Cancelled"),
        ],
        string="Status", default="draft", required=True, tracking=True, index=True, copy=False,
    )
    # D1 team
    user_id = fields.Many2one(
        "res.users", string="Team Leader", required=True, tracking=True, index=True,
        default=lambda self: self.env.user,
    )
    department_id = fields.Many2one(
        "qms.review.role", string="Responsible Department", tracking=True, index=True, check_company=True,
    )
    team_ids = fields.Many2many("res.users", string="Team Members")
    # D2 problem (5W2H)
    problem_description = fields.Text(tracking=True)
    what = fields.Text()
    why = fields.Text()
    where = fields.Text()
    when = fields.Text()
    who = fields.Text()
    how = fields.Text()
    how_many = fields.Text()
    # D3 containment
    containment_action = fields.Text(tracking=True)
    # D4 root cause
    root_cause_category = fields.Selection(ROOT_CAUSE_CATEGORIES, string="Root-Cause Category", tracking=True)
    why_analysis = fields.Text(string="Why-Why Analysis", help="Ask why until the root cause is reached, one answer per line.")
    root_cause = fields.Text(tracking=True)
    # D5-D7
    corrective_action_ids = fields.One2many("qms.corrective.action", "investigation_id", string="Corrective Actions")
    implementation_note = fields.Text(string="Implementation", tracking=True)
    verification_note = fields.Text(string="Verification of Effectiveness", tracking=True)
    prevention_note = fields.Text(
        string="Prevention of Recurrence", tracking=True,
        help="The documents, work instructions and standards updated so that the problem does not recur.",
    )
    # D8 closure
    closure_note = fields.Text(string="Closure and Team Recognition")
    date_closed = fields.Date(string="Closed On", readonly=True, copy=False)
    closed_by_id = fields.Many2one("res.users", string="Closed By", readonly=True, copy=False)

    @api.depends("complaint_id")
    def _compute_product_id(self):
        for investigation in self:
            investigation.product_id = investigation.complaint_id.product_id or investigation.product_id

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self._qms_check_values(vals)
            if vals.get("name", "/") == "/":
                vals["name"] = self.env["ir.sequence"].next_by_code("qms.quality.investigation") or "/"
        investigations = super().create(vals_list)
        for investigation in investigations.filtered(lambda inv: inv.state not in ("closed", "cancel")):
            investigation.activity_schedule(
                "mail.mail_activity_data_todo",
                user_id=investigation.user_id.id,
                summary=investigation._qms_in_lang(investigation.user_id).env._(
                    "Quality investigation %s", investigation.name),
            )
        return investigations

    @api.ondelete(at_uninstall=False)
    def _unlink_except_worked_on(self):
        if any(investigation.state != "draft" for investigation in self):
            raise UserError(self.env._("A quality investigation that was worked on is a record: cancel it instead."))

    def _qms_check_can_manage(self):
        if self.env.su:
            return
        for investigation in self:
            if self.env.user != investigation.user_id and not self.env.user.has_group("qms_customer_process.group_qms_quality"):
                raise AccessError(self.env._("Only the team leader of %s, or quality, moves it on.", investigation.name))

    def _qms_check_quality(self, message):
        self._qms_check_role(["qms_customer_process.group_qms_quality"], message)

    def action_start_analysis(self):
        self._qms_check_can_manage()
        for investigation in self:
            if investigation.state != "draft":
                raise UserError(self.env._("%s is not open.", investigation.name))
            if not (investigation.problem_description or "").strip():
                raise UserError(self.env._("Describe the problem (5W2H) of %s first.", investigation.name))
        self._qms_write_transition({"state": "analysis"})
        return True

    def action_to_actions(self):
        self._qms_check_can_manage()
        for investigation in self:
            if investigation.state != "analysis":
                raise UserError(self.env._("%s is not in root-cause analysis.", investigation.name))
            if not investigation.root_cause_category or not (investigation.root_cause or "").strip():
                raise UserError(self.env._("Give the root cause and its category (man, machine, material, method, "
                                           "measurement, environment) of %s.", investigation.name))
        self._qms_write_transition({"state": "action"})
        return True

    def action_to_verification(self):
        self._qms_check_can_manage()
        for investigation in self:
            if investigation.state != "action":
                raise UserError(self.env._("%s has no corrective actions under way.", investigation.name))
            if not investigation.corrective_action_ids.filtered(lambda action: action.state != "cancel"):
                raise UserError(self.env._("Plan at least one corrective action for %s.", investigation.name))
            if not (investigation.implementation_note or "").strip():
                raise UserError(self.env._("Describe how the corrective actions of %s were implemented.", investigation.name))
        self._qms_write_transition({"state": "verification"})
        return True

    def action_close(self):
        self._qms_check_quality(self.env._("Only quality closes a quality investigation."))
        for investigation in self:
            if investigation.state != "verification":
                raise UserError(self.env._("%s is not under verification.", investigation.name))
            if investigation.corrective_action_ids.filtered(lambda action: action.state not in ("verified", "cancel")):
                raise UserError(self.env._("Every corrective action of %s must be verified effective first.",
                                           investigation.name))
            if not (investigation.verification_note or "").strip():
                raise UserError(self.env._("Record the verification of effectiveness of %s.", investigation.name))
            if not (investigation.prevention_note or "").strip():
                raise UserError(self.env._("Record which documents and standards were updated to prevent the "
                                           "recurrence of %s.", investigation.name))
        self._qms_write_transition({
            "state": "closed", "date_closed": fields.Date.context_today(self), "closed_by_id": self.env.user.id,
        })
        # sudo: the team leader's to-dos are closed by quality, who closes the investigation.
        self.sudo().activity_feedback(["mail.mail_activity_data_todo"])
        return True

    def action_cancel(self):
        self._qms_check_quality(self.env._("Only quality cancels a quality investigation."))
        if any(investigation.state in ("closed", "cancel") for investigation in self):
            raise UserError(self.env._("A closed or cancelled quality investigation cannot be cancelled."))
        self._qms_write_transition({"state": "cancel"})
        # sudo: see action_close
        self.sudo().activity_unlink(["mail.mail_activity_data_todo"])
        return True

    def action_new_corrective_action(self):
        self._qms_ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("New Corrective Action: %s", self.name),
            "res_model": "qms.corrective.action",
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "new",
            "context": {
                "default_investigation_id": self.id,
                "default_complaint_id": self.complaint_id.id,
                "default_department_id": self.department_id.id,
                "default_company_id": self.company_id.id,
            },
        }
