from odoo import api, models
from odoo.exceptions import AccessError, UserError


class QmsWorkflowMixin(models.AbstractModel):
    """One workflow idiom for every record of the procedure.

    The fields a transition owns (status, decision, who decided, verified, closed or approved
    it and when, scores, grades, effectiveness) are listed in ``_qms_transition_fields``. They
    are set only by the model's transition methods, which check who runs them and their
    preconditions, then write with ``_qms_write_transition``.

    ``create``, ``write`` and ``copy`` refuse those fields from any caller that is not the
    superuser, whatever the context says: a context key comes from the client and is never a
    permission. A new record may only carry their initial value. The mail gateway runs as
    superuser with values chosen by whoever routes the mail, so ``message_new`` and
    ``message_update`` refuse them from everyone.

    The mail gateway also decides the company of a record it creates before running as
    superuser (``_qms_gateway_creation_values``, called while the route is checked): through an
    alias, the alias's company; otherwise the caller's current company, and a company given in
    the caller's ``custom_values`` only when the caller may use it.
    """

    _name = "qms.workflow.mixin"
    _description = "QMS Workflow Record"

    # The fields only the transition methods write.
    _qms_transition_fields = ()

    @api.model_create_multi
    def create(self, vals_list):
        if not self.env.su:
            for vals in vals_list:
                self._qms_check_transition_vals(vals, creating=True)
        return super().create(vals_list)

    def write(self, vals):
        if not self.env.su:
            self._qms_check_transition_vals(vals)
        return super().write(vals)

    @api.model
    def message_new(self, msg_dict, custom_values=None):
        self._qms_check_transition_vals(custom_values or {}, creating=True)
        return super().message_new(msg_dict, custom_values=custom_values)

    def message_update(self, msg_dict, update_vals=None):
        self._qms_check_transition_vals(update_vals or {})
        return super().message_update(msg_dict, update_vals=update_vals)

    # Business methods

    @api.model
    def _qms_gateway_creation_values(self, custom_values, user_id, alias):
        """The values the mail gateway creates a record with, decided in the environment of
        whoever processes the mail (``message_new`` later runs as superuser): the company of the
        record is the alias's company through an alias; on the fallback route (no alias), it is
        a company the caller may use (AccessError otherwise) or else the caller's current one."""
        if custom_values is not None and not isinstance(custom_values, dict):
            return custom_values  # message_new refuses it with a clear message
        values = dict(custom_values or {})
        field = self._fields.get("company_id")
        if not field or field.type != "many2one" or field.comodel_name != "res.company":
            return values
        # A company related to another record (the order of a review line, the campaign of a
        # survey) follows that record: it is only checked, never set here.
        own_company = not field.related
        if alias:
            if own_company and not values.get("company_id"):
                company = self._qms_alias_company(alias, user_id)
                if company:
                    values["company_id"] = company.id
            return values
        if self.env.su:
            return values
        if values.get("company_id"):
            allowed = self.env.user._get_company_ids()
            if values["company_id"] not in allowed:
                company = self.env["res.company"].sudo().browse(
                    values["company_id"] if isinstance(values["company_id"], int) else []
                ).exists()
                raise AccessError(self.env._(
                    "You cannot create a %(record)s in %(company)s by email: you do not work for that company.",
                    record=self._description, company=company.name or repr(values["company_id"]),
                ))
        elif own_company:
            values["company_id"] = self.env.company.id
        return values

    @api.model
    def _qms_alias_company(self, alias, user_id):
        """The company of the records an alias creates (its defaults name none): the company of
        the alias's email domain; when several companies share the domain, the one of the user
        the gateway runs as if it is among them, else the first; without a company on the domain,
        the company of the user the gateway runs as."""
        user = self.env["res.users"].sudo().browse(user_id)
        companies = alias.sudo().alias_domain_id.company_ids
        if user.company_id in companies or not companies:
            return user.company_id
        return companies.sorted("sequence")[:1]

    def _qms_check_transition_vals(self, vals, creating=False):
        """Refuse the fields a transition owns in ``vals``; on a new record, their initial value
        (the field's default, as declared) is accepted, and so are its context defaults."""
        if not isinstance(vals, dict):
            raise UserError(self.env._("The values of %s must be given as a dictionary.", self._description))
        owned = set(self._qms_transition_fields) & set(vals)
        if creating:
            owned = {name for name in owned if not self._qms_is_initial_value(name, vals[name])}
            context = self.env.context
            owned |= {
                name for name in self._qms_transition_fields
                if name not in vals and f"default_{name}" in context
                and not self._qms_is_initial_value(name, context[f"default_{name}"])
            }
        if owned:
            labels = ", ".join(sorted(self._fields[name]._description_string(self.env) for name in owned))
            raise AccessError(self.env._(
                "%(fields)s of a %(record)s are set by its workflow actions (the buttons), not written directly.",
                fields=labels, record=self._description,
            ))

    def _qms_is_initial_value(self, name, value):
        field = self._fields[name]
        initial = field.default(self) if field.default else False
        if isinstance(initial, models.BaseModel):
            initial = initial.id
        if not value and not initial:
            return True
        return value == initial

    def _qms_write_transition(self, vals):
        """Write what a transition owns. Call it only from a transition method, once it has
        checked who runs it and its preconditions."""
        # sudo: the calling transition has checked the role and the preconditions the procedure
        # sets for this step; the fields it writes are closed to everyone else.
        return self.sudo().write(vals)

    @api.model
    def _qms_check_text(self, value, what):
        """A text argument of a public method: a string, or nothing."""
        if value not in (None, False) and not isinstance(value, str):
            raise UserError(self.env._("%s must be a text.", what))

    def _qms_check_role(self, group_xmlids, message):
        """Refuse ``message`` (AccessError) unless the user is in one of ``group_xmlids``. A
        superuser environment passes: it is a controller or a transition acting for the
        procedure, which checked the actor itself."""
        if self.env.su:
            return
        user = self.env.user
        if not any(user.has_group(xmlid) for xmlid in group_xmlids):
            raise AccessError(message)
