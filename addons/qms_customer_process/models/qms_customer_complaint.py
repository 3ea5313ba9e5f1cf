from collections import defaultdict
from datetime import datetime, time, timedelta

import pytz
from markupsafe import Markup

from odoo import Command, api, fields, models, tools
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import SQL, float_compare

from .qms_complaint_deadline import SEVERITIES

OPEN_STATES = ("new", "acknowledged", "investigating")
# What the customer KPIs take from a complaint (qms.customer.kpi.report).
KPI_FIELDS = {
    "state", "partner_id", "sale_order_id", "salesperson_id", "product_id", "quantity_affected", "date_received",
    "date_acknowledged", "date_closed", "company_id",
}
# Whether a deadline of the complaint was met (stored once the step is done).
SLA_STATES = [("on_time", "On Time"), ("late", "Late")]
# Longest subject: a few words; the details go in the description.
SUBJECT_SIZE = 256


class QmsCustomerComplaint(models.Model):
    _name = "qms.customer.complaint"
    _description = "Customer Complaint"
    _inherit = ["qms.workflow.mixin", "portal.mixin", "mail.thread.cc", "mail.activity.mixin"]
    _order = "date_received desc, id desc"
    _primary_email = "email_from"
    _check_company_auto = True
    _qms_transition_fields = (
        "state", "customer_acceptance", "closed_by_id", "date_acknowledged", "date_proposed", "date_closed",
        # computed from the above and the intake: deadlines, KPIs, the customer company the portal shows it to
        "commercial_partner_id", "date_acknowledge_deadline", "date_response_deadline", "is_recurrence",
        "days_to_close", "root_cause_category",
        # containment (8D D3): the quarantine transfers, who ordered them and when
        "quarantine_picking_ids", "quarantined_by_id", "date_quarantined",
        # working-time deadlines and whether they were met (issue 12)
        "date_close_deadline", "acknowledge_sla", "response_sla", "closure_sla",
    )

    name = fields.Char(string="Number", required=True, readonly=True, copy=False, default="/", index="trigram")
    subject = fields.Char(required=True, tracking=True)
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company,
    )
    state = fields.Selection(
        [
            ("new", "New"),
            ("acknowledged", "Acknowledged"),
            ("investigating", "Investigating"),
            ("proposed", "Solution Proposed"),
            ("confirmed", "Customer Confirmed"),
            ("closed", "Closed"),
            ("rejected", "Rejected"),
        ],
        string="Status", default="new", required=True, tracking=True, index=True, copy=False,
        group_expand="_group_expand_states",
    )
    # Customer and intake
    partner_id = fields.Many2one(
        "res.partner", string="Customer", tracking=True, index=True, check_company=True,
        help="Left empty when the complaint came by email from an unknown address: assign it before acknowledging.",
    )
    commercial_partner_id = fields.Many2one(
        related="partner_id.commercial_partner_id", store=True, string="Customer Company", index=True,
    )
    contact_name = fields.Char(string="Contact")
    email_from = fields.Char(string="Email")
    phone = fields.Char()
    channel = fields.Selection(
        [("email", "Email"), ("portal", "Portal"), ("phone", "Phone"), ("visit", "Visit"), ("other", "Other")],
        required=True, default="phone", tracking=True,
    )
    date_received = fields.Datetime(
        string="Received On", required=True, default=fields.Datetime.now, tracking=True, index=True,
    )
    salesperson_id = fields.Many2one(
        "res.users", string="Salesperson", tracking=True, index=True,
        compute="_compute_salesperson_id", store=True, readonly=False, precompute=True,
    )
    # What it is about
    sale_order_id = fields.Many2one("sale.order", string="Sales Order", index="btree_not_null", check_company=True)
    picking_id = fields.Many2one("stock.picking", string="Delivery", index="btree_not_null", check_company=True)
    invoice_id = fields.Many2one(
        "account.move", string="Invoice", index="btree_not_null", check_company=True,
        domain="[('move_type', 'in', ('out_invoice', 'out_refund'))]",
    )
    product_id = fields.Many2one("product.product", string="Product", tracking=True, index=True, check_company=True)
    lot_id = fields.Many2one(
        "stock.lot", string="Lot/Serial Number", check_company=True, domain="[('product_id', '=', product_id)]",
    )
    quantity_affected = fields.Float(digits="Product Unit of Measure")
    complaint_type = fields.Selection(
        [
            ("quality", "Product Quality"),
            ("delivery", "Delivery"),
            ("service", "Service"),
            ("documentation", "Documentation"),
            ("other", "Other"),
        ],
        string="Type", required=True, default="quality", tracking=True, index=True,
    )
    severity = fields.Selection(SEVERITIES, required=True, default="minor", tracking=True, index=True)
    description = fields.Html()
    attachment_ids = fields.Many2many("ir.attachment", string="Photos and Documents")
    # Handling
    department_id = fields.Many2one(
        "qms.review.role", string="Responsible Department", tracking=True, index=True, check_company=True,
    )
    user_id = fields.Many2one(
        "res.users", string="Owner", tracking=True, index=True, default=lambda self: self.env.user,
        help="Who handles the complaint and gets the to-dos.",
    )
    containment_action = fields.Text(tracking=True)
    solution = fields.Selection(
        [
            ("replace", "Replace"),
            ("rework", "Rework"),
            ("return", "Return"),
            ("credit", "Credit Note"),
            ("discount", "Discount"),
            ("explanation", "Explanation"),
        ],
        tracking=True,
    )
    solution_note = fields.Text(string="Solution Details")
    currency_id = fields.Many2one(related="company_id.currency_id")
    compensation_amount = fields.Monetary(currency_field="currency_id", tracking=True)
    customer_acceptance = fields.Selection(
        [("accepted", "Accepted"), ("refused", "Refused")], tracking=True, copy=False,
        help="The customer's answer to the proposed solution.",
    )
    customer_satisfaction = fields.Selection(
        [
            ("very_satisfied", "Very satisfied"),
            ("satisfied", "Satisfied"),
            ("neutral", "Neutral"),
            ("dissatisfied", "Dissatisfied"),
            ("very_dissatisfied", "Very dissatisfied"),
        ],
        string="Satisfaction with the Handling", tracking=True, copy=False,
    )
    customer_feedback = fields.Text(copy=False)
    reject_reason = fields.Text(string="Rejection Reason", tracking=True, copy=False)
    closure_note = fields.Text(string="Closure Verification", copy=False)
    closed_by_id = fields.Many2one("res.users", string="Closure Verified By", readonly=True, copy=False)
    date_acknowledged = fields.Datetime(string="Acknowledged On", readonly=True, copy=False)
    date_proposed = fields.Datetime(string="Solution Proposed On", readonly=True, copy=False)
    date_closed = fields.Datetime(string="Closed On", readonly=True, copy=False, index=True)
    # Deadlines and analysis
    date_acknowledge_deadline = fields.Datetime(
        string="Acknowledge By", compute="_compute_deadlines", store=True, readonly=True,
    )
    date_response_deadline = fields.Datetime(
        string="Respond By", compute="_compute_deadlines", store=True, readonly=True,
    )
    date_close_deadline = fields.Datetime(
        string="Close By", compute="_compute_close_deadline", store=True, readonly=True,
    )
    acknowledge_sla = fields.Selection(
        SLA_STATES, string="Acknowledged in Time", readonly=True, copy=False, index=True,
        help="Whether the complaint was acknowledged (or rejected) by its deadline; late as soon as the "
        "scheduled job finds the deadline passed.",
    )
    response_sla = fields.Selection(
        SLA_STATES, string="Answered in Time", readonly=True, copy=False, index=True,
        help="Whether the first solution was proposed (or the complaint rejected) by its deadline; late as soon "
        "as the scheduled job finds the deadline passed.",
    )
    closure_sla = fields.Selection(
        SLA_STATES, string="Closed in Time", readonly=True, copy=False, index=True,
        help="Whether the complaint was closed (or rejected) by its deadline; late as soon as the scheduled job "
        "finds the deadline passed.",
    )
    is_acknowledge_overdue = fields.Boolean(
        compute="_compute_overdue", search="_search_is_acknowledge_overdue", string="Acknowledgement Overdue",
    )
    is_response_overdue = fields.Boolean(
        compute="_compute_overdue", search="_search_is_response_overdue", string="Response Overdue",
    )
    is_recurrence = fields.Boolean(
        string="Recurrence", compute="_compute_is_recurrence", store=True,
        help="The same product had a complaint of the same type within the recurrence window.",
    )
    days_to_close = fields.Float(
        string="Days to Close", compute="_compute_days_to_close", store=True, aggregator="avg", digits=(16, 1),
    )
    investigation_ids = fields.One2many("qms.quality.investigation", "complaint_id", string="Quality Investigations")
    investigation_count = fields.Integer(compute="_compute_investigation_count", string="Investigations")
    root_cause_category = fields.Selection(
        selection=lambda self: self.env["qms.quality.investigation"]._fields["root_cause_category"].selection,
        string="Root-Cause Category", compute="_compute_root_cause_category", store=True, index=True,
    )
    corrective_action_ids = fields.One2many("qms.corrective.action", "complaint_id", string="Corrective Actions")
    investigation_required = fields.Boolean(compute="_compute_investigation_required")
    # Containment (8D D3): who else got the lot, what is still in stock, what would ship it
    containment_date_from = fields.Date(
        string="Delivered From",
        help="Without a lot: the first day of the deliveries of the product that are suspect.",
    )
    containment_date_to = fields.Date(
        string="Delivered To",
        help="Without a lot: the last day of the deliveries of the product that are suspect.",
    )
    affected_move_line_ids = fields.Many2many(
        "stock.move.line", string="Affected Deliveries", compute="_compute_affected_move_line_ids",
        help="Every delivery to a customer, done, of the complaint's lot (without a lot: of its product between the "
             "two dates), whoever the customer; deliveries of companies you do not work in are not shown.",
    )
    affected_partner_count = fields.Integer(string="Affected Customers", compute="_compute_affected_move_line_ids")
    affected_qty = fields.Float(
        string="Quantity Delivered", compute="_compute_affected_move_line_ids", digits="Product Unit of Measure",
    )
    containment_quant_ids = fields.Many2many(
        "stock.quant", string="Stock on Hand", compute="_compute_containment_quant_ids",
        help="The lot (without a lot: the product) on hand in the internal locations, quarantine included.",
    )
    containment_stock_qty = fields.Float(
        string="Quantity on Hand", compute="_compute_containment_quant_ids", digits="Product Unit of Measure",
    )
    containment_move_ids = fields.Many2many(
        "stock.move", string="Open Deliveries", compute="_compute_containment_move_ids",
        help="Deliveries not yet done that reserved the lot, or that may still reserve it (not fully reserved); "
             "without a lot, every open delivery of the product.",
    )
    quarantine_picking_ids = fields.Many2many(
        "stock.picking", "qms_complaint_quarantine_picking_rel", "complaint_id", "picking_id",
        string="Quarantine Transfers", readonly=True, copy=False, check_company=True,
        help="The internal transfers of the stock on hand to quarantine, made by the Quarantine button.",
    )
    quarantined_by_id = fields.Many2one("res.users", string="Quarantined By", readonly=True, copy=False)
    date_quarantined = fields.Datetime(string="Quarantined On", readonly=True, copy=False)

    # ------------------------------------------------------------------
    # Computes
    # ------------------------------------------------------------------

    def _group_expand_states(self, states, domain):
        return [key for key, _label in self._fields["state"].selection]

    @api.depends("partner_id", "sale_order_id")
    def _compute_salesperson_id(self):
        for complaint in self:
            complaint.salesperson_id = (
                complaint.sale_order_id.user_id
                or complaint.partner_id.user_id
                or complaint.partner_id.commercial_partner_id.user_id
                or complaint.salesperson_id
            )

    @api.depends("date_received", "severity", "company_id")
    def _compute_deadlines(self):
        deadlines = self.env["qms.complaint.deadline"]._qms_by_severity_company(
            set(self.mapped("severity")), self.company_id,
        )
        for complaint in self:
            deadline = deadlines.get((complaint.severity, complaint.company_id.id))
            if not complaint.date_received or not deadline:
                complaint.date_acknowledge_deadline = complaint.date_response_deadline = False
                continue
            # Working time on the company's calendar (calendar time for a company without one).
            company = complaint.company_id
            complaint.date_acknowledge_deadline = company._qms_plan_work(
                complaint.date_received, hours=deadline.acknowledge_hours,
            )
            complaint.date_response_deadline = company._qms_plan_work(complaint.date_received, days=deadline.respond_days)

    @api.depends("date_received", "severity", "company_id")
    def _compute_close_deadline(self):
        deadlines = self.env["qms.complaint.deadline"]._qms_by_severity_company(
            set(self.mapped("severity")), self.company_id,
        )
        for complaint in self:
            deadline = deadlines.get((complaint.severity, complaint.company_id.id))
            complaint.date_close_deadline = complaint.date_received and deadline and complaint.company_id._qms_plan_work(
                complaint.date_received, days=deadline.close_days,
            )

    @api.depends("state", "date_acknowledge_deadline", "date_response_deadline")
    def _compute_overdue(self):
        now = fields.Datetime.now()
        for complaint in self:
            complaint.is_acknowledge_overdue = bool(
                complaint.state == "new" and complaint.date_acknowledge_deadline
                and complaint.date_acknowledge_deadline < now
            )
            complaint.is_response_overdue = bool(
                complaint.state in OPEN_STATES and complaint.date_response_deadline
                and complaint.date_response_deadline < now
            )

    def _search_overdue(self, states, deadline_field, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise UserError(self.env._("Unsupported search on overdue complaints."))
        domain = [("state", "in", states), (deadline_field, "<", fields.Datetime.now())]
        if (operator == "=") == value:
            return domain
        return ["!", "&", *domain]

    def _search_is_acknowledge_overdue(self, operator, value):
        return self._search_overdue(["new"], "date_acknowledge_deadline", operator, value)

    def _search_is_response_overdue(self, operator, value):
        return self._search_overdue(list(OPEN_STATES), "date_response_deadline", operator, value)

    @api.depends("product_id", "complaint_type", "date_received", "company_id")
    def _compute_is_recurrence(self):
        deadlines = self.env["qms.complaint.deadline"]._qms_by_severity_company(
            set(self.mapped("severity")), self.company_id,
        )
        for complaint in self:
            if not (complaint.product_id and complaint.date_received):
                complaint.is_recurrence = False
                continue
            deadline = deadlines.get((complaint.severity, complaint.company_id.id))
            window = (deadline.recurrence_days if deadline else 0) or 90
            # Earlier complaints about the same product and type, whoever may read them: the flag
            # is a fact about the company's complaints record (procedure 10.2, recurrence).
            complaint.is_recurrence = bool(self.sudo().search_count([
                ("id", "!=", complaint._origin.id or 0),
                ("company_id", "=", complaint.company_id.id),
                ("product_id", "=", complaint.product_id.id),
                ("complaint_type", "=", complaint.complaint_type),
                ("state", "!=", "rejected"),
                ("date_received", "<=", complaint.date_received),
                ("date_received", ">=", complaint.date_received - timedelta(days=window)),
            ], limit=1))

    @api.depends("date_received", "date_closed")
    def _compute_days_to_close(self):
        for complaint in self:
            if complaint.date_closed and complaint.date_received:
                complaint.days_to_close = (complaint.date_closed - complaint.date_received).total_seconds() / 86400
            else:
                complaint.days_to_close = 0.0

    @api.depends("investigation_ids")
    def _compute_investigation_count(self):
        for complaint in self:
            complaint.investigation_count = len(complaint.investigation_ids)

    @api.depends("investigation_ids.root_cause_category", "investigation_ids.state")
    def _compute_root_cause_category(self):
        for complaint in self:
            investigations = complaint.investigation_ids.filtered(lambda inv: inv.state != "cancel")
            complaint.root_cause_category = investigations[-1:].root_cause_category

    @api.depends("severity")
    def _compute_investigation_required(self):
        for complaint in self:
            complaint.investigation_required = complaint.severity in ("major", "critical")

    def _compute_access_url(self):
        for complaint in self:
            complaint.access_url = f"/my/complaints/{complaint.id}"

    # ------------------------------------------------------------------
    # Constraints and CRUD
    # ------------------------------------------------------------------

    @api.constrains("date_received")
    def _check_date_received(self):
        for complaint in self:
            if complaint.date_received and complaint.date_received > fields.Datetime.now() + timedelta(minutes=5):
                raise ValidationError(self.env._("A complaint cannot be received in the future."))

    @api.constrains("subject")
    def _check_subject(self):
        for complaint in self:
            if len(complaint.subject or "") > SUBJECT_SIZE:
                raise ValidationError(self.env._(
                    "The subject of a complaint has at most %s characters: put the details in the description.",
                    SUBJECT_SIZE,
                ))

    @api.constrains("compensation_amount", "quantity_affected")
    def _check_amounts(self):
        for complaint in self:
            if complaint.compensation_amount < 0 or complaint.quantity_affected < 0:
                raise ValidationError(self.env._("The compensation and the quantity affected cannot be negative."))

    @api.constrains("sale_order_id", "picking_id", "invoice_id", "partner_id")
    def _check_documents_of_customer(self):
        for complaint in self:
            customer = complaint.partner_id.commercial_partner_id
            if not customer:
                continue
            for document in (complaint.sale_order_id, complaint.picking_id, complaint.invoice_id):
                if document and document.partner_id.commercial_partner_id != customer:
                    raise ValidationError(self.env._(
                        "%(document)s is not a document of %(customer)s.",
                        document=document.display_name, customer=customer.display_name,
                    ))

    @api.constrains("state", "severity")
    def _check_investigation_before_closing(self):
        for complaint in self:
            if complaint.state != "closed" or complaint.severity not in ("major", "critical"):
                continue
            investigations = complaint.investigation_ids.filtered(lambda inv: inv.state != "cancel")
            if not investigations or any(inv.state != "closed" for inv in investigations):
                raise ValidationError(self.env._(
                    "%s is a major quality problem: it closes only once its quality investigation is closed "
                    "(procedure 5.9.5).", complaint.name,
                ))

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self._qms_check_values(vals)
            if vals.get("name", "/") == "/":
                # Every complaint gets its number, whoever records it (a portal customer, the mail
                # gateway): procedure 8.2.1, complaints are recorded.
                vals["name"] = self.env["ir.sequence"].sudo().next_by_code("qms.customer.complaint") or "/"
        complaints = super().create(vals_list)
        self.env["qms.customer.kpi.report"]._qms_mark("complaint", complaints.ids)
        for complaint in complaints:
            complaint._qms_schedule_deadline_activity()
        complaints._qms_mail_received()
        return complaints

    def write(self, vals):
        res = super().write(vals)
        if KPI_FIELDS.intersection(vals):
            self.env["qms.customer.kpi.report"]._qms_mark("complaint", self.ids)
        if vals.get("partner_id"):
            # A complaint from an unknown sender gets its receipt once its customer is assigned.
            self._qms_mail_received()
        return res

    @api.ondelete(at_uninstall=False)
    def _unlink_except_handled(self):
        if any(complaint.state != "new" for complaint in self):
            raise UserError(self.env._("A complaint that was handled, closed or rejected is a record: it cannot be deleted."))
        self.env["qms.customer.kpi.report"]._qms_mark("complaint", self.ids)

    def _qms_schedule_deadline_activity(self):
        """The owner's to-do for the next deadline; a deadline already past gets today's date
        and the complaint shows as overdue (nothing refused, nothing lost)."""
        today = fields.Date.context_today(self)
        for complaint in self:
            if complaint.state not in ("new", "acknowledged", "investigating"):
                continue
            user = (complaint.user_id | complaint.salesperson_id).filtered(
                lambda u: not u.share and not u._is_superuser()
            )[:1]
            if not user:
                continue  # no owner yet: the complaint shows under "Unassigned" and overdue
            env = complaint._qms_in_lang(user).env  # the to-do reads in the owner's language
            if complaint.state == "new":
                deadline, summary = complaint.date_acknowledge_deadline, env._("Acknowledge complaint %s", complaint.name)
            else:
                deadline, summary = complaint.date_response_deadline, env._("Propose a solution for %s", complaint.name)
            date_deadline = max(deadline.date(), today) if deadline else today
            complaint.activity_schedule(
                "mail.mail_activity_data_todo", date_deadline=date_deadline, user_id=user.id, summary=summary,
            )

    # ------------------------------------------------------------------
    # Stage machine
    # ------------------------------------------------------------------

    def _qms_check_states(self, from_states):
        for complaint in self:
            if complaint.state not in from_states:
                raise UserError(self.env._(
                    "%(complaint)s is %(state)s: this step is not possible now.",
                    complaint=complaint.name,
                    state=dict(self._fields["state"]._description_selection(self.env))[complaint.state],
                ))

    def _qms_transition(self, from_states, to_state, vals=None):
        self._qms_check_states(from_states)
        # sudo: the handler's to-dos are closed by whoever moves the complaint on.
        self.sudo().activity_feedback(["mail.mail_activity_data_todo"])
        self._qms_write_transition(dict(vals or {}, state=to_state))
        self._qms_record_sla()
        self._qms_schedule_deadline_activity()
        if to_state == "proposed":
            self._qms_mail_customer("qms_customer_process.mail_template_complaint_proposed", "qms_mail_complaint_proposed")
        elif to_state == "closed":
            self._qms_mail_customer("qms_customer_process.mail_template_complaint_closed", "qms_mail_complaint_closed")
        return True

    def _qms_record_sla(self):
        """Record, once each, whether the complaint was acknowledged, answered and closed by its
        deadlines (a rejection answers and ends the complaint): the facts the on-time analysis
        counts, which stay when the status moves on."""
        for complaint in self:
            ended_on = complaint.state in ("closed", "rejected") and complaint.date_closed
            rejected_on = complaint.state == "rejected" and complaint.date_closed
            done = {
                "acknowledge_sla": (complaint.date_acknowledged or rejected_on, complaint.date_acknowledge_deadline),
                "response_sla": (complaint.date_proposed or rejected_on, complaint.date_response_deadline),
                "closure_sla": (ended_on, complaint.date_close_deadline),
            }
            vals = {
                name: "on_time" if done_on <= deadline else "late"
                for name, (done_on, deadline) in done.items()
                if not complaint[name] and done_on and deadline
            }
            if vals:
                complaint._qms_write_transition(vals)

    def _qms_mail_received(self):
        """Tell the customer of each complaint, once, that it was received (with its number and
        the link to follow it), as soon as the complaint has its customer."""
        Log = self.env["qms.followup.log"]
        complaints = self.filtered(lambda complaint: complaint.partner_id and complaint.state != "rejected")
        sent = Log._qms_sent("complaint_received", complaints)
        mailed = complaints.filtered(lambda complaint: complaint.id not in sent)._qms_mail_customer(
            "qms_customer_process.mail_template_complaint_received", "qms_mail_complaint_received",
        )
        for complaint in mailed:
            Log._qms_record("complaint_received", complaint, self.env["res.users"],
                            self.env._("Complaint %s received: customer told", complaint.name))

    def _qms_check_handler(self):
        """Quality, or the complaint's owner or salesperson, or a sales manager, moves the
        complaint on (procedure 8.2.1: sales receives it, quality handles it)."""
        if self.env.su or self.env.user.has_group("qms_customer_process.group_qms_quality") \
                or self.env.user.has_group("sales_team.group_sale_salesman_all_leads"):
            return
        for complaint in self:
            if self.env.user not in complaint.user_id | complaint.salesperson_id:
                raise AccessError(self.env._(
                    "Only quality, or the owner or the salesperson of %s, moves it on.", complaint.name,
                ))

    def _qms_check_sales(self):
        """The customer's answer to a solution is recorded by sales (or by the customer on the
        portal), not by the departments."""
        self._qms_check_role(
            ["sales_team.group_sale_salesman"],
            self.env._("Only sales record the customer's answer to the proposed solution."),
        )

    def action_acknowledge(self):
        self._qms_check_handler()
        for complaint in self:
            if not complaint.partner_id:
                raise UserError(self.env._("Assign the customer of %s before acknowledging it.", complaint.name))
        return self._qms_transition(("new",), "acknowledged", {"date_acknowledged": fields.Datetime.now()})

    def action_investigate(self):
        self._qms_check_handler()
        for complaint in self:
            if not complaint.partner_id:
                raise UserError(self.env._("Assign the customer of %s before investigating it.", complaint.name))
        # Every complaint is checked before any moves on: nothing half-done after a refusal.
        self._qms_check_states(("new", "acknowledged"))
        for complaint in self:
            complaint._qms_transition(("new", "acknowledged"), "investigating", {
                "date_acknowledged": complaint.date_acknowledged or fields.Datetime.now(),
            })
        for complaint in self.filtered(lambda c: c.investigation_required and not c.investigation_ids):
            complaint._qms_create_investigation()
        return True

    def action_open_investigation(self):
        """Open the complaint's investigation for whoever may read it; when it has none (or only
        cancelled ones), only quality opens a new one, once the complaint is acknowledged and
        while it is not closed or rejected.
        The checks come first: _qms_create_investigation creates as superuser for a complaint
        that requires an investigation, which is only for the move to investigation (5.9.5)."""
        self._qms_ensure_one()
        investigation = self.investigation_ids.filtered(lambda inv: inv.state != "cancel")[:1]
        if not investigation:
            self._qms_check_role(
                ["qms_customer_process.group_qms_quality"],
                self.env._("Only quality opens a new quality investigation for a complaint."),
            )
            self._qms_check_states(("acknowledged", "investigating", "proposed", "confirmed"))
            investigation = self._qms_create_investigation()
        return {
            "type": "ir.actions.act_window",
            "res_model": "qms.quality.investigation",
            "res_id": investigation.id,
            "view_mode": "form",
        }

    def _qms_create_investigation(self):
        self.ensure_one()
        Investigation = self.env["qms.quality.investigation"]
        if self.investigation_required and not Investigation.has_access("create"):
            # A major quality problem that caused a complaint must get a quality investigation
            # (procedure 5.9.5), whoever moves the complaint to investigation.
            Investigation = Investigation.sudo()
        return Investigation.create({
            "complaint_id": self.id,
            "company_id": self.company_id.id,
            "user_id": (self.user_id or self.env.user).id,
            "department_id": self.department_id.id,
            "problem_description": tools.html2plaintext(self.description or "") or self.subject,
        })

    def action_propose(self):
        self._qms_check_handler()
        for complaint in self:
            if not complaint.solution:
                raise UserError(self.env._("Choose the solution proposed to the customer for %s.", complaint.name))
        return self._qms_transition(("acknowledged", "investigating"), "proposed", {
            "date_proposed": fields.Datetime.now(), "customer_acceptance": False,
        })

    def action_customer_accept(self):
        self._qms_check_sales()
        return self._qms_transition(("proposed",), "confirmed", {"customer_acceptance": "accepted"})

    def action_customer_refuse(self):
        self._qms_check_sales()
        for complaint in self:
            if not (complaint.customer_feedback or "").strip():
                raise UserError(self.env._("Record why the customer refused the solution for %s.", complaint.name))
        return self._qms_transition(("proposed",), "investigating", {"customer_acceptance": "refused"})

    def action_close(self):
        self._qms_check_role(
            ["qms_customer_process.group_qms_quality"], self.env._("Only quality verifies and closes a complaint."),
        )
        for complaint in self:
            if not (complaint.closure_note or "").strip():
                raise UserError(self.env._("Record how quality verified the closure of %s.", complaint.name))
        return self._qms_transition(("confirmed",), "closed", {
            "date_closed": fields.Datetime.now(), "closed_by_id": self.env.user.id,
        })

    def action_reject(self):
        self._qms_check_role(["qms_customer_process.group_qms_quality"], self.env._("Only quality rejects a complaint."))
        for complaint in self:
            if not (complaint.reject_reason or "").strip():
                raise UserError(self.env._("Say why %s is not a valid complaint before rejecting it.", complaint.name))
        return self._qms_transition(("new", "acknowledged", "investigating"), "rejected", {
            "date_closed": fields.Datetime.now(), "closed_by_id": self.env.user.id,
        })

    # ------------------------------------------------------------------
    # Mail gateway
    # ------------------------------------------------------------------

    @api.model
    def message_new(self, msg_dict, custom_values=None):
        """A complaint from an email sent to the complaints alias, in the alias's company (the
        gateway put it in ``custom_values``, see _qms_gateway_creation_values). The sender is
        matched with Odoo's partner lookup among the partners of that company; an unknown sender
        is kept in the email field and the customer is left to assign."""
        if not isinstance(msg_dict, dict) or not isinstance(custom_values or {}, dict):
            raise UserError(self.env._("A complaint by email is made from the parsed email and values, as dictionaries."))
        self._qms_check_transition_vals(custom_values or {}, creating=True)
        custom_values = custom_values or {}
        company_id = custom_values.get("company_id")
        company = self.env["res.company"].browse(company_id) if isinstance(company_id, int) and company_id \
            else self.env.company
        partner = self._qms_find_sender(msg_dict, company)
        name, _email = tools.parse_contact_from_email(msg_dict.get("email_from") or "")
        defaults = {
            "name": "/",
            "subject": self._qms_mail_subject(msg_dict),
            "description": self._qms_mail_description(msg_dict),
            "email_from": msg_dict.get("email_from"),
            "contact_name": name or partner.name,
            "channel": "email",
            "company_id": company.id,
            "partner_id": partner.id,
            "user_id": False,
        }
        defaults.update(custom_values)
        return super().message_new(msg_dict, custom_values=defaults)

    @api.model
    def _qms_mail_subject(self, msg_dict):
        """The subject of a complaint by email: the email's, on one line, cut to the subject's
        size (the email keeps it whole in the chatter); a fallback when it has none."""
        subject = msg_dict.get("subject")
        subject = " ".join(subject.split()) if isinstance(subject, str) else ""
        if len(subject) > SUBJECT_SIZE:
            subject = subject[:SUBJECT_SIZE - 1] + "…"
        return subject or self.env._("Complaint by email")

    @api.model
    def _qms_mail_description(self, msg_dict):
        """The description of a complaint by email: the email's body (the mail parser has decoded
        and sanitized it); a sentence when the email has no text, naming its attachments."""
        body = msg_dict.get("body")
        if isinstance(body, str) and tools.html2plaintext(body).strip():
            return body
        names = [
            attachment[0] for attachment in msg_dict.get("attachments") or ()
            if isinstance(attachment, tuple | list) and attachment and isinstance(attachment[0], str)
        ]
        if names:
            text = self.env._("The email had no text; its attachments are in the chatter: %s", self._qms_join(names))
        else:
            text = self.env._("The email had no text.")
        return tools.plaintext2html(text)

    @api.model
    def _qms_find_sender(self, msg_dict, company):
        """The partner who sent the mail, among those ``company`` may use: the author the gateway
        found, else Odoo's own lookup of the sender's address (mail.thread)."""
        Partner = self.env["res.partner"]
        company_domain = Partner._check_company_domain(company)
        author_id = msg_dict.get("author_id")
        author = Partner.browse(author_id if isinstance(author_id, int) else []).exists().filtered_domain(company_domain)
        if author or not msg_dict.get("email_from"):
            return author
        return self.env["mail.thread"]._mail_find_partner_from_emails(
            [msg_dict["email_from"]], extra_domain=company_domain,
        )[0]

    def _message_get_suggested_recipients(self):
        recipients = super()._message_get_suggested_recipients()
        for complaint in self:
            if complaint.partner_id:
                complaint._message_add_suggested_recipient(
                    recipients, partner=complaint.partner_id, reason=self.env._("Customer"),
                )
            elif complaint.email_from:
                complaint._message_add_suggested_recipient(
                    recipients, email=complaint.email_from, reason=self.env._("Customer Email"),
                )
        return recipients

    @api.model
    def _qms_pareto(self, groupby, domain=None):
        """Rows of a Pareto analysis: each value of ``groupby`` with its count, its share and the
        cumulative share, largest first."""
        groups = self._read_group(domain or [], [groupby], ["__count"], order="__count desc")
        total = sum(count for _key, count in groups) or 1
        field = self._fields[groupby]
        labels = dict(field._description_selection(self.env)) if field.type == "selection" else {}
        rows, cumulative = [], 0
        for key, count in groups:
            cumulative += count
            rows.append({
                "key": key.id if isinstance(key, models.BaseModel) else key,
                "label": key.display_name if isinstance(key, models.BaseModel) else labels.get(key, key),
                "count": count,
                "percent": 100.0 * count / total,
                "cumulative_percent": 100.0 * cumulative / total,
            })
        return rows

    def _get_report_base_filename(self):
        self.ensure_one()
        return self.env._("Complaint %s", self.name)

    # ------------------------------------------------------------------
    # Containment (8D D3): who else got the lot, what is still in stock
    # ------------------------------------------------------------------

    def _qms_containment_scope(self):
        """What is suspect, as a domain on move lines and quants: the lot, else the product; None
        without either."""
        self.ensure_one()
        if self.lot_id:
            return [("lot_id", "=", self.lot_id.id)]
        if self.product_id:
            return [("product_id", "=", self.product_id.id)]
        return None

    def _qms_affected_domain(self):
        """The done deliveries to customers of the lot; without a lot, of the product delivered
        between the two dates (days of the user's time zone). None when neither is known."""
        self.ensure_one()
        if self.lot_id:
            domain = [("lot_id", "=", self.lot_id.id)]
        elif self.product_id and self.containment_date_from and self.containment_date_to:
            tz = pytz.timezone(self.env.context.get("tz") or self.env.user.tz or "UTC")

            def utc(day):
                return tz.localize(datetime.combine(day, time.min)).astimezone(pytz.UTC).replace(tzinfo=None)

            domain = [
                ("product_id", "=", self.product_id.id),
                ("date", ">=", utc(self.containment_date_from)),
                ("date", "<", utc(self.containment_date_to + timedelta(days=1))),
            ]
        else:
            return None
        return [
            *domain, ("state", "=", "done"),
            ("location_dest_id.usage", "=", "customer"), ("location_id.usage", "!=", "customer"),
        ]

    @api.model
    def _qms_visible(self, model, domain, order=None):
        """The records of ``domain`` in every company (sudo: a lot or a product may be shared
        between companies, and the search must not depend on the company the user works in), of
        which the user is given those his access rights and record rules let him read."""
        Model = self.env[model]
        if domain is None:
            return Model
        return Model.browse(Model.sudo().search(domain, order=order).ids)._filtered_access("read")

    @api.depends("lot_id", "product_id", "containment_date_from", "containment_date_to")
    @api.depends_context("uid", "allowed_company_ids")
    def _compute_affected_move_line_ids(self):
        for complaint in self:
            lines = self._qms_visible("stock.move.line", complaint._qms_affected_domain(), order="date desc, id desc")
            complaint.affected_move_line_ids = lines
            complaint.affected_partner_count = len(lines.mapped(
                lambda line: (line.picking_partner_id or line.move_id.partner_id).commercial_partner_id
            ))
            complaint.affected_qty = sum(lines.mapped("quantity_product_uom"))

    @api.depends("lot_id", "product_id")
    @api.depends_context("uid", "allowed_company_ids")
    def _compute_containment_quant_ids(self):
        for complaint in self:
            scope = complaint._qms_containment_scope()
            quants = self._qms_visible("stock.quant", scope and [
                *scope, ("location_id.usage", "=", "internal"), ("quantity", ">", 0),
            ], order="location_id, id")
            complaint.containment_quant_ids = quants
            complaint.containment_stock_qty = sum(quants.mapped("quantity"))

    @api.depends("lot_id", "product_id")
    @api.depends_context("uid", "allowed_company_ids")
    def _compute_containment_move_ids(self):
        for complaint in self:
            product = complaint.lot_id.product_id or complaint.product_id
            domain = None
            if product:
                domain = [
                    ("product_id", "=", product.id), ("state", "not in", ("draft", "done", "cancel")),
                    ("location_dest_id.usage", "=", "customer"),
                ]
                if complaint.lot_id:
                    domain += ["|", ("move_line_ids.lot_id", "=", complaint.lot_id.id),
                               ("state", "in", ("confirmed", "waiting", "partially_available"))]
            complaint.containment_move_ids = self._qms_visible("stock.move", domain, order="date, id")

    def action_quarantine(self):
        """Contain the stock on hand of the lot (without a lot, of the product), procedure 5.9.5
        and 8D D3: one internal transfer per location that holds it, to the quarantine location
        of its warehouse (made on first use), created with Odoo's stock operations and reserved
        on exactly that stock; the warehouse moves the goods and validates it, so that inventory
        always says where the goods really are. The open transfers that had reserved the stock
        release it first and reserve other stock if there is some; the salespeople of the other
        customers who received it, or wait for it, get a to-do."""
        self._qms_ensure_one()
        self._qms_check_role(
            ["qms_customer_process.group_qms_quality"], self.env._("Only quality quarantines the stock of a complaint."),
        )
        self._qms_check_states(("new", "acknowledged", "investigating", "proposed", "confirmed"))
        if self._qms_containment_scope() is None:
            raise UserError(self.env._("Set the lot or the product of %s before quarantining its stock.", self.name))
        # Two quarantines of one complaint are taken one after the other.
        self.env.cr.execute(SQL("SELECT id FROM qms_customer_complaint WHERE id = %s FOR NO KEY UPDATE", self.id))
        # sudo: quality reads its complaint's transfers, warehouse rights or not.
        pending = self.sudo().quarantine_picking_ids.filtered(lambda picking: picking.state not in ("done", "cancel"))
        if pending:
            raise UserError(self.env._(
                "The quarantine transfers %(transfers)s of %(complaint)s are still open: the warehouse validates "
                "or cancels them before more stock is quarantined.",
                transfers=self._qms_join(pending.mapped("name")), complaint=self.name,
            ))
        # Who is to be told: the customers who received it or wait for it, before the quarantine
        # releases their reservations.
        recipients = self._qms_affected_salespeople()
        # sudo: quality orders the containment (procedure 5.9.5, 8D D3) without warehouse rights;
        # the warehouse carries it out by validating the transfers.
        pickings, released = self.sudo()._qms_create_quarantine_transfers()
        self._qms_write_transition({
            "quarantine_picking_ids": [Command.link(picking.id) for picking in pickings],
            "quarantined_by_id": self.env.user.id,
            "date_quarantined": fields.Datetime.now(),
        })
        items = Markup().join(
            Markup("<li>%s</li>") % self.env._(
                "%(transfer)s: %(qty)s %(uom)s from %(location)s to %(quarantine)s",
                transfer=picking.name, qty=sum(picking.move_ids.mapped("product_uom_qty")),
                uom=picking.move_ids[:1].product_uom.name, location=picking.location_id.complete_name,
                quarantine=picking.location_dest_id.complete_name,
            )
            for picking in pickings
        )
        body = Markup("<p>%s</p><ul>%s</ul>") % (
            self.env._("Stock quarantined, waiting for the warehouse to move it:"), items,
        )
        if released:
            body += Markup("<p>%s</p>") % self.env._(
                "These transfers released the stock they had reserved: %s", self._qms_join(released.mapped("display_name")),
            )
        self.message_post(body=body, subtype_xmlid="mail.mt_note")
        self._qms_notify_affected_salespeople(*recipients)
        return True

    def _qms_create_quarantine_transfers(self):
        """The quarantine transfers of the complaint's company's stock, one per location that
        holds it (called as superuser by action_quarantine, after its checks). Returns the
        transfers and the other transfers whose reservation of that stock was released."""
        self.ensure_one()
        Quant, MoveLine = self.env["stock.quant"], self.env["stock.move.line"]
        base = [
            *self._qms_containment_scope(), ("company_id", "=", self.company_id.id),
            ("location_id.usage", "=", "internal"), ("location_id.qms_quarantine", "=", False),
        ]
        quants = Quant.search([*base, ("quantity", ">", 0)])
        if not quants:
            raise UserError(self.env._("No stock of %s is on hand to quarantine.", (self.lot_id or self.product_id).display_name))
        # The open transfers (deliveries above all) that reserved this stock release it.
        held = MoveLine.search([
            *base, ("state", "not in", ("done", "cancel")), ("picked", "=", False), ("quantity", ">", 0),
            ("location_id", "in", quants.location_id.ids),
        ])
        released_moves = held.move_id
        released_moves._do_unreserve()
        by_location = defaultdict(list)
        for quant in quants:
            available = quant.quantity - quant.reserved_quantity
            if float_compare(available, 0, precision_rounding=quant.product_id.uom_id.rounding) > 0:
                by_location[quant.location_id].append((quant, available))
        if not by_location:
            raise UserError(self.env._(
                "The stock of %s on hand is being picked for other transfers: nothing is left to quarantine.",
                (self.lot_id or self.product_id).display_name,
            ))
        pickings = self.env["stock.picking"]
        for location, available in by_location.items():
            warehouse = location.warehouse_id or self.env["stock.warehouse"].search(
                [("company_id", "=", self.company_id.id)], limit=1,
            )
            quarantine = self._qms_quarantine_location(warehouse)
            product = available[0][0].product_id
            picking = pickings.create({
                "picking_type_id": warehouse.int_type_id.id,
                "location_id": location.id,
                "location_dest_id": quarantine.id,
                "company_id": self.company_id.id,
                "origin": self.name,
                "move_ids": [Command.create({
                    "name": self.env._("Quarantine of %(what)s (%(complaint)s)",
                                       what=(self.lot_id or product).display_name, complaint=self.name),
                    "product_id": product.id,
                    "product_uom": product.uom_id.id,
                    "product_uom_qty": sum(quantity for _quant, quantity in available),
                    "location_id": location.id,
                    "location_dest_id": quarantine.id,
                    "company_id": self.company_id.id,
                })],
            })
            move = picking.move_ids
            move._action_confirm()
            # Reserved on exactly the quants of this location (not on those of its sub-locations,
            # which get their own transfer), as the detailed operations of the transfer would: what
            # the confirmation reserved by itself (the operation type may reserve at once) goes back.
            move._do_unreserve()
            MoveLine.create([{
                "move_id": move.id, "picking_id": picking.id, "quant_id": quant.id, "quantity": quantity,
                "product_uom_id": product.uom_id.id, "location_dest_id": quarantine.id,
            } for quant, quantity in available])
            pickings |= picking
        released_moves._action_assign()
        return pickings, released_moves.picking_id

    @api.model
    def _qms_quarantine_location(self, warehouse):
        """The warehouse's quarantine location (an internal location outside its stock location,
        so that deliveries never reserve from it), made on first use."""
        Location = self.env["stock.location"].sudo()
        location = Location.search([
            ("qms_quarantine", "=", True), ("warehouse_id", "=", warehouse.id), ("usage", "=", "internal"),
        ], limit=1)
        if not location:
            # sudo: quality orders the quarantine; its location is made once per warehouse.
            location = Location.create({
                "name": self.with_context(lang=warehouse.company_id.partner_id.lang or "en_US").env._("Quarantine"),
                "usage": "internal",
                "location_id": warehouse.view_location_id.id,
                "company_id": warehouse.company_id.id,
                "qms_quarantine": True,
            })
        return location

    def _qms_affected_salespeople(self):
        """The other customers who received the lot (or the product in the window) or have an
        open delivery of it, with their salespeople: ({(customer, salesperson): references},
        {(customer, salesperson): references})."""
        self.ensure_one()
        received, waiting = defaultdict(set), defaultdict(set)
        # sudo: of the deliveries the user may see, who sold them (quality has no sales rights).
        for line in self.affected_move_line_ids.sudo():
            partner = (line.picking_partner_id or line.move_id.partner_id).commercial_partner_id
            user = line.move_id.sale_line_id.order_id.user_id or partner.user_id
            received[partner, user].add(line.picking_id.name or line.reference)
        for move in self.containment_move_ids.sudo():
            partner = (move.picking_id.partner_id or move.partner_id).commercial_partner_id
            user = move.sale_line_id.order_id.user_id or partner.user_id
            waiting[partner, user].add(move.picking_id.name or move.reference)
        return received, waiting

    def _qms_notify_affected_salespeople(self, received, waiting):
        """A to-do for the salesperson of each other customer who received the lot or waits for
        it (``_qms_affected_salespeople``), on that customer, in the salesperson's language; none
        twice."""
        self.ensure_one()
        customer = self.commercial_partner_id
        keys = [key for key in {**received, **waiting} if key[0] and key[0] != customer and key[1]]
        if not keys:
            return
        what = (self.lot_id or self.product_id).display_name
        Activity = self.env["mail.activity"].sudo()
        todo = self.env.ref("mail.mail_activity_data_todo")
        summaries = {
            user: self.with_context(lang=user.lang).env._("%(what)s under containment (%(complaint)s)",
                                                           what=what, complaint=self.name)
            for user in {user for _partner, user in keys}
        }
        existing = {
            (activity["res_id"], activity["user_id"][0], activity["summary"])
            for activity in Activity.search_read([
                ("res_model", "=", "res.partner"), ("res_id", "in", [partner.id for partner, _user in keys]),
                ("summary", "in", list(summaries.values())),
            ], ["res_id", "user_id", "summary"])
        }
        # The customers' names read at once (a query per customer otherwise: each came from its
        # own delivery), for the notes and the to-dos' record names.
        partners = self.env["res.partner"].sudo().browse({partner.id for partner, _user in keys})
        names = dict(zip(partners.ids, partners.mapped("display_name"), strict=True))
        vals_list = []
        for partner, user in keys:
            if (partner.id, user.id, summaries[user]) in existing:
                continue
            env = self.with_context(lang=user.lang).env
            notes = []
            if received.get((partner, user)):
                notes.append(env._("%(customer)s received %(what)s: %(deliveries)s.", customer=names[partner.id],
                                   what=what, deliveries=self.with_env(env)._qms_join(sorted(received[partner, user]))))
            if waiting.get((partner, user)):
                notes.append(env._("%(customer)s waits for these deliveries of it: %(deliveries)s.",
                                   customer=names[partner.id],
                                   deliveries=self.with_env(env)._qms_join(sorted(waiting[partner, user]))))
            notes.append(env._("Complaint %(complaint)s: %(subject)s. Tell the customer and agree what to do with it.",
                               complaint=self.name, subject=self.subject))
            vals_list.append({
                "res_model_id": self.env["ir.model"]._get_id("res.partner"),
                "res_id": partner.id,
                "activity_type_id": todo.id,
                "user_id": user.id,
                "summary": summaries[user],
                "note": Markup("<br/>").join(notes),
                "date_deadline": fields.Date.context_today(self),
            })
        # sudo: the procedure has quality tell sales (8D D3); quality need not edit customers.
        # Created as core creates activities in bulk (mail_activity_quick_update): without the
        # "assigned to you" e-mail of each to-do, a dozen queries per customer; the to-dos show
        # in the salespeople's activities as any other.
        Activity.with_context(mail_activity_quick_update=True).create(vals_list)

    def _qms_containment_summary(self):
        """What the D3 section of the forms prints: the customers who received the lot, the
        transfers to quarantine, who ordered them and when."""
        self.ensure_one()
        customers = {}
        for line in self.affected_move_line_ids:
            partner = (line.picking_partner_id or line.move_id.partner_id).commercial_partner_id
            row = customers.setdefault(partner, {"partner": partner, "deliveries": set(), "qty": 0.0})
            row["deliveries"].add(line.picking_id.id or line.move_id.id)
            row["qty"] += line.quantity_product_uom
        # sudo: whoever may read the complaint reads what was contained, warehouse rights or not.
        pickings = self.sudo().quarantine_picking_ids.sorted("id")
        return {
            "customers": sorted(customers.values(), key=lambda row: (-row["qty"], row["partner"].display_name or "")),
            "uom": (self.lot_id.product_id or self.product_id).uom_id.name,
            "transfers": [{
                "picking": picking,
                "source": picking.location_id.complete_name,
                "destination": picking.location_dest_id.complete_name,
                "qty": sum(picking.move_ids.mapped("product_uom_qty")),
                "state": dict(picking._fields["state"]._description_selection(self.env)).get(picking.state),
                "date_done": picking.date_done,
            } for picking in pickings],
        }
