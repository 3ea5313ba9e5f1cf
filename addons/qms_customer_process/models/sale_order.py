import hashlib
from collections import defaultdict
from contextlib import contextmanager

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import SQL

from .qms_review_role import GM_CODE

# The terms a contract review approves: changing one makes the review outdated.
REVIEWED_ORDER_FIELDS = {
    "order_line", "partner_id", "commitment_date", "payment_term_id", "pricelist_id",
    "qms_requirement_ids",
}
# The terms the order's lines and requirements carry: their own create/write/unlink report them.
REVIEWED_CHILD_FIELDS = {"order_line", "qms_requirement_ids"}
# What confirming or sending writes besides the state; any other value written with the state
# may change what the gate decides, so the gate is checked again after such a write.
CONFIRMATION_FIELDS = {"state", "date_order"}
# What the customer KPIs take from an order (qms.customer.kpi.report): whether and when it was
# confirmed and for whom (customer months), and the customer, salesperson and promised date of its
# deliveries.
KPI_FIELDS = {"state", "date_order", "partner_id", "company_id", "user_id", "commitment_date"}
# What its done deliveries' facts take from it (not its state: confirming it changes none).
DELIVERY_KPI_FIELDS = {"partner_id", "user_id", "commitment_date"}
GATED_STATES = ("sent", "sale")
# Transaction-wide (cursor cache, never the client's context): the orders being written, with the
# reviewed terms their lines and requirements changed meanwhile.
TERM_CHANGES_KEY = "qms_customer_process.term_changes"
CREATING_KEY = "qms_customer_process.creating_orders"
QMS_OVERRIDE_FIELDS = {"qms_contract_type_override", "qms_override_reason"}
CONTRACT_TYPES = [("regular", "Regular"), ("special", "Special")]


class SaleOrder(models.Model):
    _name = "sale.order"
    # The workflow idiom of the addon first, so that its guards see every call, the mail
    # gateway's included.
    _inherit = ["qms.workflow.mixin", "sale.order"]
    # Written only by the review mechanism itself.
    _qms_transition_fields = (
        "qms_review_revision", "qms_review_outdated", "qms_review_state", "qms_review_required",
        "qms_contract_type", "qms_contract_type_auto", "qms_special_reason_data", "qms_review_decided_on",
        "qms_acceptance_held_on", "qms_accepted_terms",
        "qms_review_conclusion", "qms_review_concluded_by_id", "qms_review_concluded_on",
        "qms_review_changed_terms",
    )

    # Requirements and classification
    qms_requirement_ids = fields.One2many(
        "qms.customer.requirement", "order_id", string="Customer Requirements", copy=True,
    )
    qms_new_development = fields.Boolean(
        string="New Development or Modification",
        tracking=True,
        help="The order asks for a new product or a modification of a standard product: it is a special contract.",
    )
    qms_contract_type_auto = fields.Selection(
        CONTRACT_TYPES, string="Computed Contract Type",
        compute="_compute_qms_contract_type_auto", store=True,
    )
    # Why the order was classified special, as facts (a reason code and its values) stored when
    # it was classified; the text is written from them in the language of whoever reads it.
    qms_special_reason_data = fields.Json(
        string="Why Special (Facts)", compute="_compute_qms_contract_type_auto", store=True, copy=False,
    )
    qms_special_reason = fields.Text(string="Why Special", compute="_compute_qms_special_reason")
    qms_contract_type_override = fields.Selection(
        CONTRACT_TYPES, string="Contract Type Override", tracking=True, copy=False,
        help="Set by a sales manager, with a reason, to classify the order differently from the rules.",
    )
    qms_override_reason = fields.Char(string="Override Reason", tracking=True, copy=False)
    qms_contract_type = fields.Selection(
        CONTRACT_TYPES, string="Contract Type",
        compute="_compute_qms_contract_type", store=True, index=True, tracking=True,
        help="Regular: standard products within the company's approved capability. "
        "Special: anything else (new development, modification, non-standard requirement, "
        "beyond the capability commitment).",
    )

    # Review
    qms_review_required = fields.Boolean(
        string="Review Required Before Confirmation",
        compute="_compute_qms_review_required", store=True,
    )
    qms_review_revision = fields.Integer(string="Review Revision", readonly=True, copy=False)
    qms_review_outdated = fields.Boolean(readonly=True, copy=False)
    qms_review_line_ids = fields.One2many(
        "qms.contract.review.line", "order_id", string="Department Reviews", copy=False,
    )
    qms_review_state = fields.Selection(
        [
            ("not_required", "Not Required"),
            ("draft", "To Request"),
            ("in_review", "In Review"),
            ("approved", "Approved"),
            ("rejected", "Rejected"),
            ("outdated", "Outdated"),
        ],
        string="Contract Review",
        compute="_compute_qms_review_state", store=True, index=True, tracking=True,
    )
    qms_review_decided_on = fields.Datetime(
        string="Last Review Decision", readonly=True, copy=False,
        help="When a department last decided its line of the contract review.",
    )
    qms_pending_departments = fields.Char(
        string="Pending Departments", compute="_compute_qms_pending_departments",
    )
    qms_review_conditions = fields.Text(
        string="Acceptance Conditions", compute="_compute_qms_review_conditions",
        help="The conditions under which the departments accepted the current review revision.",
    )
    qms_review_changed_terms = fields.Char(
        string="Terms Changed Since the Review", readonly=True, copy=False,
        help="The reviewed terms changed since the current revision was requested: the next revision is "
        "reviewed by the departments they concern.",
    )
    # The organiser's conclusion (procedure 4.4.4-4.4.5)
    qms_review_conclusion = fields.Text(
        string="Review Conclusion", readonly=True, copy=False, tracking=True,
        help="The organiser's consolidated conclusion of the departments' opinions: whether the special terms are "
        "clear and accepted, and the measures the company takes to meet them.",
    )
    qms_review_concluded_by_id = fields.Many2one("res.users", string="Concluded By", readonly=True, copy=False)
    qms_review_concluded_on = fields.Datetime(string="Concluded On", readonly=True, copy=False)
    qms_review_can_conclude = fields.Boolean(
        string="Can Write the Conclusion", compute="_compute_qms_review_can_conclude",
    )
    # Differences from the tender (procedure 4.2.1 c)
    qms_from_tender = fields.Boolean(
        string="From a Tender", tracking=True,
        help="The order answers a tender: the differences between the tender and the order must be resolved "
        "before it is confirmed.",
    )
    qms_tender_reference = fields.Char(string="Tender Reference", tracking=True)
    qms_tender_differences_resolved = fields.Boolean(
        string="Differences from the Tender Resolved", tracking=True, copy=False,
        help="Ticked by the salesperson once every difference between the tender and the order is resolved "
        "with the customer.",
    )

    # Order channel and the customer's confirmation of an oral order
    qms_order_channel = fields.Selection(
        [
            ("written", "Written contract or order"),
            ("email", "Email or fax"),
            ("portal", "Portal or e-commerce"),
            ("oral", "Oral or phone"),
        ],
        string="Order Channel", default="written", required=True, tracking=True,
    )
    qms_customer_confirmed_by = fields.Char(
        string="Confirmed by (customer)", tracking=True, copy=False,
        help="Who at the customer confirmed the oral order.",
    )
    qms_customer_confirmed_on = fields.Datetime(string="Customer Confirmed On", tracking=True, copy=False)
    qms_customer_confirmation_method = fields.Selection(
        [
            ("email", "Email"),
            ("fax", "Fax"),
            ("signed", "Signed order"),
            ("message", "Written message"),
            ("call", "Recorded call"),
            ("other", "Other"),
        ],
        string="Confirmed How", tracking=True, copy=False,
    )
    qms_customer_confirmation_attachment_ids = fields.Many2many(
        "ir.attachment", "qms_sale_order_confirmation_attachment_rel", "order_id", "attachment_id",
        string="Confirmation Document", copy=False,
    )

    @api.depends(
        "order_line.product_id", "order_line.product_uom_qty", "order_line.product_uom",
        "qms_requirement_ids.non_standard", "qms_new_development", "commitment_date", "company_id",
    )
    def _compute_qms_contract_type_auto(self):
        # Not on date_order: confirmation rewrites it, and must not classify the order again
        # (requesting a review re-evaluates the classification).
        commitments = self.env["qms.capability.commitment"].sudo().search([
            ("state", "=", "approved"), ("company_id", "in", self.company_id.ids),
        ]) if self.company_id else self.env["qms.capability.commitment"]
        for order in self:
            reasons = order._qms_special_reasons(commitments)
            order.qms_contract_type_auto = "special" if reasons else "regular"
            order.qms_special_reason_data = reasons or False

    @api.depends_context("lang")
    @api.depends("qms_special_reason_data")
    def _compute_qms_special_reason(self):
        products = self.env["product.product"].browse({
            values["product_id"] for order in self for _code, values in order.qms_special_reason_data or []
            if values.get("product_id")
        }).exists()
        for order in self:
            texts = [
                order._qms_special_reason_text(code, values, products)
                for code, values in order.qms_special_reason_data or []
            ]
            order.qms_special_reason = "\n".join(texts) or False

    @api.depends("qms_contract_type_auto", "qms_contract_type_override")
    def _compute_qms_contract_type(self):
        for order in self:
            order.qms_contract_type = order.qms_contract_type_override or order.qms_contract_type_auto

    @api.depends(
        "qms_contract_type", "amount_total", "order_line.product_id", "order_line.product_uom_qty",
        "company_id.qms_review_amount_threshold", "company_id.qms_review_regular_orders",
    )
    def _compute_qms_review_required(self):
        rules_by_company = self.env["qms.review.rule"]._qms_by_company(self.company_id, ["quotation"])
        for order in self:
            rules = rules_by_company[order.company_id.id]
            if order.company_id.qms_review_regular_orders or order.qms_contract_type == "special":
                order.qms_review_required = True
            elif not rules:
                order.qms_review_required = False
            else:
                order.qms_review_required = bool(order._qms_rules(rules))

    @api.depends(
        "qms_review_required", "qms_review_outdated", "qms_review_revision",
        "qms_review_line_ids.decision", "qms_review_line_ids.revision",
    )
    def _compute_qms_review_state(self):
        for order in self:
            lines = order._qms_current_lines()
            if order.qms_review_outdated:
                order.qms_review_state = "outdated"
            elif lines:
                decisions = set(lines.mapped("decision"))
                if "rejected" in decisions:
                    order.qms_review_state = "rejected"
                elif "pending" in decisions:
                    order.qms_review_state = "in_review"
                else:
                    order.qms_review_state = "approved"
            else:
                order.qms_review_state = "draft" if order.qms_review_required else "not_required"

    @api.depends_context("lang")
    @api.depends("qms_review_state", "qms_review_line_ids.decision")
    def _compute_qms_pending_departments(self):
        for order in self:
            lines = order._qms_current_lines().filtered(lambda line: line.decision == "pending")
            order.qms_pending_departments = order._qms_join(lines.role_id.mapped("name")) or False

    @api.depends("qms_review_revision", "qms_review_line_ids.decision", "qms_review_line_ids.conditions",
                 "qms_review_line_ids.revision")
    def _compute_qms_review_conditions(self):
        for order in self:
            lines = order._qms_current_lines().filtered(
                lambda line: line.decision == "conditional" and (line.conditions or "").strip()
            )
            order.qms_review_conditions = "\n".join(
                f"{line.role_id.name}: {line.conditions.strip()}" for line in lines
            ) or False

    @api.depends_context("uid")
    @api.depends("qms_review_state", "qms_review_line_ids.decision", "qms_review_revision", "company_id")
    def _compute_qms_review_can_conclude(self):
        for order in self:
            order.qms_review_can_conclude = bool(
                order.id and order._qms_is_organiser() and not order._qms_conclusion_error()
            )

    @api.constrains("qms_contract_type_override", "qms_override_reason")
    def _check_qms_override_reason(self):
        for order in self:
            if order.qms_contract_type_override and not (order.qms_override_reason or "").strip():
                raise ValidationError(self.env._("Give a reason to override the contract type of %s.", order.name))

    @api.constrains("qms_customer_confirmed_on", "date_order")
    def _check_qms_customer_confirmed_on(self):
        now = fields.Datetime.now()
        for order in self:
            if order.qms_customer_confirmed_on and order.qms_customer_confirmed_on > now:
                raise ValidationError(self.env._("The customer's confirmation of %s cannot be in the future.", order.name))

    @api.model_create_multi
    def create(self, vals_list):
        if not self.env.su and any(vals.get("qms_contract_type_override") == "regular" for vals in vals_list) \
                and not self.env.user.has_group("qms_customer_process.group_qms_general_manager"):
            # Whether the order classified as regular is special by the rules is known once it
            # exists: a refused creation leaves nothing behind.
            with self.env.cr.savepoint():
                orders = self.create([dict(vals, qms_contract_type_override=False) for vals in vals_list])
                for order, vals in zip(orders, vals_list, strict=True):
                    if vals.get("qms_contract_type_override") == "regular":
                        # refused (AccessError) when the rules make the order special
                        order.write({"qms_contract_type_override": "regular"})
            return orders
        for vals in vals_list:
            self._qms_check_values(vals)
            self._qms_check_write_rights(vals)
        # The state the orders are created in: given, or a default_state of the context (which
        # the ORM applies to the new orders).
        default_state = self.env.context.get("default_state")
        states = [vals.get("state", default_state) for vals in vals_list]
        if not any(state in GATED_STATES for state in states):
            return super().create(vals_list)
        # An order created sent or confirmed (an API call, an import, a copy with such a default)
        # passes the gate as if it were sent or confirmed afterwards. The gate is decided on the
        # order as created (the same classification and rules as everywhere else); a refused
        # order is rolled back with everything its creation made (its lines, its delivery), even
        # when the caller catches the error.
        with self.env.cr.savepoint():
            # The lines an order is created with are its terms, not an amendment.
            cache = self.env.cr.cache
            cache[CREATING_KEY] = cache.get(CREATING_KEY, 0) + 1
            try:
                orders = super().create(vals_list)
            finally:
                cache[CREATING_KEY] -= 1
            for order, state in zip(orders, states, strict=True):
                error = order._qms_state_error(state)
                if error:
                    raise UserError(self.env._("The order cannot be created as sent: %s", error) if state == "sent"
                                    else self.env._("The order cannot be created as confirmed: %s", error))
        return orders

    def write(self, vals):
        self._qms_check_values(vals)
        self._qms_check_write_rights(vals)
        kpi_customers = self.partner_id.commercial_partner_id if KPI_FIELDS.intersection(vals) else None
        state = vals.get("state")
        moving = self.filtered(lambda order: order.state != state) if state in GATED_STATES else self.browse()
        for order in moving:
            error = order._qms_state_error(state)
            if error:
                raise UserError(error)
        with self._qms_collecting_term_changes() as child_changes:
            if moving and set(vals) - CONFIRMATION_FIELDS:
                # Other values written with the state may change the gate's answer: it is asked
                # again on the result, and a refusal leaves nothing written.
                with self.env.cr.savepoint():
                    res = super().write(vals)
                    for order in moving:
                        error = order._qms_state_error(state)
                        if error:
                            raise UserError(error)
            else:
                res = super().write(vals)
        direct = (REVIEWED_ORDER_FIELDS - REVIEWED_CHILD_FIELDS) & set(vals)
        for order in self:
            changed = direct | child_changes.get(order.id, set())
            if changed:
                # Differences from a tender resolved in the same write cover the terms it writes.
                order._qms_terms_changed(changed, tender_resolved="qms_tender_differences_resolved" in vals)
        if kpi_customers is not None:
            Report = self.env["qms.customer.kpi.report"]
            Report._qms_mark("buyer", (kpi_customers | self.partner_id.commercial_partner_id).ids)
            if DELIVERY_KPI_FIELDS.intersection(vals):
                # Searched, not read through picking_ids: read before the order's transfers exist
                # (a quotation changed, then confirmed), the cached list would hold them in the
                # order they are then created, not in Odoo's (by date). sudo: which facts to make
                # again, whoever writes.
                Report._qms_mark("move", self.env["stock.move"].sudo().search(
                    [("picking_id.sale_id", "in", self.ids), ("state", "=", "done")]).ids)
        return res

    @api.ondelete(at_uninstall=False)
    def _unlink_except_qms_review_record(self):
        for order in self:
            if any(line.decision != "pending" for line in order.qms_review_line_ids):
                raise UserError(self.env._(
                    "%s has a contract review on record: cancel the quotation instead of deleting it.", order.name,
                ))

    def action_qms_request_review(self, reason=None):
        """Start a new review revision: one line per department the review rules call for.

        Requested by a salesperson who may edit the order. A rejected review is requested again
        only after a reviewed term changed (the review is then outdated), or with ``reason``,
        which the chatter keeps.
        """
        self._qms_check_text(reason, self.env._("The reason to request the contract review again"))
        # Sales organises the review (procedure 4.2.2.3), on the quotations it may change; not the
        # reviewers, who read it, nor the warehouse, which writes on orders for their deliveries.
        self._qms_check_role(
            ["sales_team.group_sale_salesman"],
            self.env._("Only a salesperson who may edit the order requests its contract review."),
        )
        self.check_access("write")
        reason = (reason or "").strip()
        for order in self:
            order._qms_check_can_request_review()
            if order.qms_review_state == "rejected" and not reason:
                raise UserError(self.env._(
                    "The contract review of %s was rejected and none of its reviewed terms changed since: "
                    "give the reason to request it again.", order.name,
                ))
        for order in self:
            order._qms_start_review(reason=reason)
        return True

    def action_qms_conclude(self, conclusion=None):
        """The organiser's consolidated conclusion of the contract review (procedure 4.4.4-4.4.5):
        written once the departments have decided and before the general manager decides, by the
        company's review organiser (the sales managers unless the company names another group).
        On a special contract the general manager's line opens with it."""
        self._qms_check_text(conclusion, self.env._("The conclusion of the contract review"))
        self._qms_ensure_one()
        if not self._qms_is_organiser():
            raise AccessError(self.env._(
                "Only the organiser of the contract review (%s) writes its conclusion.",
                self._qms_organiser_group().full_name,
            ))
        conclusion = (conclusion or "").strip()
        if not conclusion:
            raise UserError(self.env._("Write the conclusion of the contract review of %s.", self.name))
        self._qms_lock_review()
        error = self._qms_conclusion_error()
        if error:
            raise UserError(error)
        self._qms_write_transition({
            "qms_review_conclusion": conclusion,
            "qms_review_concluded_by_id": self.env.user.id,
            "qms_review_concluded_on": fields.Datetime.now(),
        })
        # sudo: the organiser records the conclusion on the order and closes the to-do asking for it,
        # whatever rights the company gave the group it names.
        local = self._qms_in_lang()  # the chatter is written in the company's language
        self.sudo().message_post(
            body=local.env._("Conclusion of the contract review (revision %(rev)s): %(conclusion)s",
                             rev=self.qms_review_revision, conclusion=conclusion),
            author_id=self.env.user.partner_id.id,
        )
        self.sudo().activity_feedback(
            ["qms_customer_process.mail_activity_type_qms_review"], feedback=local.env._("Conclusion written."),
        )
        self._qms_schedule_review_activities(self._qms_current_lines())
        return True

    def action_qms_override_contract_type(self, contract_type=None, reason=None):
        """Classify the orders as ``contract_type`` (regular or special) against the rules, with
        ``reason``; no contract type: back to the rules' classification. A special contract is
        classified as regular only by the general manager (or the QMS administrator where the
        company allows it); sales managers may classify an order as special."""
        self._qms_check_text(reason, self.env._("The reason to override the contract type"))
        if contract_type not in (None, False, "regular", "special"):
            raise UserError(self.env._("%s is not a contract type: regular or special.", contract_type))
        reason = (reason or "").strip()
        if contract_type and not reason:
            raise UserError(self.env._("Give the reason to classify the order differently from the rules."))
        vals = {"qms_contract_type_override": contract_type or False, "qms_override_reason": reason or False}
        self._qms_check_write_rights(vals, who_may_override=True)
        # sudo: the override is the decision of the role checked above; the general manager, who
        # decides downgrades, need not have the sales rights to edit the order. The chatter records
        # it under the user's name.
        self.sudo().write(vals)
        return True

    def action_qms_add_to_commitment(self):
        """Add the products of a successfully delivered special order to the valid commitment
        (procedure: a successfully executed special contract supplements the yearly commitment)."""
        self._qms_ensure_one()
        user = self.env.user
        if not (user.has_group("qms_customer_process.group_qms_general_manager")
                or user.has_group("qms_customer_process.group_qms_manager")):
            raise AccessError(self.env._("Only the general manager or the QMS administrator extends a capability commitment."))
        if self.qms_contract_type != "special" or self.state != "sale" or self.delivery_status != "full":
            raise UserError(self.env._("Only a special order that is confirmed and fully delivered can extend a capability commitment."))
        commitment = self.env["qms.capability.commitment"]._qms_valid_for(self.company_id, fields.Date.context_today(self))[:1]
        if not commitment:
            raise UserError(self.env._("There is no approved capability commitment valid today to extend."))
        products = self.order_line.filtered(lambda line: not line.display_type).product_id.product_tmpl_id
        # sudo: an approved commitment is closed to edits; extending it from a delivered special
        # order is the one change the procedure allows (checked above).
        commitment.sudo().write({
            "product_tmpl_ids": [(4, tmpl.id) for tmpl in products],
            "source_order_ids": [(4, self.id)],
        })
        products.sudo().write({"qms_standard_product": True})
        commitment.message_post(body=commitment._qms_in_lang().env._(
            "Extended with the products of the delivered special order %s.", self.name))
        return True

    def action_qms_open_quotation(self):
        """From the review form to the standard quotation form (sales)."""
        self._qms_ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "sale.order",
            "res_id": self.id,
            "view_mode": "form",
            "views": [(self.env.ref("sale.view_order_form").id, "form")],
            "target": "current",
        }

    def action_quotation_send(self):
        for order in self:
            error = order._qms_send_error()
            if error:
                raise UserError(error)
        return super().action_quotation_send()

    def _action_confirm(self):
        res = super()._action_confirm()
        # sudo: whoever confirms the order (another salesperson, or the customer signing on the
        # portal) closes the salesperson's to-do announcing the review's result. Only a reviewed
        # order has one: the confirmation of the others costs nothing more.
        for order in self.filtered("qms_review_revision"):
            order.sudo().activity_feedback(
                ["qms_customer_process.mail_activity_type_qms_review_result"],
                feedback=order._qms_in_lang().env._("Order confirmed."),
            )
        return res

    def _confirmation_error_message(self):
        return super()._confirmation_error_message() or self._qms_gate_error()

    def _validate_order(self):
        # The customer signed or paid on the portal: an order whose contract review blocks it
        # keeps the signature and waits for the review instead of being confirmed.
        held = self.filtered(lambda order: order._qms_gate_error())
        for order in held:
            local = order._qms_in_lang()  # the chatter is written in the company's language
            order.message_post(body=local.env._(
                "The customer accepted the quotation; it stays unconfirmed until its contract review allows it: %s",
                local._qms_gate_error(),
            ))
        held._qms_hold_acceptance()
        return super(SaleOrder, self - held)._validate_order()

    # Business methods

    def _qms_check_write_rights(self, vals, who_may_override=False):
        """Who may override the contract type: sales managers and the QMS administrator (and,
        through ``action_qms_override_contract_type``, the general manager); classifying as regular
        an order the rules make special, or changing such a classification, is the general
        manager's decision (or the QMS administrator's where the company allows it)."""
        if self.env.su or not QMS_OVERRIDE_FIELDS & set(vals):
            return
        user = self.env.user
        if not (
            user.has_group("sales_team.group_sale_manager")
            or user.has_group("qms_customer_process.group_qms_manager")
            or (who_may_override and user.has_group("qms_customer_process.group_qms_general_manager"))
        ):
            raise AccessError(self.env._("Only a sales manager can override the contract type."))
        for order in self:
            override = vals.get("qms_contract_type_override", order.qms_contract_type_override)
            if order._qms_is_downgrade(override) and not order._qms_may_downgrade(order.company_id):
                raise AccessError(self.env._(
                    "Only the general manager classifies %(order)s as a regular contract: the rules make it "
                    "special. %(why)s",
                    order=order.name, why=order.qms_special_reason or "",
                ))

    def _qms_is_downgrade(self, override):
        """Whether the contract type ``override`` (False: the rules' classification) makes this
        special contract regular, or keeps regular an order the rules make special."""
        self.ensure_one()
        result = override or self.qms_contract_type_auto
        return result == "regular" and "special" in (self.qms_contract_type, self.qms_contract_type_auto)

    @api.model
    def _qms_may_downgrade(self, company):
        """The general manager, or the QMS administrator where ``company`` allows it, classifies a
        special contract as regular (it removes the general manager's approval)."""
        user = self.env.user
        return self.env.su or user.has_group("qms_customer_process.group_qms_general_manager") or (
            company.qms_downgrade_by_qms_admin and user.has_group("qms_customer_process.group_qms_manager")
        )

    def _qms_organiser_group(self):
        self.ensure_one()
        # sudo: who organises the review is the company's configuration, checked for any caller.
        return self.sudo().company_id.qms_review_organiser_group_id or self.env.ref("sales_team.group_sale_manager")

    def _qms_is_organiser(self):
        """Whether the user organises the contract review of this order and writes its conclusion."""
        self.ensure_one()
        return self.env.su or self._qms_organiser_group() in self.env.user.groups_id

    def _qms_needs_conclusion(self):
        """A special contract reviewed by departments before the general manager: the general
        manager decides after the organiser's conclusion (procedure 4.4.4-4.4.6)."""
        self.ensure_one()
        lines = self._qms_current_lines()
        return self.qms_contract_type == "special" and any(line.role_id.code == GM_CODE for line in lines) \
            and any(line.role_id.code != GM_CODE for line in lines)

    def _qms_conclusion_error(self):
        """Why the conclusion of the current revision cannot be written now, or False."""
        self.ensure_one()
        lines = self._qms_current_lines()
        departments = lines.filtered(lambda line: line.role_id.code != GM_CODE)
        if not lines or self.qms_review_outdated:
            return self.env._("No contract review of %s is under way: there is nothing to conclude.", self.name)
        if not departments:
            return self.env._("Only the general manager reviews %s: there are no departments' opinions to conclude.",
                              self.name)
        pending = departments.filtered(lambda line: line.decision == "pending")
        if pending:
            return self.env._("The departments have not all decided on %(order)s yet: %(departments)s.",
                              order=self.name, departments=self._qms_join(pending.role_id.mapped("name")))
        if (lines - departments).filtered(lambda line: line.decision != "pending"):
            return self.env._("The general manager has already decided on %s: the conclusion comes before.", self.name)
        return False

    def _qms_request_conclusion(self):
        """The departments have decided a special contract: its organiser gets a to-do to write the
        conclusion (the general manager's line opens after it)."""
        self.ensure_one()
        if self.qms_review_state != "in_review" or self.qms_review_conclusion or not self._qms_needs_conclusion() \
                or self._qms_conclusion_error():
            return
        group = self._qms_organiser_group().sudo()
        users = self.team_id.user_id if self.team_id.user_id in group.users else group.users
        users = users.filtered(lambda user: not user.share and self.company_id in user.company_ids
                               and user != self.env.ref("base.user_root"))
        # sudo: whoever decides last asks the organiser for the conclusion (procedure 4.4.4).
        order = self.sudo()
        for user in users:
            local = order._qms_in_lang(user)
            order.activity_schedule(
                "qms_customer_process.mail_activity_type_qms_review", user_id=user.id,
                summary=local.env._("Conclusion of the contract review of %(order)s (revision %(rev)s)",
                                    order=self.name, rev=self.qms_review_revision),
            )

    def _qms_current_lines(self):
        self.ensure_one()
        return self.qms_review_line_ids.filtered(lambda line: line.revision == self.qms_review_revision)

    def _qms_special_reasons(self, commitments):
        """Why the order is a special contract, as [reason code, values] pairs (the text is
        ``_qms_special_reason_text``); an empty list for a regular one."""
        self.ensure_one()
        reasons = []
        if self.qms_new_development:
            reasons.append(["new_development", {}])
        lines = self.order_line.filtered(lambda line: line.product_id and not line.display_type and not line.is_downpayment)
        for product in lines.product_id:
            if not product.qms_standard_product:
                reasons.append(["not_standard", {"product_id": product.id}])
        if any(self.qms_requirement_ids.mapped("non_standard")):
            reasons.append(["non_standard_requirement", {}])
        order_date = fields.Date.to_date(self.date_order) or fields.Date.context_today(self)
        valid = commitments.filtered(
            lambda c: c.company_id == self.company_id and c.date_from <= order_date <= c.date_to
        )
        if not valid:
            return reasons
        qty_by_product = defaultdict(float)
        for line in lines:
            qty_by_product[line.product_id] += line.product_uom._compute_quantity(
                line.product_uom_qty, line.product_id.uom_id, raise_if_failure=False,
            )
        lead_days = (self.commitment_date.date() - order_date).days if self.commitment_date else None
        for product, qty in qty_by_product.items():
            covering = valid._qms_covers(product)
            if not covering:
                continue
            if all(c.capacity_qty and qty > c.capacity_qty for c in covering):
                reasons.append(["capacity", {"product_id": product.id, "qty": qty}])
            if lead_days is not None and all(c.lead_time_days and lead_days < c.lead_time_days for c in covering):
                reasons.append(["lead_time", {"product_id": product.id, "days": lead_days}])
        return reasons

    def _qms_special_reason_text(self, code, values, products):
        """One reason of ``_qms_special_reasons`` written in this environment's language."""
        product = products.filtered(lambda p: p.id == values.get("product_id"))
        name = product.display_name or "-"
        if code == "new_development":
            return self.env._("New development or modification of a product.")
        if code == "not_standard":
            return self.env._("%s is not a standard product.", name)
        if code == "non_standard_requirement":
            return self.env._("A customer requirement is non-standard.")
        if code == "capacity":
            return self.env._("%(product)s: quantity %(qty)s is beyond the capability commitment.",
                              product=name, qty=values.get("qty"))
        if code == "lead_time":
            return self.env._("%(product)s: lead time of %(days)s days is shorter than the capability commitment.",
                              product=name, days=values.get("days"))
        return values.get("text") or ""  # a reason recorded as text before version 18.0.4.0.0

    def _qms_over_threshold(self):
        self.ensure_one()
        company = self.company_id
        threshold = company.qms_review_amount_threshold
        if not threshold:
            return False
        amount = self.amount_total
        if self.currency_id and self.currency_id != company.currency_id:
            amount = self.currency_id._convert(
                amount, company.currency_id, company, fields.Date.to_date(self.date_order) or fields.Date.today(),
            )
        return company.currency_id.compare_amounts(amount, threshold) >= 0

    def _qms_review_facts(self, need_stock=False):
        """What the review rules look at, computed once per order."""
        self.ensure_one()
        products = self.order_line.filtered(lambda line: not line.display_type).product_id
        categories = set()
        for categ in products.categ_id:
            categories.update(int(c) for c in (categ.parent_path or "").split("/") if c)
        stock_insufficient = False
        if need_stock:
            storable = self.order_line.filtered(lambda line: line.product_id.is_storable)
            free = {
                product.id: product.free_qty
                for product in storable.product_id.with_context(warehouse_id=self.warehouse_id.id)
            }
            needed = defaultdict(float)
            for line in storable:
                needed[line.product_id.id] += line.product_uom._compute_quantity(
                    line.product_uom_qty, line.product_id.uom_id, raise_if_failure=False,
                )
            stock_insufficient = any(qty > free.get(pid, 0.0) for pid, qty in needed.items())
        return {
            "over_threshold": self._qms_over_threshold(),
            "stock_insufficient": stock_insufficient,
            "categories": categories,
        }

    def _qms_rules(self, rules):
        """The rules among ``rules`` that apply to this order."""
        self.ensure_one()
        facts = self._qms_review_facts(need_stock=any(rules.mapped("stock_insufficient")))
        return rules.filtered(lambda rule: rule._qms_matches(self, facts))

    def _qms_applicable_rules(self):
        """Rules for a review requested now: the before-confirmation rules; the simplified
        (on-delivery) ones when the company reviews regular orders before confirmation, or when
        no other rule applies."""
        self.ensure_one()
        rules_by_timing = self.env["qms.review.rule"]._qms_by_company(self.company_id, ["quotation", "delivery"])[
            self.company_id.id
        ].grouped("timing")
        Rule = self.env["qms.review.rule"].sudo()
        rules = self._qms_rules(rules_by_timing.get("quotation", Rule))
        if not rules or self.company_id.qms_review_regular_orders:
            rules |= self._qms_rules(rules_by_timing.get("delivery", Rule))
        return rules

    def _qms_applicable_roles(self):
        """The departments that review this order now, as its company has them."""
        self.ensure_one()
        # sudo: the departments are configuration, read for whoever confirms the order (see
        # qms.review.rule._qms_by_company).
        roles = self.env["qms.review.role"].sudo()
        for rule in self._qms_applicable_rules():
            roles |= rule._qms_role_for(self.company_id)
        return roles

    def _qms_check_can_request_review(self):
        self.ensure_one()
        if self.state == "cancel":
            raise UserError(self.env._("%s is cancelled: its contract cannot be reviewed.", self.name))
        if not self.order_line.filtered(lambda line: line.product_id and not line.display_type):
            raise UserError(self.env._("Add the ordered products to %s before requesting its contract review.", self.name))
        if self.qms_review_state == "in_review":
            raise UserError(self.env._("The contract review of %s is already in progress.", self.name))
        if self.qms_review_state == "approved":
            raise UserError(self.env._("The contract review of %s is already approved; change its terms to review it again.", self.name))
        if self.qms_order_channel == "oral" and not self._qms_oral_confirmed() and self.state == "sale":
            raise UserError(self.env._("Record the customer's confirmation of the oral order %s first.", self.name))
        # Checked for every order of the batch before any review starts (nothing half-requested),
        # on the classification evaluated afresh as _qms_start_review does.
        self.env.add_to_compute(self._fields["qms_contract_type_auto"], self)
        self.env.add_to_compute(self._fields["qms_review_required"], self)
        if not self._qms_applicable_rules():
            raise UserError(self.env._("No contract review rule applies to %s (Configuration > Review Rules).", self.name))

    def _qms_start_review(self, reason=None, rules=None):
        """A new review revision with the departments of ``rules`` (default: the rules that apply
        now); ``reason`` (why it is requested again) is kept in the chatter."""
        self.ensure_one()
        if rules is None:
            # The classification and the rules are evaluated afresh: commitments may have changed.
            self.env.add_to_compute(self._fields["qms_contract_type_auto"], self)
            self.env.add_to_compute(self._fields["qms_review_required"], self)
            rules = self._qms_applicable_rules()
        if not rules:
            raise UserError(self.env._("No contract review rule applies to %s (Configuration > Review Rules).", self.name))
        sequence_by_role = {}
        for rule in rules:
            sequence_by_role.setdefault(rule._qms_role_for(self.company_id), rule.sequence)
        revision = self.qms_review_revision + 1
        carried = self._qms_carried_lines(sequence_by_role)
        vals_list = []
        for role, sequence in sorted(sequence_by_role.items(), key=lambda item: (item[1], item[0].sequence)):
            vals = {
                "order_id": self.id,
                "role_id": role.id,
                "revision": revision,
                "sequence": sequence,
                "topics": role.checklist,
                "reviewer_id": role.user_ids[:1].id,
            }
            previous = carried.get(role)
            if previous:
                # The department's decision of the previous revision stands: no term it reviews changed.
                vals.update(
                    topics=previous.topics, reviewer_id=previous.reviewer_id.id, decision=previous.decision,
                    decided_on=previous.decided_on, conditions=previous.conditions, comment=previous.comment,
                    carried_from_id=previous.id,
                )
            vals_list.append(vals)
        # sudo: review lines are created only here, by the procedure's request for review; the
        # requester (salesperson) may not create or decide lines himself.
        lines = self.env["qms.contract.review.line"].sudo().create(vals_list)
        self._qms_write_transition({
            "qms_review_revision": revision, "qms_review_outdated": False, "qms_review_changed_terms": False,
            "qms_review_conclusion": False, "qms_review_concluded_by_id": False, "qms_review_concluded_on": False,
        })
        # The chatter of the order is written in the company's language.
        local = self._qms_in_lang()
        lines = lines.with_env(local.env)
        reviewing = lines.filtered(lambda line: not line.carried_from_id)
        values = {
            "rev": revision,
            "type": dict(local._fields["qms_contract_type"]._description_selection(local.env))[self.qms_contract_type],
            "departments": local._qms_join(reviewing.role_id.mapped("name")),
        }
        if reason:
            body = local.env._(
                "Contract review requested (revision %(rev)s, %(type)s contract): %(departments)s. Reason: %(reason)s",
                reason=reason, **values,
            )
        else:
            body = local.env._("Contract review requested (revision %(rev)s, %(type)s contract): %(departments)s.", **values)
        if lines - reviewing:
            decisions = dict(lines._fields["decision"]._description_selection(local.env))
            body = local.env._(
                "%(body)s Carried over from revision %(previous)s (no term they review changed): %(departments)s.",
                body=body, previous=revision - 1, departments=local._qms_join(
                    f"{line.role_id.name} ({decisions[line.decision]})" for line in lines - reviewing
                ),
            )
        self.message_post(body=body)
        self._qms_schedule_review_activities(lines)

    def _qms_record_changed_terms(self, terms):
        """Add ``terms`` to what changed since the current revision was requested."""
        self.ensure_one()
        recorded = set(filter(None, (self.qms_review_changed_terms or "").split(",")))
        if not set(terms) <= recorded:
            self._qms_write_transition({"qms_review_changed_terms": ",".join(sorted(recorded | set(terms)))})

    def _qms_changed_terms(self):
        self.ensure_one()
        return set(filter(None, (self.qms_review_changed_terms or "").split(",")))

    def _qms_concerned(self, line, changed_terms):
        """Whether a change of ``changed_terms`` concerns the department of ``line``: its reviewed
        terms changed, or it is the general manager's approval of a special contract."""
        return (line.role_id.code == GM_CODE and self.qms_contract_type == "special") \
            or line.role_id._qms_concerned_by(changed_terms)

    def _qms_carried_lines(self, roles):
        """{department: its line of the current revision} for the departments of ``roles`` whose
        decision the next revision carries over (procedure 4.5/4.7: only the departments a change
        concerns review it again): the department accepted the current revision and no term it
        reviews changed since. Never a rejection or a pending line, never the general manager's
        approval of a special contract; when the change concerns no department, all review again."""
        self.ensure_one()
        if not self.qms_review_revision:
            return {}
        changed = self._qms_changed_terms()
        previous = self._qms_current_lines()
        carried = {}
        for role in roles:
            line = previous.filtered(lambda rl, role=role: rl.role_id == role)[:1]
            if line and line.decision in ("accepted", "conditional") and not self._qms_concerned(line, changed):
                carried[role] = line
        if len(carried) == len(roles):
            return {}
        return carried

    def _qms_schedule_review_activities(self, lines):
        """A to-do on each line that is open now, for each default reviewer of its department."""
        self.ensure_one()
        # sudo: the procedure has the reviewing departments notified by whoever moves the review
        # on (the requesting salesperson, or the previous department).
        for line in lines.filtered(lambda rl: rl.is_open and not rl.activity_ids).sudo():
            for user in line.role_id.user_ids:
                # The to-do reads in the reviewer's language.
                local = line._qms_in_lang(user)
                line.activity_schedule(
                    "qms_customer_process.mail_activity_type_qms_review",
                    user_id=user.id,
                    summary=local.env._("Contract review of %(order)s: %(dept)s (revision %(rev)s)",
                                        order=self.name, dept=local.role_id.name, rev=line.revision),
                    note=local.topics or "",
                )

    def _qms_lock_review(self):
        """Lock the orders' rows before a review decision writes anything.

        Odoo runs each request in a REPEATABLE READ transaction whose snapshot is taken at its
        first query: a lock taken later does not refresh it (so it may as well follow the
        decision's checks). What makes the second of two simultaneous decisions see the first is
        that every decision also writes the order's row (``qms_review_decided_on``, in
        ``_qms_after_decision``): once the first transaction commits, PostgreSQL refuses this lock
        to the second one ("could not serialize access due to concurrent update"), and Odoo's
        RPC/HTTP layer retries that whole request on a new snapshot, where its checks and its next
        steps see the first decision. Without it both would move the review on from the same
        stale lines, and the next department's to-do or the final state would be lost.
        """
        if self.ids:
            # NO KEY UPDATE: the lock of the row's UPDATE; records that merely reference the order
            # (order lines, review lines) are not held up.
            self.env.cr.execute(SQL(
                "SELECT id FROM %s WHERE id IN %s FOR NO KEY UPDATE", SQL.identifier(self._table), tuple(self.ids),
            ))

    def _qms_after_decision(self, line):
        """Close the deciding department's to-dos, open the next lines, tell the salesperson.
        Called by the decision of ``line``, with the order locked (``_qms_lock_review``)."""
        self.ensure_one()
        # Every decision writes the order's row: a simultaneous decision on another line of the
        # order is then refused its lock and retried (see _qms_lock_review).
        self._qms_write_transition({"qms_review_decided_on": line.decided_on})
        # The chatter of the order is written in the company's language.
        local = self._qms_in_lang()
        label = dict(line._fields["decision"]._description_selection(local.env))[line.decision]
        feedback = local.env._("%(dept)s: %(decision)s", dept=line.with_env(local.env).role_id.name, decision=label)
        # sudo: the to-dos of a department are closed by whichever of its members decides.
        line.sudo().activity_feedback(["qms_customer_process.mail_activity_type_qms_review"], feedback=feedback)
        # sudo: reviewers may only read the order; the procedure records their decision on it.
        self.sudo().message_post(
            body=local.env._("%(feedback)s. %(text)s", feedback=feedback, text=line.comment or line.conditions or ""),
            author_id=self.env.user.partner_id.id,
        )
        state = self.qms_review_state
        if state == "in_review":
            self._qms_schedule_review_activities(self._qms_current_lines())
        elif state in ("approved", "rejected") and self.user_id:
            # A rejection ends this revision: the other departments need not review it further.
            self._qms_current_lines().sudo().activity_unlink(["qms_customer_process.mail_activity_type_qms_review"])
            # The salesperson's to-do reads in the salesperson's language.
            salesperson_env = self._qms_in_lang(self.user_id).env
            self.sudo().activity_schedule(
                "qms_customer_process.mail_activity_type_qms_review_result",
                user_id=self.user_id.id,
                summary=salesperson_env._("Contract review approved") if state == "approved"
                else salesperson_env._("Contract review rejected"),
            )
        if state == "approved":
            self._qms_release_held_acceptance()

    @contextmanager
    def _qms_collecting_term_changes(self):
        """While these orders are written, the reviewed terms their lines and requirements change
        are collected (yielded: {order id: field names}) instead of handled one line at a time,
        so that one write of an order makes at most one new review revision. An order already
        collected by an outer write is left to that write."""
        collecting = self.env.cr.cache.setdefault(TERM_CHANGES_KEY, {})
        mine = {order_id: set() for order_id in self.ids if order_id not in collecting}
        collecting.update(mine)
        try:
            yield mine
        finally:
            for order_id in mine:
                collecting.pop(order_id, None)

    def _qms_terms_changed(self, changed_fields, tender_resolved=False):
        """Reviewed terms changed: the current review no longer covers the order, nor do the
        differences from a tender resolved on a quotation (unless ``tender_resolved``: resolved
        in the same write), which are to be resolved again (procedure 4.2.1 c).

        A quotation's review becomes outdated; the salesperson requests it again. A confirmed
        order is amended (procedure 8.2.4): its review becomes outdated and, when the order needs
        a review, a new revision starts at once so that the departments get their to-dos; its
        outgoing deliveries wait until that review is approved (see ``_qms_delivery_hold_error``).
        Earlier revisions stay on record."""
        if self.env.cr.cache.get(CREATING_KEY):
            return
        collecting = self.env.cr.cache.get(TERM_CHANGES_KEY) or {}
        later = self.filtered(lambda order: order.id in collecting)
        for order in later:
            collecting[order.id].update(changed_fields)
        for order in self - later:
            confirmed = order.state == "sale"
            current = order._qms_current_lines()
            if order.qms_review_revision:
                # What changed since the current revision decides who reviews the next one.
                order._qms_record_changed_terms(changed_fields)
            if not tender_resolved and order.qms_from_tender and order.qms_tender_differences_resolved \
                    and order.state in ("draft", "sent"):
                order._qms_reopen_tender_differences(changed_fields)
            if not confirmed and (not current or order.qms_review_outdated):
                continue
            local = order._qms_in_lang()  # the chatter is written in the company's language
            labels = order._qms_terms_labels(changed_fields)
            if current and not order.qms_review_outdated:
                order._qms_write_transition({"qms_review_outdated": True})
                # The departments the change concerns are notified (procedure 4.5).
                concerned = current.filtered(lambda line, order=order: order._qms_concerned(line, changed_fields))
                reviewers = concerned.reviewer_id.partner_id | concerned.role_id.user_ids.partner_id
                current.sudo().activity_unlink(["qms_customer_process.mail_activity_type_qms_review"])
                if confirmed:
                    # sudo: whoever amends the order (the warehouse adding a delivered product,
                    # too) records the amendment and notifies the departments (procedure 8.2.4).
                    order.sudo().message_post(
                        body=local.env._("Amendment of the confirmed order (%(fields)s): the contract review of revision "
                                        "%(rev)s is outdated.", fields=labels, rev=order.qms_review_revision),
                        partner_ids=reviewers.ids,
                        subtype_xmlid="mail.mt_note",
                    )
                else:
                    order.message_post(body=local.env._(
                        "Reviewed terms changed (%(fields)s): the contract review of revision %(rev)s is outdated.",
                        fields=labels, rev=order.qms_review_revision,
                    ))
            if confirmed and order.qms_review_required and order.qms_review_state in ("draft", "outdated"):
                order._qms_review_amendment(labels)

    def _qms_terms_labels(self, changed_fields):
        """The changed terms, named in the company's language (for the chatter)."""
        local = self._qms_in_lang()
        return local._qms_join(sorted({
            self._fields[name.split(".")[0]].get_description(local.env)["string"] for name in changed_fields
        }))

    def _qms_reopen_tender_differences(self, changed_fields):
        """The terms of this quotation answering a tender changed after its differences from the
        tender were resolved: they are resolved again before it is confirmed (procedure 4.2.1 c)."""
        self.ensure_one()
        local = self._qms_in_lang()  # the chatter is written in the company's language
        # sudo: whoever changes the terms of the quotation (its lines, its requirements) reopens
        # what those terms outdate, as they outdate its contract review.
        self.sudo().write({"qms_tender_differences_resolved": False})
        self.sudo().message_post(
            body=local.env._("Terms changed (%s) after the differences from the tender were resolved: resolve them "
                             "again and tick 'Differences from the Tender Resolved' before confirming.",
                             self._qms_terms_labels(changed_fields)),
            subtype_xmlid="mail.mt_note",
        )

    def _qms_review_amendment(self, labels):
        """An amended confirmed order that needs a review: a new revision starts at once, with
        the departments the rules call for now (procedure 8.2.4: the departments concerned are
        told; earlier revisions stay on record)."""
        self.ensure_one()
        rules = self._qms_applicable_rules()
        if not rules:
            return
        local = self._qms_in_lang()  # the chatter is written in the company's language
        if self.qms_review_state == "draft":
            # sudo: as above, the amendment is recorded whoever makes it.
            self.sudo().message_post(
                body=local.env._("Amendment of the confirmed order (%(fields)s): it now needs a contract review. %(why)s",
                                 fields=labels, why=local.qms_special_reason or ""),
                subtype_xmlid="mail.mt_note",
            )
        # sudo: the review of an amendment is started by the amendment itself, whoever makes it.
        self.sudo()._qms_start_review(
            reason=local.env._("amendment of the confirmed order (%s)", labels), rules=rules.sudo(),
        )

    def _qms_oral_confirmed(self):
        self.ensure_one()
        return bool(
            self.qms_customer_confirmed_by and self.qms_customer_confirmed_on and self.qms_customer_confirmation_method
        )

    def _qms_gate_error(self):
        """Why the order cannot be confirmed yet, or False."""
        self.ensure_one()
        if self.qms_order_channel == "oral" and not self._qms_oral_confirmed():
            return self.env._("%s is an oral order: record who at the customer confirmed it, when and how, before confirming it.",
                     self.name)
        if self.qms_from_tender and not self.qms_tender_differences_resolved:
            return self.env._("%s comes from a tender: resolve its differences from the tender with the customer and tick "
                              "'Differences from the Tender Resolved' before confirming it.", self.name)
        return self._qms_review_error()

    def _qms_review_error(self):
        """Why the order's contract review does not allow it to be confirmed, or False."""
        self.ensure_one()
        if not self.qms_review_required or self.qms_review_state in ("approved", "not_required"):
            return False
        state = self.qms_review_state
        if state == "draft":
            departments = self._qms_join(self._qms_applicable_roles().mapped("name"))
            return self.env._("%(order)s needs an approved contract review before confirmation; request it. Departments to review: %(departments)s.",
                     order=self.name, departments=departments)
        if state == "in_review":
            return self.env._("The contract review of %(order)s is not approved yet. Pending departments: %(departments)s.",
                     order=self.name, departments=self.qms_pending_departments)
        if state == "rejected":
            rejected = self._qms_current_lines().filtered(lambda line: line.decision == "rejected")
            return self.env._("The contract review of %(order)s was rejected by: %(departments)s.",
                     order=self.name, departments=self._qms_join(rejected.role_id.mapped("name")))
        return self.env._("The terms of %(order)s changed after its contract review: request the review again (departments to review: %(departments)s).",
                 order=self.name, departments=self._qms_join(self._qms_current_lines().role_id.mapped("name")))

    def _qms_state_error(self, state):
        """Why the order cannot become ``state`` (sent or sale) now, or False."""
        self.ensure_one()
        if state == "sent":
            return self._qms_send_error()
        return self._qms_gate_error() if state == "sale" else False

    def _qms_delivery_hold_error(self):
        """Why the outgoing deliveries of this confirmed order wait, or False: it was amended (or
        its review requested again) and needs a review that is not approved (procedure 8.2.4).
        A confirmed order that nobody amended is not held by a later change of the settings."""
        self.ensure_one()
        if self.state != "sale" or not self.qms_review_required \
                or self.qms_review_state not in ("in_review", "rejected", "outdated"):
            return False
        return self._qms_review_error()

    def _qms_send_error(self):
        self.ensure_one()
        if not self.company_id.qms_review_before_sending or not self.qms_review_required:
            return False
        if self.qms_review_state == "approved":
            return False
        return self.env._("%(order)s cannot be sent before its contract review is approved. %(reason)s",
                 order=self.name, reason=self._qms_gate_error() or "")

    def _qms_record_simplified_review(self):
        """Simplified review of regular orders on delivery (procedure 4.2.5): the salesperson and
        the warehouse keeper confirm the delivery; recorded as review lines."""
        delivery_rules = self.env["qms.review.rule"]._qms_by_company(self.company_id, ["delivery"])
        if not any(delivery_rules.values()):
            return
        now = fields.Datetime.now()
        vals_list = []
        for order in self:
            for rule in order._qms_rules(delivery_rules[order.company_id.id]):
                role = rule._qms_role_for(order.company_id)
                vals = {"order_id": order.id, "role_id": role.id, "revision": order.qms_review_revision + 1,
                        "sequence": rule.sequence, "topics": role.checklist}
                if order.user_id and role.group_id in order.user_id.groups_id:
                    vals.update(decision="accepted", reviewer_id=order.user_id.id,
                                decided_on=order.date_order, comment=self.env._("Order confirmed by the salesperson."))
                elif role.group_id in self.env.user.groups_id:
                    vals.update(decision="accepted", reviewer_id=self.env.user.id, decided_on=now,
                                comment=self.env._("Delivery validated by the warehouse."))
                else:
                    vals.update(reviewer_id=role.user_ids[:1].id)
                vals_list.append(vals)
        if not vals_list:
            return
        # sudo: the simplified review is recorded by the delivery itself (procedure 4.2.5).
        lines = self.env["qms.contract.review.line"].sudo().create(vals_list)
        lines_by_order = lines.grouped("order_id")
        for order, order_lines in lines_by_order.items():
            order._qms_write_transition({"qms_review_revision": order.qms_review_revision + 1,
                                         "qms_review_changed_terms": False})
            order._qms_schedule_review_activities(order_lines)

    # Samples (procedure step 7): approved samples are the reference of special orders.
    qms_sample_ids = fields.Many2many(
        "qms.sample.request", string="Approved Samples", compute="_compute_qms_samples",
    )
    qms_missing_sample_product_ids = fields.Many2many(
        "product.product", string="Products without Approved Sample", compute="_compute_qms_samples",
    )
    qms_sample_warning = fields.Text(string="Sample Warning", compute="_compute_qms_samples")

    @api.depends("order_line.qms_sample_id", "order_line.product_id", "qms_contract_type")
    def _compute_qms_samples(self):
        for order in self:
            lines = order.order_line.filtered(
                lambda line: line.product_id and not line.display_type and not line.is_downpayment
                and line.product_id.type != "service"
            )
            order.qms_sample_ids = lines.qms_sample_id
            missing = lines.filtered(lambda line: not line.qms_sample_id).product_id
            if order.qms_contract_type != "special":
                missing = self.env["product.product"]
            order.qms_missing_sample_product_ids = missing
            order.qms_sample_warning = self.env._(
                "Special order: no sample approved by the customer for %s.", self._qms_join(missing.mapped("display_name")),
            ) if missing else False

    # The customer's acceptance held during the review (signature or payment on the portal)
    qms_acceptance_held_on = fields.Datetime(
        string="Customer Acceptance Held Since", readonly=True, copy=False,
        help="The customer signed or paid the quotation while its contract review did not allow its confirmation.",
    )
    qms_accepted_terms = fields.Char(
        string="Terms Accepted by the Customer", readonly=True, copy=False,
        help="Fingerprint of the reviewed terms the customer signed or paid.",
    )

    def _qms_terms_digest(self):
        """A fingerprint of the order's reviewed terms (customer, payment terms, pricelist, date,
        products, quantities, prices, discounts, taxes, requirements, total)."""
        self.ensure_one()
        lines = sorted(
            (line.product_id.id, line.product_uom_qty, line.product_uom.id, line.price_unit, line.discount,
             tuple(sorted(line.tax_id.ids)))
            for line in self.order_line if not line.display_type and not line.is_downpayment
        )
        requirements = sorted(
            (req.kind or "", req.description or "", bool(req.non_standard)) for req in self.qms_requirement_ids
        )
        terms = (
            self.partner_id.id, self.payment_term_id.id, self.pricelist_id.id, str(self.commitment_date or ""),
            self.currency_id.id, lines, requirements, self.amount_total,
        )
        return hashlib.sha256(repr(terms).encode()).hexdigest()

    def _qms_hold_acceptance(self):
        """The customer signed or paid these quotations while their review blocks confirmation:
        record when, and which terms were accepted (see _qms_release_held_acceptance)."""
        now = fields.Datetime.now()
        for order in self:
            # The acceptance is the customer's (portal) or the payment provider's, recorded for
            # the review that holds it.
            order._qms_write_transition({"qms_acceptance_held_on": now, "qms_accepted_terms": order._qms_terms_digest()})

    def _qms_release_held_acceptance(self):
        """The review of a quotation the customer signed or paid is approved: confirm it as
        standard Odoo would have at the signature (nothing left to pay) or at the payment (the
        amount to confirm is reached), with the confirmation e-mail, and tell the salesperson. It
        stays a quotation when its reviewed terms changed since the customer accepted them, when
        the company keeps the confirmation manual, or when the confirmation fails; the salesperson
        is told why. The signature and the payment stay on record."""
        self.ensure_one()
        if not self.qms_acceptance_held_on or self.state not in ("draft", "sent"):
            return
        salesperson = self.user_id or self.env.user
        # sudo: the customer's acceptance confirms the order, as on the portal (as superuser);
        # the procedure only deferred it until the review approved the order. In the name of its
        # salesperson, who answers for it.
        order = self.with_user(salesperson).sudo()
        # The note is for the salesperson: in the salesperson's language, timezone and date format.
        local = self._qms_in_lang(salesperson).with_context(tz=salesperson.tz or self.env.context.get("tz"))
        accepted_on = local._qms_format_datetime(self.qms_acceptance_held_on)
        paid = bool(order.transaction_ids.filtered(lambda tx: tx.state in ("authorized", "done"))) \
            and order._is_confirmation_amount_reached()
        signed = bool(order.signature) and not (order.require_payment and order.amount_total > 0 and not paid)
        if not (paid or signed):
            return
        env = local.env
        if order.qms_accepted_terms != order._qms_terms_digest():
            body = env._("The contract review is approved, but the reviewed terms changed since the customer accepted "
                         "the quotation on %s: confirm it once the customer has agreed to the new terms.", accepted_on)
        elif not order.company_id.qms_release_held_orders:
            body = env._("The contract review is approved and the customer accepted the quotation on %s: confirm it.",
                         accepted_on)
        else:
            error = order._qms_gate_error()
            if not error:
                try:
                    with self.env.cr.savepoint():
                        order._validate_order()
                except UserError as exception:
                    error = exception.args[0] if exception.args else str(exception)
            if error or order.state != "sale":
                body = env._("The contract review is approved, but the quotation accepted by the customer on %(date)s "
                             "could not be confirmed: %(error)s", date=accepted_on, error=error or "-")
            else:
                order._qms_write_transition({"qms_acceptance_held_on": False})
                body = env._("The contract review is approved: the order is confirmed, as the customer paid it on %s.",
                             accepted_on) if paid else env._(
                    "The contract review is approved: the order is confirmed, as the customer signed it on %s.",
                    accepted_on)
        order.message_post(body=body, subtype_xmlid="mail.mt_note", partner_ids=salesperson.partner_id.ids)
