from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError

SAMPLE_STATES = [
    ("draft", "Draft"),
    ("submitted", "Submitted"),
    ("approved", "Approved"),
    ("in_production", "In Production"),
    ("sent", "Sent"),
    ("customer_approved", "Customer Approved"),
    ("customer_rejected", "Customer Rejected"),
    ("closed", "Closed"),
    ("cancel", "Cancelled"),
]
OPEN_STATES = ("draft", "submitted", "approved", "in_production", "sent")
# What may still be filled in at each state; everything else is closed to edits.
REQUEST_FIELDS = {
    "partner_id", "contact_id", "user_id", "purpose", "request_date", "required_date", "line_ids",
    "customer_requirements", "attachment_ids", "company_id",
}
PRODUCTION_FIELDS = {"assigned_department", "assigned_user_id", "production_due_date", "production_note"}
SHIPPING_FIELDS = {"sent_date", "carrier", "tracking_ref", "delivery_address_id", "picking_id"}
DECISION_FIELDS = {"customer_decided_by", "customer_comment", "approval_document_ids"}
EDITABLE_FIELDS = {
    "draft": REQUEST_FIELDS | PRODUCTION_FIELDS,
    "submitted": PRODUCTION_FIELDS,
    "approved": PRODUCTION_FIELDS | SHIPPING_FIELDS,
    "in_production": PRODUCTION_FIELDS | SHIPPING_FIELDS,
    "sent": SHIPPING_FIELDS | DECISION_FIELDS,
    "customer_approved": set(),
    "customer_rejected": set(),
    "closed": set(),
    "cancel": set(),
}
# The fields the state controls; the others (chatter, activities, portal token) stay free.
CONTROLLED_FIELDS = REQUEST_FIELDS | PRODUCTION_FIELDS | SHIPPING_FIELDS | DECISION_FIELDS


class QmsSampleRequest(models.Model):
    _name = "qms.sample.request"
    _description = "Sample Request"
    _inherit = ["qms.workflow.mixin", "portal.mixin", "mail.thread", "mail.activity.mixin"]
    _order = "id desc"
    _qms_transition_fields = (
        "state", "revision", "previous_id", "origin_id", "submitted_on",
        "manager_approved_by_id", "manager_approved_on", "gm_approved_by_id", "gm_approved_on",
        "production_started_on", "customer_decision", "customer_decided_on",
        "customer_decided_on_portal", "closed_on",
        # mirrors the customer: the portal decides by it
        "commercial_partner_id",
    )
    _check_company_auto = True

    name = fields.Char(string="Reference", required=True, readonly=True, copy=False, default="/", index="trigram")
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company,
    )
    state = fields.Selection(
        SAMPLE_STATES, string="Status", required=True, default="draft", readonly=True, copy=False,
        index=True, tracking=True,
    )
    # The request (样品需求单)
    partner_id = fields.Many2one(
        "res.partner", string="Customer", tracking=True, index=True, check_company=True,
        domain="[('is_company', '=', True)]",
    )
    commercial_partner_id = fields.Many2one(
        related="partner_id.commercial_partner_id", string="Commercial Entity", store=True, index=True,
    )
    contact_id = fields.Many2one(
        "res.partner", string="Contact", tracking=True, check_company=True,
        domain="[('id', 'child_of', partner_id), ('id', '!=', partner_id)]",
        help="The person at the customer the sample is for.",
    )
    user_id = fields.Many2one(
        "res.users", string="Salesperson", tracking=True, index=True,
        default=lambda self: self.env.user, domain="[('share', '=', False)]",
    )
    purpose = fields.Selection(
        [
            ("new_development", "New Product Development"),
            ("modification", "Modification of a Standard Product"),
            ("trial", "Trial Production for an Order"),
        ],
        required=True, default="new_development", tracking=True,
        help="A new product development also needs the general manager's approval.",
    )
    request_date = fields.Date(required=True, default=fields.Date.context_today, tracking=True)
    required_date = fields.Date(tracking=True, help="When the customer needs the sample.")
    line_ids = fields.One2many("qms.sample.request.line", "request_id", string="Samples", copy=True)
    customer_requirements = fields.Html()
    attachment_ids = fields.Many2many(
        "ir.attachment", "qms_sample_request_attachment_rel", "request_id", "attachment_id",
        string="Attachments", help="Drawings, specifications and other documents from the customer.",
    )
    submitted_on = fields.Datetime(readonly=True, copy=False)
    # Internal approval (业务样机审批表)
    needs_gm_approval = fields.Boolean(
        string="Needs General Manager Approval", compute="_compute_needs_gm_approval",
    )
    manager_approved_by_id = fields.Many2one("res.users", string="Approved by (Sales Manager)", readonly=True, copy=False)
    manager_approved_on = fields.Datetime(string="Sales Manager Approved On", readonly=True, copy=False)
    gm_approved_by_id = fields.Many2one("res.users", string="Approved by (General Manager)", readonly=True, copy=False)
    gm_approved_on = fields.Datetime(string="General Manager Approved On", readonly=True, copy=False)
    # Production
    assigned_department = fields.Selection(
        [("rd", "R&D / Engineering"), ("production", "Production")],
        string="Made By", tracking=True, copy=False,
    )
    assigned_user_id = fields.Many2one(
        "res.users", string="Responsible", tracking=True, copy=False, index=True,
        domain="[('share', '=', False)]",
        help="The R&D or production member who makes the sample.",
    )
    production_due_date = fields.Date(tracking=True, copy=False)
    production_started_on = fields.Datetime(readonly=True, copy=False)
    production_note = fields.Text(string="Production Record", copy=False)
    # Shipping
    sent_date = fields.Date(string="Sent On", tracking=True, copy=False)
    carrier = fields.Char(tracking=True, copy=False)
    tracking_ref = fields.Char(string="Tracking Reference", tracking=True, copy=False)
    delivery_address_id = fields.Many2one("res.partner", string="Delivery Address", copy=False, check_company=True)
    picking_id = fields.Many2one("stock.picking", string="Delivery Order", copy=False, check_company=True)
    # The customer's decision (样品承认书)
    customer_decision = fields.Selection(
        [("approved", "Sample Approved"), ("rejected", "Sample Not Approved")],
        readonly=True, copy=False, tracking=True,
    )
    customer_decided_by = fields.Char(
        string="Decided by (customer)", copy=False, tracking=True,
        help="Who at the customer approved or rejected the sample.",
    )
    customer_decided_on = fields.Datetime(readonly=True, copy=False)
    customer_decided_on_portal = fields.Boolean(string="Decided on the Portal", readonly=True, copy=False)
    customer_comment = fields.Text(string="Customer Comments", copy=False)
    approval_document_ids = fields.Many2many(
        "ir.attachment", "qms_sample_request_approval_doc_rel", "request_id", "attachment_id",
        string="Signed Approval Document", copy=False,
    )
    closed_on = fields.Datetime(readonly=True, copy=False)
    # Revisions
    revision = fields.Integer(string="Revision No.", default=1, readonly=True, copy=False)
    previous_id = fields.Many2one(
        "qms.sample.request", string="Previous Revision", readonly=True, copy=False, index=True,
        ondelete="restrict", check_company=True,
    )
    origin_id = fields.Many2one(
        "qms.sample.request", string="First Revision", readonly=True, copy=False, index=True,
        ondelete="restrict", check_company=True,
    )
    next_revision_ids = fields.One2many("qms.sample.request", "previous_id", string="Next Revisions")
    revision_count = fields.Integer(compute="_compute_revision_count")
    sale_line_count = fields.Integer(string="Quotation Lines", compute="_compute_sale_line_count")

    _sql_constraints = [
        ("revision_positive", "CHECK(revision >= 1)", "The revision of a sample request starts at 1."),
    ]

    @api.depends("purpose")
    def _compute_needs_gm_approval(self):
        for request in self:
            request.needs_gm_approval = request.purpose == "new_development"

    def _compute_revision_count(self):
        for request in self:
            origin = request.origin_id or request
            request.revision_count = self.search_count([
                "|", ("id", "=", origin.id), ("origin_id", "=", origin.id),
            ]) if request.id else 1

    def _compute_sale_line_count(self):
        for request in self:
            request.sale_line_count = len(request._qms_sale_lines()) if request.id else 0

    def _compute_access_url(self):
        for request in self:
            request.access_url = f"/my/samples/{request.id}"

    @api.constrains("request_date", "required_date")
    def _check_dates(self):
        for request in self:
            if request.required_date and request.request_date and request.required_date < request.request_date:
                raise ValidationError(self.env._(
                    "The required date of %s cannot be before its request date.", request.name,
                ))

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self._qms_check_values(vals)
            if vals.get("name", "/") == "/":
                company = self.env["res.company"].browse(vals.get("company_id")) or self.env.company
                vals["name"] = self.env["ir.sequence"].with_company(company).next_by_code("qms.sample.request") or "/"
        return super().create(vals_list)

    def write(self, vals):
        self._qms_check_values(vals)
        if not self.env.su:
            self.check_access("write")
            self._qms_check_editable(set(vals))
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_record(self):
        for request in self:
            if request.state not in ("draft", "cancel") or request.submitted_on:
                raise UserError(self.env._(
                    "%s was submitted: it is a record of the procedure; cancel it instead of deleting it.", request.name,
                ))

    # Actions

    def action_submit(self):
        """Draft → submitted: the request goes to the sales manager (and the general manager)."""
        for request in self:
            request._qms_check_state("draft")
            request._qms_check_coordinator()
            if not request.partner_id:
                raise UserError(self.env._("Choose the customer of %s before submitting it.", request.name))
            if not request.line_ids:
                raise UserError(self.env._("Add the requested samples to %s before submitting it.", request.name))
        for request in self:
            request._qms_write_transition({"state": "submitted", "submitted_on": fields.Datetime.now()})
            request._qms_schedule(
                "sales_team.group_sale_manager",
                lambda env, request=request: env._("Approve sample request %s", request.name),
            )
        return True

    def action_approve(self):
        """Internal approval: the sales manager, then for a new development the general manager."""
        now = fields.Datetime.now()
        user = self.env.user
        vals_by_request = {}
        for request in self:
            request._qms_check_state("submitted")
            if not request.manager_approved_by_id:
                if not user.has_group("sales_team.group_sale_manager"):
                    raise AccessError(self.env._("Only a sales manager approves the sample request %s.", request.name))
                vals = {"manager_approved_by_id": user.id, "manager_approved_on": now}
            else:
                if not user.has_group("qms_customer_process.group_qms_general_manager"):
                    raise AccessError(self.env._(
                        "%s is a new product development: only the general manager approves it now.", request.name,
                    ))
                vals = {"gm_approved_by_id": user.id, "gm_approved_on": now}
            if not request.needs_gm_approval or "gm_approved_by_id" in vals:
                vals["state"] = "approved"
            vals_by_request[request] = vals
        for request, vals in vals_by_request.items():
            done = vals.get("state") == "approved"
            request._qms_write_transition(vals)
            request._qms_done_activities()
            if done:
                if request.user_id:
                    request._qms_schedule_users(request.user_id, lambda env, request=request: env._(
                        "Sample request %s approved", request.name))
            else:
                request._qms_schedule(
                    "qms_customer_process.group_qms_general_manager",
                    lambda env, request=request: env._("Approve new development sample %s", request.name),
                )
        return True

    def action_start_production(self):
        """Approved → in production, with the R&D or production member and the due date."""
        for request in self:
            request._qms_check_state("approved")
            request._qms_check_coordinator(allow_assigned=True)
            if not (request.assigned_department and request.assigned_user_id and request.production_due_date):
                raise UserError(self.env._(
                    "Assign %s to R&D or production, with a responsible and a due date, before production starts.",
                    request.name,
                ))
        for request in self:
            request._qms_write_transition({"state": "in_production", "production_started_on": fields.Datetime.now()})
            request._qms_schedule_users(
                request.assigned_user_id, lambda env, request=request: env._("Make sample %s", request.name),
                request.production_due_date,
            )
        return True

    def action_send(self):
        """In production → sent to the customer."""
        for request in self:
            request._qms_check_state("in_production")
            request._qms_check_coordinator(allow_assigned=True)
            if not (request.carrier or request.tracking_ref or request.picking_id):
                raise UserError(self.env._("Record how %s was sent (carrier, tracking or delivery order).", request.name))
        for request in self:
            vals = {"state": "sent"}
            if not request.sent_date:
                vals["sent_date"] = fields.Date.context_today(self)
            request._qms_write_transition(vals)
            request._qms_done_activities()
        # The customer is told that the sample is on its way and waits for its approval (样品承认书).
        self._qms_mail_customer(
            "qms_customer_process.mail_template_sample_sent", "qms_mail_sample_sent",
            contact=lambda request: request.contact_id or request.partner_id,
        )
        return True

    def action_customer_approve(self, decided_by=None, comment=None):
        """Record the customer's approval of the sent sample (样品承认书)."""
        return self._qms_customer_decide("approved", decided_by, comment)

    def action_customer_reject(self, decided_by=None, comment=None):
        """Record the customer's rejection of the sent sample; a comment is required."""
        return self._qms_customer_decide("rejected", decided_by, comment)

    def action_close(self):
        for request in self:
            request._qms_check_state("customer_approved", "customer_rejected")
            request._qms_check_coordinator()
        for request in self:
            request._qms_write_transition({"state": "closed", "closed_on": fields.Datetime.now()})
        return True

    def action_cancel(self):
        for request in self:
            request._qms_check_state(*OPEN_STATES)
            request._qms_check_coordinator()
        for request in self:
            request._qms_write_transition({"state": "cancel"})
            request._qms_done_activities()
        return True

    def action_reset_draft(self):
        """A submitted request not approved yet goes back to its salesperson."""
        for request in self:
            request._qms_check_state("submitted")
            request._qms_check_coordinator()
        for request in self:
            request._qms_write_transition({
                "state": "draft", "manager_approved_by_id": False, "manager_approved_on": False,
                "gm_approved_by_id": False, "gm_approved_on": False,
            })
            request._qms_done_activities()
        return True

    def action_new_revision(self):
        """A rejected sample starts a new revision of the same request, linked to the earlier ones."""
        self._qms_ensure_one()
        if self.customer_decision != "rejected":
            raise UserError(self.env._("Only a sample the customer rejected can start a new revision."))
        if self.next_revision_ids:
            raise UserError(self.env._("%s already has a new revision.", self.name))
        self._qms_check_coordinator()
        origin = self.origin_id or self
        base = origin.name
        revision = self.revision + 1
        today = fields.Date.context_today(self)
        new = self.copy({
            "name": f"{base}-R{revision}",
            "request_date": today,
            "required_date": self.required_date if self.required_date and self.required_date >= today else False,
        })
        # The link between revisions is set by this action only (the revision chain of the
        # procedure's sample request); the salesperson owns both records.
        new._qms_write_transition({"revision": revision, "previous_id": self.id, "origin_id": origin.id})
        if self.state == "customer_rejected":
            self._qms_write_transition({"state": "closed", "closed_on": fields.Datetime.now()})
        self.message_post(body=self.env._("New revision %s started after the customer's rejection.", new.name))
        new.message_post(body=self.env._(
            "Revision %(rev)s of %(origin)s; the customer rejected %(previous)s: %(comment)s",
            rev=revision, origin=base, previous=self.name, comment=self.customer_comment or "",
        ))
        return {
            "type": "ir.actions.act_window",
            "res_model": "qms.sample.request",
            "res_id": new.id,
            "view_mode": "form",
        }

    def action_view_revisions(self):
        self._qms_ensure_one()
        origin = self.origin_id or self
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Revisions"),
            "res_model": "qms.sample.request",
            "view_mode": "list,form",
            "domain": ["|", ("id", "=", origin.id), ("origin_id", "=", origin.id)],
        }

    def action_view_sale_lines(self):
        self._qms_ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Quotation Lines"),
            "res_model": "sale.order.line",
            "view_mode": "list",
            "domain": [("id", "in", self._qms_sale_lines().ids)],
        }

    # Business methods

    def _qms_customer_decide(self, decision, decided_by, comment):
        self._qms_check_text(decided_by, self.env._("Who decided at the customer"))
        self._qms_check_text(comment, self.env._("The customer's comment"))
        decided_by = (decided_by or "").strip() or None
        for request in self:
            if request.state != "sent":
                raise UserError(self.env._(
                    "The customer decides on %s once the sample is sent.", request.name,
                ))
            text = comment if comment is not None else request.customer_comment
            if decision == "rejected" and not (text or "").strip():
                raise UserError(self.env._("Give the customer's reasons to reject the sample %s.", request.name))
            if not self.env.user.share:
                request._qms_check_coordinator()
            elif not self.env.user._is_public() and (
                request.commercial_partner_id != self.env.user.partner_id.commercial_partner_id
            ):
                # A portal user decides only on its own company's samples (a visitor with the
                # document's access token was checked by the portal).
                raise AccessError(self.env._("You can only decide on your own company's samples."))
        now = fields.Datetime.now()
        user = self.env.user
        portal_user = user.share and not user._is_public()
        for request in self:
            text = comment if comment is not None else request.customer_comment
            who = (
                decided_by
                or (portal_user and user.partner_id.name)
                or request.customer_decided_by
                or request.contact_id.name
                or request.partner_id.name
            )
            vals = {
                "state": "customer_approved" if decision == "approved" else "customer_rejected",
                "customer_decision": decision,
                "customer_decided_by": who,
                "customer_decided_on": now,
                "customer_decided_on_portal": user.share,
                "customer_comment": text,
            }
            request._qms_write_transition(vals)
            local = request._qms_in_lang()  # the chatter is written in the company's language
            label = dict(self._fields["customer_decision"]._description_selection(local.env))[decision]
            request.message_post(
                body=local.env._("Customer decision: %(decision)s by %(who)s. %(comment)s",
                                 decision=label, who=who, comment=text or ""),
                author_id=(request.contact_id or request.partner_id).id if user._is_public() else user.partner_id.id,
            )
            if request.user_id:
                request._qms_schedule_users(
                    request.user_id, lambda env, request=request: env._(
                        "Sample %(name)s: customer %(decision)s", name=request.name,
                        decision=dict(self._fields["customer_decision"]._description_selection(env))[decision]),
                )
        return True

    def _qms_check_state(self, *states):
        self.ensure_one()
        if self.state not in states:
            labels = dict(self._fields["state"]._description_selection(self.env))
            raise UserError(self.env._(
                "%(name)s is %(state)s: this step needs it to be %(expected)s.",
                name=self.name, state=labels[self.state], expected=self._qms_join(labels[s] for s in states),
            ))

    def _qms_check_coordinator(self, allow_assigned=False):
        """The salesperson of the request, a sales manager, the general manager or the QMS
        administrator moves it on; with allow_assigned, the responsible R&D/production member too."""
        self.ensure_one()
        user = self.env.user
        if (
            user == self.user_id
            or (allow_assigned and user == self.assigned_user_id)
            or user.has_group("sales_team.group_sale_salesman_all_leads")
            or user.has_group("qms_customer_process.group_qms_general_manager")
            or user.has_group("qms_customer_process.group_qms_manager")
        ):
            return
        if user.has_group("sales_team.group_sale_salesman") and not self.user_id:
            return
        raise AccessError(self.env._("You are not responsible for the sample request %s.", self.name))

    def _qms_check_editable(self, field_names):
        user = self.env.user
        # R&D and production members record the production and the shipping, not the request.
        maker_only = not (
            user.has_group("sales_team.group_sale_salesman")
            or user.has_group("qms_customer_process.group_qms_general_manager")
            or user.has_group("qms_customer_process.group_qms_manager")
        )
        for request in self:
            editable = EDITABLE_FIELDS[request.state]
            if maker_only:
                editable = editable & (PRODUCTION_FIELDS | SHIPPING_FIELDS)
            closed = (field_names & CONTROLLED_FIELDS) - editable
            if closed:
                labels = self._qms_join(sorted(self._fields[name].get_description(self.env)["string"] for name in closed))
                raise UserError(self.env._(
                    "%(name)s is %(state)s: these fields can no longer be changed: %(fields)s.",
                    name=request.name,
                    state=dict(self._fields["state"]._description_selection(self.env))[request.state],
                    fields=labels,
                ))

    def _qms_schedule(self, group_xmlid, summary):
        users = self.env.ref(group_xmlid).sudo().users.filtered(
            lambda u: not u.share and self.company_id in u.company_ids
        )
        self._qms_schedule_users(users, summary)

    def _qms_schedule_users(self, users, summary, date_deadline=None):
        """A to-do for each of ``users``; ``summary(env)`` writes its text in ``env``'s language,
        the user's."""
        # sudo: the procedure has the next person of the sample flow notified by whoever moves
        # the request on, who may not read that person's activities.
        request = self.sudo()
        for user in users:
            request.activity_schedule(
                "mail.mail_activity_data_todo", user_id=user.id, summary=summary(self._qms_in_lang(user).env),
                date_deadline=date_deadline,
            )

    def _qms_done_activities(self):
        activities = self.sudo().activity_ids.filtered(
            lambda a: a.activity_type_id == self.env.ref("mail.mail_activity_data_todo")
        )
        if activities:
            activities.action_feedback(feedback=self.env._("Done: %s", self.name))

    def _qms_sale_lines(self):
        """Quotation lines of this approved sample's products for this customer."""
        self.ensure_one()
        if self.customer_decision != "approved":
            return self.env["sale.order.line"]
        products = self.line_ids.product_id
        if not products:
            return self.env["sale.order.line"]
        lines = self.env["sale.order.line"].search([
            ("product_id", "in", products.ids),
            ("order_id.partner_id", "child_of", self.commercial_partner_id.id),
        ])
        return lines.filtered(lambda line: line.qms_sample_id == self)

    @api.model
    def _qms_approved_samples(self, products, companies):
        """{(company id, product id, commercial partner id): latest approved sample}. A sample is
        the reference of its own customer's orders only: another customer's approval says nothing
        of what this customer accepted."""
        if not products:
            return {}
        # sudo: an approved sample is the reference of later orders (procedure step 7); whoever
        # works on such an order sees which sample it refers to.
        lines = self.env["qms.sample.request.line"].sudo().search([
            ("product_id", "in", products.ids),
            ("request_id.customer_decision", "=", "approved"),
            ("request_id.company_id", "in", companies.ids),
        ])
        result = {}
        for line in lines.sorted(lambda rl: (rl.request_id.customer_decided_on or fields.Datetime.from_string("1970-01-01"),
                                             rl.request_id.id)):
            request = line.request_id
            result[(request.company_id.id, line.product_id.id, request.commercial_partner_id.id)] = request
        return result

    def _get_report_base_filename(self):
        self.ensure_one()
        return f"{self.env._('Sample Request')} {self.name}"
