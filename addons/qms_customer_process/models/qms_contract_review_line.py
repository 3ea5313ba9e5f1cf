from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError

from .qms_review_role import GM_CODE


class QmsContractReviewLine(models.Model):
    _name = "qms.contract.review.line"
    _description = "Contract Review Line"
    _inherit = ["qms.workflow.mixin", "mail.thread", "mail.activity.mixin"]
    _order = "order_id, revision desc, sequence, id"
    _qms_transition_fields = (
        "order_id", "role_id", "revision", "sequence", "topics", "reviewer_id", "decision", "decided_on",
        "carried_from_id",
        "company_id",  # the order's
        "is_current",  # the order's revision
        "review_status",  # follows the decisions and the order's review
    )
    _rec_names_search = ["order_id", "role_id"]
    _check_company_auto = True

    order_id = fields.Many2one(
        "sale.order", string="Order", required=True, ondelete="cascade", index=True, copy=False,
    )
    company_id = fields.Many2one(related="order_id.company_id", store=True, index=True)
    partner_id = fields.Many2one(related="order_id.partner_id", string="Customer")
    role_id = fields.Many2one(
        "qms.review.role", string="Department", required=True, ondelete="restrict", index=True, copy=False,
        check_company=True,
    )
    revision = fields.Integer(required=True, readonly=True, default=1, copy=False)
    sequence = fields.Integer(readonly=True, default=10, copy=False)
    topics = fields.Text(
        readonly=True, translate=True, copy=False, help="The department's review topics when the review was requested.",
    )
    reviewer_id = fields.Many2one(
        "res.users", string="Reviewer", readonly=True, copy=False,
        help="Who decided this line (before the decision: the department's first default reviewer).",
    )
    decision = fields.Selection(
        [
            ("pending", "Pending"),
            ("accepted", "Accepted"),
            ("conditional", "Accepted with conditions"),
            ("rejected", "Rejected"),
        ],
        required=True,
        default="pending",
        readonly=True,
        index=True,
        copy=False,
    )
    conditions = fields.Text(help="Conditions of an acceptance, or the measures the company must take.")
    comment = fields.Text(help="The department's opinion; required to reject.")
    decided_on = fields.Datetime(readonly=True, copy=False)
    carried_from_id = fields.Many2one(
        "qms.contract.review.line", string="Carried Over From", readonly=True, copy=False, index="btree_not_null",
        ondelete="restrict",
        help="The line of the previous revision whose decision this line carries over: no term the department "
        "reviews changed since (procedure 4.5/4.7).",
    )
    carried_note = fields.Char(string="Carried Over", compute="_compute_carried_note")
    is_current = fields.Boolean(
        string="Current Revision", compute="_compute_is_current", store=True, index=True,
        help="The line belongs to the order's current review revision (stored: the Department Reviews list opens "
             "filtered on it).",
    )
    is_open = fields.Boolean(
        string="Open for Decision", compute="_compute_is_open",
        help="Pending, current, and every line before it in sequence is accepted.",
    )
    can_decide = fields.Boolean(compute="_compute_is_open")
    is_my_department = fields.Boolean(
        string="My Department", compute="_compute_is_my_department", search="_search_is_my_department",
    )
    review_status = fields.Selection(
        [
            ("waiting", "Waiting"),
            ("pending", "Pending"),
            ("accepted", "Accepted"),
            ("conditional", "Accepted with conditions"),
            ("rejected", "Rejected"),
            ("not_decided", "Not Decided"),
        ],
        string="Status", compute="_compute_review_status", store=True, index=True,
        help="Waiting: the line opens after the departments before it (and, for the general manager of a special "
        "contract, the organiser's conclusion). Not Decided: its review revision ended before the department decided.",
    )
    # What the department reviews, as the reviewer sees it without sales rights (related
    # fields are read as superuser; the order lines are readable by reviewers' record rule).
    contract_type = fields.Selection(related="order_id.qms_contract_type", string="Contract Type")
    special_reason = fields.Text(related="order_id.qms_special_reason", string="Why Special")
    commitment_date = fields.Datetime(related="order_id.commitment_date", string="Delivery Date")
    expected_date = fields.Datetime(related="order_id.expected_date", string="Expected Date")
    payment_term_id = fields.Many2one(related="order_id.payment_term_id", string="Payment Terms")
    currency_id = fields.Many2one(related="order_id.currency_id", string="Currency")
    amount_total = fields.Monetary(related="order_id.amount_total", string="Total", currency_field="currency_id")
    order_line_ids = fields.One2many(related="order_id.order_line", string="Products")
    requirement_ids = fields.One2many(related="order_id.qms_requirement_ids", string="Customer Requirements")

    @api.depends("order_id.name", "role_id.name", "revision")
    def _compute_display_name(self):
        for line in self:
            line.display_name = self.env._(
                "%(order)s – %(department)s (revision %(revision)s)",
                order=line.order_id.name, department=line.role_id.name, revision=line.revision,
            )

    @api.depends("revision", "order_id.qms_review_revision")
    def _compute_is_current(self):
        for line in self:
            line.is_current = line.revision == line.order_id.qms_review_revision

    @api.depends("carried_from_id.revision")
    def _compute_carried_note(self):
        for line in self:
            line.carried_note = self.env._(
                "Carried over from revision %s", line.carried_from_id.revision,
            ) if line.carried_from_id else False

    @api.depends_context("uid")
    def _compute_is_my_department(self):
        user_groups = self.env.user.groups_id
        for line in self:
            line.is_my_department = line.role_id.group_id in user_groups

    def _search_is_my_department(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise UserError(self.env._("Unsupported search on my departments."))
        positive = (operator == "=") == value
        return [("role_id.group_id", "in" if positive else "not in", self.env.user.groups_id.ids)]

    @api.depends("decision", "sequence", "revision", "order_id.qms_review_state",
                 "order_id.qms_review_line_ids.decision", "order_id.qms_review_conclusion",
                 "order_id.qms_contract_type", "role_id.code")
    def _compute_is_open(self):
        user_groups = self.env.user.groups_id
        for line in self:
            order = line.order_id
            line.is_open = (
                line.decision == "pending"
                and line.is_current
                and order.qms_review_state == "in_review"
                and all(
                    other.decision in ("accepted", "conditional")
                    for other in order.qms_review_line_ids
                    if other.revision == line.revision and other.sequence < line.sequence
                )
                and not line._qms_waits_for_conclusion()
            )
            line.can_decide = line.is_open and line.role_id.group_id in user_groups

    @api.depends("decision", "is_current", "sequence", "revision", "order_id.qms_review_state",
                 "order_id.qms_review_line_ids.decision", "order_id.qms_review_line_ids.sequence",
                 "order_id.qms_review_line_ids.revision", "order_id.qms_review_line_ids.role_id",
                 "order_id.qms_review_conclusion", "order_id.qms_contract_type", "order_id.qms_review_revision",
                 "role_id.code")
    def _compute_review_status(self):
        for line in self:
            if line.decision != "pending":
                line.review_status = line.decision
            elif not line.is_current or line.order_id.qms_review_state != "in_review":
                line.review_status = "not_decided"
            else:
                line.review_status = "pending" if line.is_open else "waiting"

    @api.model_create_multi
    def create(self, vals_list):
        if not self.env.su:
            raise UserError(self.env._("Review lines are created by requesting a contract review on the quotation."))
        lines = super().create(vals_list)
        # The topics are a snapshot of the department's checklist, in every installed language,
        # so that the printed form reads in the customer's language.
        langs = [code for code, _name in self.env["res.lang"].get_installed()]
        if len(langs) > 1:
            for line in lines.filtered(lambda rl: rl.topics and rl.topics == rl.role_id.checklist):
                line.update_field_translations("topics", {
                    lang: line.role_id.with_context(lang=lang).checklist or "" for lang in langs
                })
        return lines

    def write(self, vals):
        # Decisions are written by _qms_decide (after its checks); a user only fills the
        # conditions and the comment of a pending line of his department.
        if not self.env.su and any(line.decision != "pending" for line in self):
            raise UserError(self.env._("A decided review line is a record: it cannot be changed."))
        if not self.env.su and {"conditions", "comment"} & set(vals):
            user_groups = self.env.user.groups_id
            for line in self:
                if line.role_id.group_id not in user_groups:
                    raise AccessError(self.env._(
                        "Only members of %(dept)s write its opinion on the contract review.", dept=line.role_id.name,
                    ))
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_review_record(self):
        raise UserError(self.env._("Contract review lines are records of the review: they cannot be deleted."))

    def action_accept(self, conditions=None):
        """Accept the line; with conditions (argument or field) the decision is 'conditional'."""
        self._qms_check_text(conditions, self.env._("The conditions of an acceptance"))
        conditions = conditions if (conditions or "").strip() else None
        # Every line is checked before any is decided: nothing half-decided after a refusal.
        for line in self:
            line._qms_check_can_decide()
        for line in self:
            line_conditions = conditions or (line.conditions if (line.conditions or "").strip() else None)
            line._qms_decide("conditional" if line_conditions else "accepted", conditions=line_conditions)
        return True

    def action_reject(self, comment=None):
        """Reject the line; a comment (argument or field) is required."""
        self._qms_check_text(comment, self.env._("The comment of a rejection"))
        comment = comment if (comment or "").strip() else None
        for line in self:
            line._qms_check_can_decide()
            if not (comment or (line.comment or "").strip()):
                raise UserError(self.env._("Give a comment to reject the contract review of %(dept)s.", dept=line.role_id.name))
        for line in self:
            line._qms_decide("rejected", comment=comment or line.comment)
        return True

    def action_open_order(self):
        """The order as its reviewers see it: the review form, read-only."""
        self._qms_ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "sale.order",
            "res_id": self.order_id.id,
            "view_mode": "form",
            "views": [(self.env.ref("qms_customer_process.sale_order_view_form_qms_review").id, "form")],
            "target": "current",
        }

    def _qms_check_can_decide(self):
        self.ensure_one()
        if self.decision != "pending":
            raise UserError(self.env._("The review of %(dept)s on %(order)s is already decided.",
                              dept=self.role_id.name, order=self.order_id.name))
        if self.role_id.group_id not in self.env.user.groups_id:
            raise AccessError(self.env._("Only members of %(dept)s decide its contract review.", dept=self.role_id.name))
        if not self.is_current or self.order_id.qms_review_state != "in_review":
            raise UserError(self.env._("This review line belongs to a review that is no longer open (%(order)s, revision %(rev)s).",
                              order=self.order_id.name, rev=self.revision))
        if not self.is_open:
            waiting = self.order_id.qms_review_line_ids.filtered(
                lambda other: other.revision == self.revision and other.sequence < self.sequence
                and other.decision not in ("accepted", "conditional")
            )
            if not waiting and self._qms_waits_for_conclusion():
                raise UserError(self.env._(
                    "The general manager decides on %(order)s after the organiser's conclusion of the review.",
                    order=self.order_id.name,
                ))
            raise UserError(self.env._("The review of %(dept)s opens after these departments accept: %(waiting)s.",
                              dept=self.role_id.name, waiting=self._qms_join(waiting.role_id.mapped("name"))))

    def _qms_decide(self, decision, conditions=None, comment=None):
        self.ensure_one()
        # First the order's row lock: the decisions on the lines of one order are taken one
        # after the other, each seeing the ones before (see sale.order._qms_lock_review).
        self.order_id._qms_lock_review()
        vals = {"decision": decision, "reviewer_id": self.env.user.id, "decided_on": fields.Datetime.now()}
        if conditions is not None:
            vals["conditions"] = conditions
        if comment is not None:
            vals["comment"] = comment
        # The procedure gives the decision of a line to its department's members, which
        # _qms_check_can_decide has just verified.
        self._qms_write_transition(vals)
        self.order_id._qms_after_decision(self)
        self.order_id._qms_request_conclusion()

    def _qms_waits_for_conclusion(self):
        """The general manager's line of a special contract waits for the organiser's conclusion."""
        self.ensure_one()
        order = self.order_id
        return self.role_id.code == GM_CODE and not order.qms_review_conclusion and order._qms_needs_conclusion()
