from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError


class QmsCapabilityReviewLine(models.Model):
    """One department head's countersign of the yearly initial review (初始评审, procedure 4.3.2).

    A dedicated line rather than a ``qms.contract.review.line``: a contract review line belongs to
    an order's revision, opens in the sequence of the review rules, locks the order, moves its gate
    and its deliveries, and is read through the order's record rules; a countersign only records a
    department's opinion and signature on a commitment. Sharing the model would put a second parent
    in every one of those paths."""

    _name = "qms.capability.review.line"
    _description = "Initial Review Countersign"
    _inherit = ["qms.workflow.mixin", "mail.thread", "mail.activity.mixin"]
    _order = "commitment_id, review_round desc, sequence, id"
    _qms_transition_fields = (
        "commitment_id", "role_id", "review_round", "sequence", "decision", "signed_by_id", "signed_on",
        "company_id",  # the commitment's
    )
    _rec_names_search = ["commitment_id", "role_id"]
    _check_company_auto = True

    commitment_id = fields.Many2one(
        "qms.capability.commitment", string="Capability Commitment", required=True, ondelete="cascade",
        index=True, copy=False,
    )
    company_id = fields.Many2one(related="commitment_id.company_id", store=True, index=True)
    role_id = fields.Many2one(
        "qms.review.role", string="Department", required=True, ondelete="restrict", index=True, copy=False,
        check_company=True,
    )
    review_round = fields.Integer(string="Round", required=True, readonly=True, default=1, copy=False)
    sequence = fields.Integer(readonly=True, default=10, copy=False)
    opinion = fields.Text(
        help="The department's analysis of its part of the capability; required to refuse the countersign.",
    )
    decision = fields.Selection(
        [("pending", "Pending"), ("countersigned", "Countersigned"), ("refused", "Refused")],
        required=True, default="pending", readonly=True, index=True, copy=False, tracking=True,
    )
    signed_by_id = fields.Many2one("res.users", string="Signed By", readonly=True, copy=False)
    signed_on = fields.Datetime(readonly=True, copy=False)
    is_current = fields.Boolean(string="Open Round", compute="_compute_is_current")
    can_sign = fields.Boolean(compute="_compute_can_sign")
    is_my_department = fields.Boolean(
        string="My Department", compute="_compute_can_sign", search="_search_is_my_department",
    )

    @api.depends("commitment_id.name", "role_id.name", "review_round")
    def _compute_display_name(self):
        for line in self:
            line.display_name = self.env._(
                "%(commitment)s – %(department)s (round %(round)s)",
                commitment=line.commitment_id.name, department=line.role_id.name, round=line.review_round,
            )

    @api.depends("review_round", "commitment_id.review_round", "commitment_id.state")
    def _compute_is_current(self):
        for line in self:
            commitment = line.commitment_id
            line.is_current = line.review_round == commitment.review_round and commitment.state == "submitted"

    @api.depends_context("uid")
    @api.depends("decision", "is_current", "role_id.group_id")
    def _compute_can_sign(self):
        user_groups = self.env.user.groups_id
        for line in self:
            line.is_my_department = line.role_id.group_id in user_groups
            line.can_sign = line.is_my_department and line.decision == "pending" and line.is_current

    def _search_is_my_department(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise UserError(self.env._("Unsupported search on my departments."))
        positive = (operator == "=") == value
        return [("role_id.group_id", "in" if positive else "not in", self.env.user.groups_id.ids)]

    @api.model_create_multi
    def create(self, vals_list):
        if not self.env.su:
            raise UserError(self.env._("Countersigns are created by submitting the initial review for countersign."))
        return super().create(vals_list)

    def write(self, vals):
        if not self.env.su:
            if any(line.decision != "pending" for line in self):
                raise UserError(self.env._("A countersign is a record: it cannot be changed."))
            user_groups = self.env.user.groups_id
            for line in self:
                if line.role_id.group_id not in user_groups:
                    raise AccessError(self.env._(
                        "Only members of %(dept)s write its opinion on the initial review.", dept=line.role_id.name,
                    ))
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_record(self):
        raise UserError(self.env._("Countersigns are records of the initial review: they cannot be deleted."))

    def action_countersign(self, opinion=None):
        """The department head countersigns the department's part of the initial review."""
        return self._qms_sign("countersigned", opinion)

    def action_refuse(self, opinion=None):
        """The department head refuses to countersign (an opinion is required): the initial review
        returns to its preparer."""
        return self._qms_sign("refused", opinion)

    def action_open_commitment(self):
        self._qms_ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "qms.capability.commitment",
            "res_id": self.commitment_id.id,
            "view_mode": "form",
            "target": "current",
        }

    def _qms_sign(self, decision, opinion):
        self._qms_check_text(opinion, self.env._("The department's opinion"))
        opinion = opinion if (opinion or "").strip() else None
        # Every line is checked before any is decided: nothing half-decided after a refusal.
        for line in self:
            line._qms_check_can_sign()
            if decision == "refused" and not (opinion or (line.opinion or "").strip()):
                raise UserError(self.env._(
                    "Give the opinion of %(dept)s to refuse the countersign of %(name)s.",
                    dept=line.role_id.name, name=line.commitment_id.name,
                ))
        for line in self:
            # First the commitment's row lock, then the checks again on what it now holds.
            line.commitment_id._qms_lock()
            line.invalidate_recordset()
            line._qms_check_can_sign()
            vals = {"decision": decision, "signed_by_id": self.env.user.id, "signed_on": fields.Datetime.now()}
            if opinion is not None:
                vals["opinion"] = opinion
            # The procedure gives the countersign of a department's part to its members, which
            # _qms_check_can_sign has just verified.
            line._qms_write_transition(vals)
            line.commitment_id._qms_after_countersign(line)
        return True

    def _qms_check_can_sign(self):
        self.ensure_one()
        if self.role_id.group_id not in self.env.user.groups_id:
            raise AccessError(self.env._(
                "Only members of %(dept)s countersign its part of the initial review.", dept=self.role_id.name,
            ))
        if self.decision != "pending":
            raise UserError(self.env._(
                "%(dept)s has already decided on %(name)s.", dept=self.role_id.name, name=self.commitment_id.name,
            ))
        commitment = self.commitment_id
        if self.review_round != commitment.review_round or commitment.state != "submitted":
            raise UserError(self.env._(
                "This countersign belongs to a round of %(name)s that is no longer open.", name=commitment.name,
            ))

    def _qms_schedule_countersign(self):
        """A to-do for each default reviewer of the line's department."""
        # sudo: the submission notifies the departments, whatever the submitter may read.
        for line in self.sudo():
            for user in line.role_id.user_ids.filtered(
                lambda user, line=line: not user.share and line.company_id in user.company_ids
            ):
                local = line._qms_in_lang(user)  # the to-do reads in the reviewer's language
                line.activity_schedule(
                    "mail.mail_activity_data_todo", user_id=user.id,
                    summary=local.env._("Countersign the initial review %(name)s: %(dept)s",
                                        name=line.commitment_id.name, dept=local.role_id.name),
                )
