from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import SQL

PROPERTY_KINDS = [
    ("material", "Material"),
    ("tooling", "Tooling / Equipment"),
    ("document", "Drawings and Specifications"),
    ("intellectual_property", "Intellectual Property"),
    ("packaging", "Packaging"),
    ("personal_data", "Personal Data"),
]
PROPERTY_STATES = [
    ("received", "Received"),
    ("verified", "Verified"),
    ("in_use", "In Use"),
    ("returned", "Returned"),
    ("lost", "Lost / Damaged"),
]
INCIDENT_TYPES = [("lost", "Lost"), ("damaged", "Damaged"), ("unsuitable", "Unsuitable for Use")]
OPEN_STATES = ("received", "verified", "in_use")
# What the receipt recorded: verified on receipt, closed once verified (or once in stock).
RECEIPT_FIELDS = {
    "partner_id", "kind", "product_id", "lot_id", "quantity", "uom_id", "received_date", "received_by_id",
    "company_id",
}
# Who records customer property, its receipt, use and return (顾客服务控制程序 3.2-3.3: the
# warehouse keeps customer-supplied product, production the customer's equipment, sales the
# customer's documents): salespeople, the warehouse and production.
RECORDER_GROUPS = [
    "sales_team.group_sale_salesman",
    "qms_customer_process.group_qms_warehouse",
    "qms_customer_process.group_qms_production",
]
QUALITY_GROUP = "qms_customer_process.group_qms_quality"
# Kinds that are goods a consignment receipt can put in stock.
STOCKED_KINDS = ("material", "tooling", "packaging")


class QmsCustomerProperty(models.Model):
    _name = "qms.customer.property"
    _description = "Customer Property"
    _inherit = ["qms.workflow.mixin", "portal.mixin", "mail.thread", "mail.activity.mixin"]
    _order = "received_date desc, id desc"
    _rec_names_search = ["reference", "name"]
    _qms_transition_fields = (
        "state", "picking_id",
        "verified_by_id", "verified_on", "verification_result", "verification_note",
        "in_use_since", "returned_by_id", "returned_on", "return_note",
        "incident_type", "incident_description", "incident_reported_by_id", "incident_reported_on",
        "customer_answer", "customer_answered_by", "customer_answered_on", "customer_answered_on_portal",
        # mirrors the customer: the portal decides by it
        "commercial_partner_id",
    )
    _check_company_auto = True

    reference = fields.Char(required=True, readonly=True, copy=False, default="/", index="trigram")
    name = fields.Char(string="Description", required=True, tracking=True)
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company,
    )
    state = fields.Selection(
        PROPERTY_STATES, string="Status", required=True, default="received", readonly=True, copy=False,
        index=True, tracking=True,
    )
    kind = fields.Selection(PROPERTY_KINDS, required=True, default="material", tracking=True)
    partner_id = fields.Many2one(
        "res.partner", string="Customer", required=True, tracking=True, index=True, check_company=True,
        help="The customer who entrusted the property.",
    )
    commercial_partner_id = fields.Many2one(
        related="partner_id.commercial_partner_id", string="Commercial Entity", store=True, index=True,
    )
    user_id = fields.Many2one(
        "res.users", string="Salesperson", tracking=True, index=True, domain="[('share', '=', False)]",
        default=lambda self: self.env.user if self.env.user.has_group("sales_team.group_sale_salesman") else False,
        help="The salesperson who looks after the customer; gets the customer's answers.",
    )
    sale_order_id = fields.Many2one(
        "sale.order", string="Order", tracking=True, index="btree_not_null", check_company=True,
        domain="[('partner_id', 'child_of', commercial_partner_id)]",
        help="The order the property was entrusted for.",
    )
    product_id = fields.Many2one("product.product", string="Product", tracking=True, check_company=True)
    lot_id = fields.Many2one(
        "stock.lot", string="Lot/Serial Number", tracking=True, check_company=True,
        domain="[('product_id', '=', product_id)]",
    )
    quantity = fields.Float(digits="Product Unit of Measure", tracking=True, default=1.0)
    uom_id = fields.Many2one(
        "uom.uom", string="Unit", compute="_compute_uom_id", store=True, readonly=False, precompute=True,
    )
    location_id = fields.Many2one(
        "stock.location", string="Stock Location", tracking=True, check_company=True,
        help="Where the property is kept in stock.",
    )
    storage_note = fields.Char(
        string="Kept At", tracking=True,
        help="Where the property is kept outside the stock: drawing cabinet, machine, secured folder...",
    )
    received_date = fields.Date(required=True, default=fields.Date.context_today, tracking=True)
    received_by_id = fields.Many2one("res.users", string="Received By", default=lambda self: self.env.user)
    picking_id = fields.Many2one(
        "stock.picking", string="Consignment Receipt", readonly=True, copy=False, check_company=True,
        help="The receipt that put the property in stock as the customer's (owner: the customer).",
    )
    receipt_state = fields.Selection(related="picking_id.state", string="Receipt Status")
    note = fields.Text(string="Notes")
    # Verification on receipt (quality)
    verified_by_id = fields.Many2one("res.users", string="Verified By", readonly=True, copy=False)
    verified_on = fields.Datetime(readonly=True, copy=False)
    verification_result = fields.Selection(
        [("conforming", "Conforming"), ("nonconforming", "Nonconforming")], readonly=True, copy=False,
        tracking=True,
    )
    verification_note = fields.Text(string="Inspection Record", readonly=True, copy=False)
    # Use and return
    in_use_since = fields.Datetime(readonly=True, copy=False)
    returned_by_id = fields.Many2one("res.users", string="Returned By", readonly=True, copy=False)
    returned_on = fields.Datetime(readonly=True, copy=False)
    return_note = fields.Text(readonly=True, copy=False)
    # Loss, damage or unsuitability, reported to the customer (顾客财产异常通知单)
    incident_type = fields.Selection(INCIDENT_TYPES, readonly=True, copy=False, tracking=True)
    incident_description = fields.Text(readonly=True, copy=False)
    incident_reported_by_id = fields.Many2one("res.users", string="Reported By", readonly=True, copy=False)
    incident_reported_on = fields.Datetime(string="Reported to the Customer On", readonly=True, copy=False)
    customer_answer = fields.Text(string="Customer's Answer", readonly=True, copy=False, tracking=True)
    customer_answered_by = fields.Char(string="Answered By (customer)", readonly=True, copy=False)
    customer_answered_on = fields.Datetime(readonly=True, copy=False)
    customer_answered_on_portal = fields.Boolean(string="Answered on the Portal", readonly=True, copy=False)
    stock_quant_count = fields.Integer(string="Customer's Stock", compute="_compute_stock_quant_count")

    _sql_constraints = [
        ("quantity_positive", "CHECK(quantity >= 0)", "The quantity of a customer property cannot be negative."),
    ]

    @api.depends("product_id")
    def _compute_uom_id(self):
        for prop in self:
            if prop.product_id and not prop.uom_id:
                prop.uom_id = prop.product_id.uom_id

    @api.depends("reference", "name")
    def _compute_display_name(self):
        for prop in self:
            prop.display_name = f"{prop.reference} {prop.name}" if prop.reference and prop.reference != "/" else prop.name

    def _compute_access_url(self):
        for prop in self:
            prop.access_url = f"/my/property/{prop.id}"

    def _compute_stock_quant_count(self):
        quants = self._qms_stock_quants()
        for prop in self:
            prop.stock_quant_count = len(quants.filtered(
                lambda quant, prop=prop: quant.product_id == prop.product_id
                and quant.owner_id == prop.commercial_partner_id
            ))

    @api.constrains("lot_id", "product_id")
    def _check_lot(self):
        for prop in self:
            if prop.lot_id and prop.lot_id.product_id != prop.product_id:
                raise ValidationError(self.env._(
                    "The lot %(lot)s is not a lot of %(product)s.", lot=prop.lot_id.name,
                    product=prop.product_id.display_name or "-",
                ))

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self._qms_check_values(vals)
            if vals.get("reference", "/") == "/":
                company = self.env["res.company"].browse(vals.get("company_id")) or self.env.company
                vals["reference"] = self.env["ir.sequence"].with_company(company).next_by_code(
                    "qms.customer.property") or "/"
        return super().create(vals_list)

    def write(self, vals):
        self._qms_check_values(vals)
        if not self.env.su:
            # What the buttons own is refused as such first; then what the state closes.
            self._qms_check_transition_vals(vals)
            for prop in self:
                closed = set(vals) & (RECEIPT_FIELDS if prop.state != "received" or prop.picking_id else set())
                if prop.state in ("returned", "lost"):
                    closed = set(vals) & set(self._fields) - {"note"} - set(self._qms_free_fields())
                if closed:
                    labels = self._qms_join(sorted(self._fields[name]._description_string(self.env) for name in closed))
                    raise UserError(self.env._(
                        "%(ref)s is %(state)s: these fields can no longer be changed: %(fields)s.",
                        ref=prop.reference, fields=labels,
                        state=dict(self._fields["state"]._description_selection(self.env))[prop.state],
                    ))
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_record(self):
        for prop in self:
            if prop.state != "received" or prop.picking_id or prop.verified_on:
                raise UserError(self.env._(
                    "%s is a record of the customer's property: it cannot be deleted.", prop.reference,
                ))

    # Actions

    def action_create_receipt(self):
        """The consignment receipt of customer-supplied goods: received into stock with the customer
        as owner (Odoo's consignment), so that the stock shows them as the customer's."""
        self._qms_ensure_one()
        self._qms_check_role(
            ["stock.group_stock_user", "qms_customer_process.group_qms_warehouse"],
            self.env._("Only the warehouse receives customer property into stock."),
        )
        self._qms_lock()
        if self.state != "received" or self.picking_id:
            raise UserError(self.env._("%s already has its receipt, or was received earlier.", self.reference))
        if self.kind not in STOCKED_KINDS or not self.product_id or self.product_id.type != "consu":
            raise UserError(self.env._(
                "Only material, tooling or packaging recorded with a product (goods) is received into stock: %s.",
                self.reference,
            ))
        if self.quantity <= 0:
            raise UserError(self.env._("Give the quantity of %s received.", self.reference))
        warehouse = self.env["stock.warehouse"].search([("company_id", "=", self.company_id.id)], limit=1)
        picking_type = warehouse.in_type_id
        if not picking_type:
            raise UserError(self.env._("The company of %s has no warehouse with receipts.", self.reference))
        customer = self.commercial_partner_id
        source = customer.property_stock_customer or self.env.ref("stock.stock_location_customers")
        destination = self.location_id or picking_type.default_location_dest_id
        # The receipt is an ordinary transfer, made with the warehouse user's own stock rights.
        picking = self.env["stock.picking"].with_company(self.company_id).create({
            "picking_type_id": picking_type.id,
            "partner_id": self.partner_id.id,
            "owner_id": customer.id,
            "origin": self.reference,
            "location_id": source.id,
            "location_dest_id": destination.id,
            "company_id": self.company_id.id,
            "move_ids": [fields.Command.create({
                "name": self.name,
                "product_id": self.product_id.id,
                "product_uom_qty": self.quantity,
                "product_uom": (self.uom_id or self.product_id.uom_id).id,
                "location_id": source.id,
                "location_dest_id": destination.id,
                "company_id": self.company_id.id,
            })],
        })
        picking.action_confirm()
        if self.lot_id and self.product_id.tracking != "none":
            picking.action_assign()
            picking.move_line_ids.write({"lot_id": self.lot_id.id})
        # The link to its receipt is set by this action only.
        self._qms_write_transition({"picking_id": picking.id})
        if not self.location_id:
            self.write({"location_id": destination.id})
        self.message_post(body=self.env._(
            "Consignment receipt %(receipt)s created: received into %(location)s as the property of %(customer)s.",
            receipt=picking.name, location=destination.display_name, customer=customer.name,
        ))
        return {
            "type": "ir.actions.act_window",
            "res_model": "stock.picking",
            "res_id": picking.id,
            "view_mode": "form",
            "target": "current",
        }

    def action_verify(self, result="conforming", note=None):
        """Quality's inspection on receipt (ISO 9001 8.5.3: identify, verify): conforming or not,
        with the inspection record; a nonconforming property is reported to the customer."""
        self._qms_check_role([QUALITY_GROUP], self.env._("Only quality verifies customer property on receipt."))
        self._qms_check_text(note, self.env._("The inspection record"))
        if result not in ("conforming", "nonconforming"):
            raise UserError(self.env._("The result of an inspection is conforming or nonconforming, not %s.", result))
        note = (note or "").strip()
        self._qms_lock()
        for prop in self:
            prop._qms_check_state("received")
            if result == "nonconforming" and not note:
                raise UserError(self.env._("Record what does not conform on %s.", prop.reference))
        now = fields.Datetime.now()
        for prop in self:
            prop._qms_write_transition({
                "state": "verified", "verified_by_id": self.env.user.id, "verified_on": now,
                "verification_result": result, "verification_note": note or False,
            })
            if result == "nonconforming":
                prop._qms_schedule(prop._qms_followers(), lambda env, prop=prop: env._(
                    "%s does not conform on receipt: report it to the customer", prop.reference,
                ))
        return True

    def action_start_use(self):
        """A verified, conforming property goes into use (production, packaging of the order)."""
        self._qms_check_role(RECORDER_GROUPS, self.env._("Only sales, the warehouse or production record the use of customer property."))
        self._qms_lock()
        for prop in self:
            prop._qms_check_state("verified")
            if prop.verification_result != "conforming":
                raise UserError(self.env._(
                    "%s did not conform on receipt: it is not used; report it to the customer.", prop.reference,
                ))
        self._qms_write_transition({"state": "in_use", "in_use_since": fields.Datetime.now()})
        return True

    def action_return(self, note=None):
        """The property goes back to the customer (or is used up in the delivered product)."""
        self._qms_check_role(RECORDER_GROUPS, self.env._("Only sales, the warehouse or production return customer property."))
        self._qms_check_text(note, self.env._("The return note"))
        self._qms_lock()
        for prop in self:
            prop._qms_check_state(*OPEN_STATES)
        self._qms_write_transition({
            "state": "returned", "returned_by_id": self.env.user.id, "returned_on": fields.Datetime.now(),
            "return_note": (note or "").strip() or False,
        })
        return True

    def action_report_loss(self, incident_type="lost", description=None):
        """The property is lost, damaged or found unsuitable: recorded, and reported to the customer
        (ISO 9001 8.5.3) by e-mail in the customer's language, in the chatter and on the portal,
        with the incident notice (顾客财产异常通知单)."""
        self._qms_check_role(
            [*RECORDER_GROUPS, QUALITY_GROUP],
            self.env._("Only sales, the warehouse, production or quality report a loss of customer property."),
        )
        self._qms_check_text(description, self.env._("The description of the incident"))
        if incident_type not in dict(INCIDENT_TYPES):
            raise UserError(self.env._("The incident is lost, damaged or unsuitable for use, not %s.", incident_type))
        description = (description or "").strip()
        if not description:
            raise UserError(self.env._("Describe what happened to the customer's property."))
        self._qms_lock()
        for prop in self:
            prop._qms_check_state(*OPEN_STATES)
        now = fields.Datetime.now()
        template = self.env.ref("qms_customer_process.mail_template_customer_property_incident")
        for prop in self:
            prop._qms_write_transition({
                "state": "lost", "incident_type": incident_type, "incident_description": description,
                "incident_reported_by_id": self.env.user.id, "incident_reported_on": now,
            })
            # The notice goes to the customer through the chatter, rendered in the customer's
            # language, with the portal link and the printed notice.
            prop.message_post_with_source(template, subtype_xmlid="mail.mt_comment", message_type="comment")
            if prop.user_id and prop.user_id != self.env.user:
                prop._qms_schedule(prop.user_id, lambda env, prop=prop: env._(
                    "%s reported to the customer: record its answer", prop.reference))
        return True

    def action_record_customer_answer(self, answer=None, answered_by=None):
        """The customer's answer to the incident notice: by sales from its letter or call, or by the
        customer on the portal."""
        self._qms_check_text(answer, self.env._("The customer's answer"))
        self._qms_check_text(answered_by, self.env._("Who answered at the customer"))
        answer = (answer or "").strip()
        user = self.env.user
        portal_user = user.share and not user._is_public()
        self._qms_lock()
        for prop in self:
            if portal_user:
                if prop.commercial_partner_id != user.partner_id.commercial_partner_id:
                    raise AccessError(self.env._("You can only answer about your own company's property."))
            elif not user._is_public():
                prop._qms_check_role(
                    ["sales_team.group_sale_salesman"],
                    self.env._("Only sales record the customer's answer about its property."),
                )
            prop._qms_check_state("lost")
            if prop.customer_answer:
                raise UserError(self.env._("The customer's answer about %s is already recorded.", prop.reference))
            if not answer:
                raise UserError(self.env._("Give the customer's answer about %s.", prop.reference))
        now = fields.Datetime.now()
        for prop in self:
            who = (answered_by or "").strip() or (portal_user and user.partner_id.name) or prop.partner_id.name
            prop._qms_write_transition({
                "customer_answer": answer, "customer_answered_by": who, "customer_answered_on": now,
                "customer_answered_on_portal": user.share,
            })
            # sudo: the answer is recorded on the property by whoever records it, the customer on
            # the portal included, who may only read it.
            prop.sudo().message_post(
                body=self.env._("Answer of the customer (%(who)s): %(answer)s", who=who, answer=answer),
                author_id=prop.partner_id.id if user._is_public() else user.partner_id.id,
            )
            prop.sudo().activity_feedback(["mail.mail_activity_data_todo"], feedback=self.env._("Customer answered."))
        return True

    def action_view_stock(self):
        """The stock the customer owns of this product (Odoo's consignment: owner = the customer)."""
        self._qms_ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Stock of %s", self.commercial_partner_id.name),
            "res_model": "stock.quant",
            "view_mode": "list",
            "views": [(self.env.ref("qms_customer_process.stock_quant_view_list_qms_customer_property").id, "list")],
            "domain": [("id", "in", self._qms_stock_quants().ids)],
            "context": {"create": False},
        }

    # Business methods

    def _qms_stock_quants(self):
        """The internal quants the customers of ``self`` own of their products."""
        products = self.product_id
        if not products:
            return self.env["stock.quant"]
        # sudo: whoever follows the customer's property sees how much of it is in stock, as the
        # register's own figure, without stock rights.
        return self.env["stock.quant"].sudo().search([
            ("product_id", "in", products.ids),
            ("owner_id", "in", self.commercial_partner_id.ids),
            ("location_id.usage", "=", "internal"),
            ("company_id", "in", self.company_id.ids),
        ])

    def _qms_lock(self):
        """Lock the properties' rows before a transition writes them: every transition writes the
        row it checked, so of two simultaneous transitions the second is refused this lock once the
        first commits, and Odoo retries it on a new snapshot where its state checks see the first
        (as sale.order._qms_lock_review does for a contract review)."""
        if self.ids:
            self.env.cr.execute(SQL(
                "SELECT id FROM %s WHERE id IN %s FOR NO KEY UPDATE", SQL.identifier(self._table), tuple(self.ids),
            ))

    def _qms_check_state(self, *states):
        self.ensure_one()
        if self.state not in states:
            labels = dict(self._fields["state"]._description_selection(self.env))
            raise UserError(self.env._(
                "%(ref)s is %(state)s: this step needs it to be %(expected)s.",
                ref=self.reference, state=labels[self.state], expected=self._qms_join(labels[s] for s in states),
            ))

    def _qms_free_fields(self):
        """Fields that stay free on a closed record: chatter, activities, portal token."""
        return {name for name, field in self._fields.items() if field._module != "qms_customer_process"} - set(
            RECEIPT_FIELDS
        )

    def _qms_followers(self):
        self.ensure_one()
        return (self.user_id | self.received_by_id).filtered(lambda user: user.active and not user.share)

    def _qms_schedule(self, users, summary):
        """A to-do for each of ``users``; ``summary(env)`` writes its text in ``env``'s language,
        the user's."""
        # sudo: the procedure has the next person notified by whoever moves the property on.
        for user in users:
            self.sudo().activity_schedule(
                "mail.mail_activity_data_todo", user_id=user.id, summary=summary(self._qms_in_lang(user).env),
            )

    def _qms_incident_label(self):
        self.ensure_one()
        return dict(self._fields["incident_type"]._description_selection(self.env)).get(self.incident_type, "")

    def _get_report_base_filename(self):
        self.ensure_one()
        return f"{self.env._('Customer Property')} {self.reference}"
