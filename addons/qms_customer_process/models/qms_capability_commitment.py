from datetime import date

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import SQL

# What the countersign approves: closed to edits once the commitment leaves the draft.
CONTENT_FIELDS = {
    "date_from", "date_to", "product_tmpl_ids", "categ_ids", "capacity_qty", "lead_time_days",
    "technical_capability", "production_capability", "service_capability", "company_id",
}
# Who prepares the initial review and submits it for countersign (procedure 4.3.1-4.3.2: the
# chief engineer organises the analysis, production compiles the report).
PREPARER_GROUPS = ["qms_customer_process.group_qms_production", "qms_customer_process.group_qms_manager"]
GM_GROUP = "qms_customer_process.group_qms_general_manager"


class QmsCapabilityCommitment(models.Model):
    _name = "qms.capability.commitment"
    _description = "Capability Commitment (Initial Review)"
    _inherit = ["qms.workflow.mixin", "mail.thread", "mail.activity.mixin"]
    _order = "date_from desc, id desc"
    _qms_transition_fields = (
        "state", "approved_by_id", "approved_on", "source_order_ids",
        "review_round", "submitted_by_id", "submitted_on", "previous_id", "last_countersign_on",
    )
    _check_company_auto = True

    name = fields.Char(required=True, tracking=True)
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company,
    )
    state = fields.Selection(
        [
            ("draft", "Draft"),
            ("submitted", "Submitted for Countersign"),
            ("countersigned", "Countersigned"),
            ("approved", "Approved"),
            ("cancel", "Cancelled"),
        ],
        default="draft",
        required=True,
        tracking=True,
        copy=False,
    )
    date_from = fields.Date(string="Valid From", required=True, tracking=True)
    date_to = fields.Date(string="Valid To", required=True, tracking=True)
    product_tmpl_ids = fields.Many2many("product.template", string="Products", check_company=True)
    categ_ids = fields.Many2many("product.category", string="Product Categories")
    capacity_qty = fields.Float(
        string="Capacity per Month",
        digits="Product Unit of Measure",
        help="Largest quantity of one product the company commits to deliver on one order within "
        "a month. Zero: no quantity limit.",
    )
    lead_time_days = fields.Integer(
        string="Lead Time (days)",
        help="Shortest lead time the company commits to. Zero: no lead time limit.",
    )
    # The analysis of the existing products' capability (procedure 4.3.1)
    prepared_by_id = fields.Many2one(
        "res.users", string="Prepared By", tracking=True, default=lambda self: self.env.user,
        domain="[('share', '=', False)]",
        help="Who compiles the initial review report (the production department, procedure 4.3.2).",
    )
    technical_capability = fields.Text(help="Technical capability of the existing products (procedure 4.3.1).")
    production_capability = fields.Text(help="Production capability: capacity, equipment, lead times.")
    service_capability = fields.Text(help="Service capability: delivery, after-sales service, support.")
    # Countersign by the department heads, then the general manager's approval (procedure 4.3.2)
    review_line_ids = fields.One2many(
        "qms.capability.review.line", "commitment_id", string="Countersigns", copy=False,
    )
    review_round = fields.Integer(
        string="Countersign Round", readonly=True, copy=False,
        help="How many times the initial review was submitted for countersign; earlier rounds stay on record.",
    )
    submitted_by_id = fields.Many2one("res.users", string="Submitted By", readonly=True, copy=False)
    submitted_on = fields.Datetime(readonly=True, copy=False)
    last_countersign_on = fields.Datetime(string="Last Countersign", readonly=True, copy=False)
    pending_departments = fields.Char(compute="_compute_pending_departments")
    approved_by_id = fields.Many2one("res.users", string="Approved By", readonly=True, copy=False)
    approved_on = fields.Datetime(readonly=True, copy=False)
    source_order_ids = fields.Many2many(
        "sale.order",
        string="Added From Special Orders",
        check_company=True,
        readonly=True,
        copy=False,
        help="Special orders delivered successfully whose products were added to this commitment.",
    )
    # The yearly chain (procedure 4.3.1: each year's initial review starts from the previous one)
    previous_id = fields.Many2one(
        "qms.capability.commitment", string="Proposed From", readonly=True, copy=False, index="btree_not_null",
        ondelete="set null", check_company=True,
    )
    next_ids = fields.One2many("qms.capability.commitment", "previous_id", string="Proposed for the Next Year")
    note = fields.Html()

    @api.depends("review_line_ids.decision", "review_round", "state")
    def _compute_pending_departments(self):
        for commitment in self:
            lines = commitment._qms_current_lines().filtered(lambda line: line.decision == "pending")
            commitment.pending_departments = self._qms_join(lines.role_id.mapped("name")) or False

    @api.constrains("date_from", "date_to")
    def _check_dates(self):
        for commitment in self:
            if commitment.date_to < commitment.date_from:
                raise ValidationError(self.env._("A capability commitment cannot end before it starts."))

    @api.constrains("capacity_qty", "lead_time_days")
    def _check_limits(self):
        for commitment in self:
            if commitment.capacity_qty < 0 or commitment.lead_time_days < 0:
                raise ValidationError(self.env._("Capacity and lead time cannot be negative."))

    def write(self, vals):
        self._qms_check_values(vals)
        if CONTENT_FIELDS & set(vals) and not self.env.su:
            for commitment in self:
                if commitment.state == "approved":
                    raise UserError(self.env._(
                        "An approved capability commitment cannot be changed; cancel it and approve a new one."
                    ))
                if commitment.state in ("submitted", "countersigned"):
                    raise UserError(self.env._(
                        "%s is with the departments for countersign: its content cannot be changed; return it to "
                        "draft first.", commitment.name,
                    ))
                if commitment.state == "cancel":
                    raise UserError(self.env._("A cancelled capability commitment cannot be changed."))
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_approved(self):
        if any(c.state != "draft" for c in self):
            raise UserError(self.env._("Only draft capability commitments can be deleted; archive the others."))
        if any(c.review_line_ids for c in self):
            raise UserError(self.env._(
                "A capability commitment that was submitted for countersign is a record: cancel it instead of deleting it."
            ))

    def _qms_check_general_manager(self, message):
        self._qms_check_role([GM_GROUP], message)

    def action_submit(self):
        """Draft → submitted: every countersigning department head gets its line (procedure 4.3.2)."""
        self._qms_check_role(PREPARER_GROUPS, self.env._(
            "Only production or the QMS administrator submits the initial review for countersign."
        ))
        roles_by_commitment = {}
        for commitment in self:
            if commitment.state != "draft":
                raise UserError(self.env._("Only a draft capability commitment can be submitted; %s is not.", commitment.name))
            if not (commitment.product_tmpl_ids or commitment.categ_ids):
                raise UserError(self.env._(
                    "List the products or product categories %s commits to before submitting it.", commitment.name,
                ))
            roles = commitment._qms_countersigning_roles()
            if not roles:
                raise UserError(self.env._(
                    "No department countersigns the initial review (Configuration > Reviewing Departments, "
                    "'Countersigns the Initial Review')."
                ))
            roles_by_commitment[commitment] = roles
        now = fields.Datetime.now()
        for commitment, roles in roles_by_commitment.items():
            review_round = commitment.review_round + 1
            # sudo: countersign lines are created only here, by the submission the procedure
            # gives to production (checked above); nobody creates or decides them directly.
            lines = self.env["qms.capability.review.line"].sudo().create([
                {"commitment_id": commitment.id, "role_id": role.id, "review_round": review_round,
                 "sequence": role.sequence}
                for role in roles
            ])
            commitment._qms_write_transition({
                "state": "submitted", "review_round": review_round, "submitted_by_id": self.env.user.id,
                "submitted_on": now,
            })
            commitment.message_post(body=self.env._(
                "Initial review submitted for countersign (round %(round)s): %(departments)s.",
                round=review_round, departments=self._qms_join(roles.mapped("name")),
            ))
            for line in lines:
                line._qms_schedule_countersign()
        return True

    def action_reset_draft(self):
        """Submitted or countersigned → draft, to change the content; the countersigns of the
        round stay on record and the next submission starts a new round."""
        self._qms_check_role([*PREPARER_GROUPS, GM_GROUP], self.env._(
            "Only production, the QMS administrator or the general manager returns the initial review to draft."
        ))
        for commitment in self:
            if commitment.state not in ("submitted", "countersigned"):
                raise UserError(self.env._("Only a commitment submitted for countersign can return to draft."))
        for commitment in self:
            commitment._qms_lock()
            commitment._qms_write_transition({"state": "draft"})
            commitment._qms_current_lines().sudo().activity_unlink(["mail.mail_activity_data_todo"])
            commitment.message_post(body=self.env._(
                "Returned to draft: round %s of the countersign is closed.", commitment.review_round,
            ))
        return True

    def action_approve(self):
        """The general manager approves the initial review once every department head countersigned it."""
        self._qms_check_general_manager(self.env._("Only the general manager approves capability commitments."))
        for commitment in self:
            commitment._qms_lock()
            if commitment.state == "countersigned":
                continue
            if commitment.state == "submitted":
                raise UserError(self.env._(
                    "The departments have not all countersigned %(name)s yet; pending: %(departments)s.",
                    name=commitment.name, departments=commitment.pending_departments or "",
                ))
            if commitment.state == "draft":
                raise UserError(self.env._(
                    "Submit %s for the departments' countersign before the general manager approves it.",
                    commitment.name,
                ))
            raise UserError(self.env._("%s is already approved or cancelled.", commitment.name))
        self._qms_write_transition({
            "state": "approved", "approved_by_id": self.env.user.id, "approved_on": fields.Datetime.now(),
        })
        # sudo: the general manager closes the to-dos the countersign gave him.
        self.sudo().activity_unlink(["mail.mail_activity_data_todo"])
        return True

    def action_cancel(self):
        self._qms_check_general_manager(self.env._("Only the general manager cancels capability commitments."))
        if any(c.state == "cancel" for c in self):
            raise UserError(self.env._("This capability commitment is already cancelled."))
        self._qms_write_transition({"state": "cancel"})
        return True

    def action_propose_next(self):
        """The draft of the next year's initial review, proposed from this approved one (the yearly
        start of procedure 4.3.1; the scheduled job does it each January)."""
        self._qms_ensure_one()
        self._qms_check_role([*PREPARER_GROUPS, GM_GROUP], self.env._(
            "Only production, the QMS administrator or the general manager proposes the next initial review."
        ))
        if self.state != "approved":
            raise UserError(self.env._("The next year's initial review is proposed from an approved commitment."))
        if self.next_ids:
            raise UserError(self.env._(
                "The initial review of the next year was already proposed from %(name)s: %(next)s.",
                name=self.name, next=self._qms_join(self.next_ids.mapped("name")),
            ))
        years = max(1, fields.Date.context_today(self).year - self.date_from.year)
        new = self._qms_propose_from(years)
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": new.id,
            "view_mode": "form",
            "target": "current",
        }

    @api.model
    def _qms_cron_propose_next_commitment(self, today=None):
        """Each January, for every company, propose the new year's initial review as a draft copied
        from the latest approved commitment of an earlier year (procedure 4.3.1: each year starts
        with the analysis of the existing capability). Idempotent: a commitment that already has a
        proposal, or a company that already has a commitment of this year, gets none. Returns the
        proposed drafts. Meant for the daily scheduled job."""
        today = fields.Date.to_date(today) if today else fields.Date.context_today(self)
        proposed = self.browse()
        if today.month != 1:
            return proposed
        year_start, year_end = date(today.year, 1, 1), date(today.year, 12, 31)
        # sudo: the yearly proposal is made by the scheduled job for every company.
        Commitment = self.sudo()
        sources = Commitment.search([
            ("state", "=", "approved"), ("date_from", "<", year_start), ("next_ids", "=", False),
        ], order="date_from desc, id desc")
        this_year = Commitment.search([
            ("state", "!=", "cancel"), ("date_from", ">=", year_start), ("date_from", "<=", year_end),
        ])
        done_companies = set(this_year.company_id.ids)
        for source in sources:
            if source.company_id.id in done_companies:
                continue
            done_companies.add(source.company_id.id)
            proposed |= source._qms_propose_from(today.year - source.date_from.year)
        return proposed

    def _qms_propose_from(self, years):
        """A draft copy of this commitment moved ``years`` years on, linked to it."""
        self.ensure_one()
        date_from = self.date_from + relativedelta(years=years)
        date_to = self.date_to + relativedelta(years=years)
        old_year, new_year = str(self.date_from.year), str(date_from.year)
        name = self.name.replace(old_year, new_year) if old_year in self.name else f"{self.name} ({new_year})"
        new = self.create({
            "name": name,
            "company_id": self.company_id.id,
            "date_from": date_from,
            "date_to": date_to,
            "product_tmpl_ids": [fields.Command.set(self.product_tmpl_ids.ids)],
            "categ_ids": [fields.Command.set(self.categ_ids.ids)],
            "capacity_qty": self.capacity_qty,
            "lead_time_days": self.lead_time_days,
            "technical_capability": self.technical_capability,
            "production_capability": self.production_capability,
            "service_capability": self.service_capability,
            "prepared_by_id": self.prepared_by_id.id if self.prepared_by_id.active else self.env.user.id,
            "note": self.note,
        })
        # The chain of the yearly reviews is set by the proposal only.
        new._qms_write_transition({"previous_id": self.id})
        new.message_post(body=self.env._(
            "Proposed from %s: analyse the capability of the existing products, then submit it for countersign.",
            self.name,
        ))
        self.message_post(body=self.env._("The initial review of %(year)s was proposed: %(name)s.", year=new_year, name=new.name))
        users = new.prepared_by_id.filtered(lambda user: user.active and not user.share and new.company_id in user.company_ids)
        if not users:
            users = self.env.ref("qms_customer_process.group_qms_manager").sudo().users.filtered(
                lambda user: not user.share and new.company_id in user.company_ids and user.id != self.env.ref("base.user_root").id
            )
        # sudo: the proposal asks the preparer of the report to start the year's analysis.
        for user in users:
            new.sudo().activity_schedule(
                "mail.mail_activity_data_todo", user_id=user.id,
                summary=new._qms_in_lang(user).env._("Initial review %s: analyse the capability and submit it", new_year),
            )
        return new

    def _qms_current_lines(self):
        self.ensure_one()
        return self.review_line_ids.filtered(lambda line: line.review_round == self.review_round)

    def _qms_countersigning_roles(self):
        """The departments whose heads countersign, as the commitment's company has them (its own
        department of a code replaces the shared one)."""
        self.ensure_one()
        # sudo: which departments countersign is configuration the procedure applies for whoever
        # submits the review.
        Role = self.env["qms.review.role"].sudo()
        by_code = {}
        for role in Role.search([("company_id", "in", [False, self.company_id.id])]):
            if role.code not in by_code or role.company_id:
                by_code[role.code] = role
        roles = Role.browse([role.id for role in by_code.values() if role.capability_countersign])
        return roles.sorted(lambda role: (role.sequence, role.id))

    def _qms_lock(self):
        """Lock the commitment's row before a countersign or the approval decides on it: the
        countersigns of one commitment are taken one after the other, each seeing the ones before
        (as sale.order._qms_lock_review does for a contract review)."""
        self.env.cr.execute(SQL(
            "SELECT id FROM %s WHERE id IN %s FOR NO KEY UPDATE", SQL.identifier(self._table), tuple(self.ids),
        ))

    def _qms_after_countersign(self, line):
        """A department decided ``line`` (the commitment is locked): a refusal returns the review to
        its preparer; the last countersign hands it to the general manager."""
        self.ensure_one()
        # Every countersign writes the commitment's row: a simultaneous countersign is refused its
        # lock and retried on a new snapshot (see sale.order._qms_lock_review).
        vals = {"last_countersign_on": line.signed_on}
        local = self._qms_in_lang()  # the chatter is written in the company's language
        label = dict(line._fields["decision"]._description_selection(local.env))[line.decision]
        lines = self._qms_current_lines()
        if line.decision == "refused":
            vals["state"] = "draft"
        elif all(other.decision == "countersigned" for other in lines):
            vals["state"] = "countersigned"
        self._qms_write_transition(vals)
        # sudo: the department's member closes the to-dos of the department and records its
        # countersign on the commitment, which it may only read.
        line.sudo().activity_unlink(["mail.mail_activity_data_todo"])
        self.sudo().message_post(
            body=local.env._("%(dept)s: %(decision)s. %(opinion)s", dept=line.with_env(local.env).role_id.name,
                             decision=label, opinion=line.opinion or ""),
            author_id=self.env.user.partner_id.id,
        )
        if self.state == "draft":
            (lines - line).sudo().activity_unlink(["mail.mail_activity_data_todo"])
            for user in (self.submitted_by_id | self.prepared_by_id).filtered(lambda u: u.active and not u.share):
                self.sudo().activity_schedule(
                    "mail.mail_activity_data_todo", user_id=user.id,
                    summary=self._qms_in_lang(user).env._("Initial review refused by %s: revise and submit it again",
                                                          line.with_env(self._qms_in_lang(user).env).role_id.name),
                )
        elif self.state == "countersigned":
            managers = self.env.ref(GM_GROUP).sudo().users.filtered(
                lambda user: not user.share and self.company_id in user.company_ids
            )
            for user in managers:
                self.sudo().activity_schedule(
                    "mail.mail_activity_data_todo", user_id=user.id,
                    summary=self._qms_in_lang(user).env._("Approve the initial review %s", self.name),
                )

    @api.model
    def _qms_valid_for(self, company, date):
        return self.search([
            ("company_id", "=", company.id),
            ("state", "=", "approved"),
            ("date_from", "<=", date),
            ("date_to", ">=", date),
        ])

    def _qms_covers(self, product):
        """The commitments of ``self`` that cover ``product`` (by product or by category)."""
        categ_ids = {int(c) for c in (product.categ_id.parent_path or "").split("/") if c}
        return self.filtered(
            lambda c: product.product_tmpl_id in c.product_tmpl_ids or categ_ids & set(c.categ_ids.ids)
        )
