import math
from datetime import date, datetime

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools.misc import format_date

# What a PostgreSQL integer column holds.
INTEGER_RANGE = (-(2**31), 2**31 - 1)


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

    ``create`` and ``write`` also check, from every caller, the type of the values given to the
    addon's fields (``_qms_check_values``), so that bad input gets a clear ValidationError
    before the ORM or the database answers with a raw error, and nothing is written.

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
        for vals in vals_list:
            self._qms_check_values(vals)
            if not self.env.su:
                self._qms_check_transition_vals(vals, creating=True)
        return super().create(vals_list)

    def write(self, vals):
        self._qms_check_values(vals)
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
            labels = self._qms_join(sorted(self._fields[name]._description_string(self.env) for name in owned))
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
    def _qms_check_values(self, vals):
        """The values ``create`` or ``write`` gives to the fields this addon declares, checked
        before the ORM converts them (which would raise a raw TypeError or ValueError, store the
        text "no" as true, or let the database refuse the query): a dictionary; a text without
        NUL characters; a finite number, an integer the database can hold; true or false for a
        flag; one of the choices of a selection; a record id for a link; a date for a date."""
        if not isinstance(vals, dict):
            raise UserError(self.env._("The values of %s must be given as a dictionary.", self._description))
        for name, value in vals.items():
            field = self._fields.get(name)
            # Unknown fields are refused by the ORM; the fields of other modules keep their
            # standard behaviour; an empty value is always accepted.
            if field is None or field._module != "qms_customer_process" or value is None or value is False:
                continue
            error = self._qms_value_error(field, value)
            if error:
                raise ValidationError(self.env._(
                    "%(field)s of a %(record)s: %(error)s",
                    field=field._description_string(self.env), record=self._description, error=error,
                ))

    @api.model
    def _qms_value_error(self, field, value):
        """Why ``value`` cannot be given to ``field``, or None."""
        try:
            shown = str(value)
        except ValueError:  # an integer too long to print
            shown = "…"
        shown = shown if len(shown) <= 40 else shown[:39] + "…"
        if field.type in ("char", "text", "html"):
            if not isinstance(value, str):
                return self.env._("a text is expected.")
            if "\x00" in value:
                return self.env._("a text cannot contain NUL characters.")
        elif field.type in ("integer", "float", "monetary"):
            if isinstance(value, bool) or not isinstance(value, int | float | str):
                return self.env._("a number is expected.")
            try:
                number = int(value) if field.type == "integer" and not isinstance(value, float) else float(value)
            except (ValueError, OverflowError):
                return self.env._("a number is expected.")
            if isinstance(number, float) and not math.isfinite(number):
                return self.env._("a finite number is expected, not %s.", shown)
            if field.type == "integer" and not INTEGER_RANGE[0] <= number <= INTEGER_RANGE[1]:
                return self.env._("%s is out of range.", shown)
        elif field.type == "boolean":
            if not isinstance(value, bool) and not (type(value) is int and value in (0, 1)):
                return self.env._("true or false is expected.")
        elif field.type == "selection":
            if not isinstance(value, str) or value not in field.get_values(self.env):
                return self.env._("%s is not one of its choices.", shown)
        elif field.type == "many2one":
            if isinstance(value, models.BaseModel):
                if value._name != field.comodel_name or len(value) > 1:
                    return self.env._("a record id is expected.")
            elif isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= INTEGER_RANGE[1]:
                return self.env._("a record id is expected.")
        elif field.type in ("date", "datetime"):
            if isinstance(value, date):
                return None
            if not isinstance(value, str):
                return self.env._("a date is expected.")
            try:
                (fields.Date.to_date if field.type == "date" else fields.Datetime.to_datetime)(value)
            except ValueError:
                return self.env._("%s is not a date.", shown)
        return None

    @api.model
    def _qms_check_text(self, value, what):
        """A text argument of a public method: a string (without NUL characters), or nothing."""
        if value not in (None, False) and not isinstance(value, str):
            raise UserError(self.env._("%s must be a text.", what))
        if value and "\x00" in value:
            raise UserError(self.env._("%s cannot contain NUL characters.", what))

    def _qms_ensure_one(self):
        """``ensure_one`` for a public method, with a message in the user's language."""
        if len(self) != 1:
            raise UserError(self.env._(
                "This action works on one %(record)s at a time, not %(count)s.",
                record=self._description, count=len(self),
            ))

    def _qms_check_role(self, group_xmlids, message):
        """Refuse ``message`` (AccessError) unless the user is in one of ``group_xmlids``. A
        superuser environment passes: it is a controller or a transition acting for the
        procedure, which checked the actor itself."""
        if self.env.su:
            return
        user = self.env.user
        if not any(user.has_group(xmlid) for xmlid in group_xmlids):
            raise AccessError(message)

    def _qms_in_lang(self, person=None):
        """These records in the language a generated text is written in: the language of
        ``person`` (a user or a partner) for what is written for that person (a to-do), else the
        company's (chatter notes, kept in one language for the record), else the user's.
        A language that is not installed falls back the same way."""
        installed = {code for code, _name in self.env["res.lang"].get_installed()}
        company = self.company_id[:1] if "company_id" in self._fields else self.env["res.company"]
        for lang in (person[:1].lang if person else False, (company or self.env.company).partner_id.lang,
                     self.env.lang):
            if lang in installed:
                return self.with_context(lang=lang)
        return self

    def _qms_join(self, values):
        """A list of names for a sentence: 、 between them in Chinese, a comma elsewhere."""
        separator = "、" if (self.env.lang or "").startswith("zh") else ", "
        return separator.join(str(value) for value in values if value)

    def _qms_format_date(self, value):
        """A date (or the date of a datetime, in the user's timezone) in the format of the
        language of this environment, for a generated text."""
        if not value:
            return ""
        if isinstance(value, datetime):
            value = fields.Datetime.context_timestamp(self, value).date()
        return format_date(self.env, value)

    def _qms_format_datetime(self, value, tz=None):
        """A moment for a generated text: the date and the time without seconds in the formats of
        this environment's language, in ``tz`` (else the user's timezone)."""
        if not value:
            return ""
        local = fields.Datetime.context_timestamp(self.with_context(tz=tz) if tz else self, value)
        time_format = self.env["res.lang"]._get_data(code=self.env.lang or "en_US").short_time_format or "%H:%M"
        return f"{format_date(self.env, local.date())} {local.strftime(time_format)}"

    def _qms_mail_customer(self, template_xmlid, setting, contact=None):
        """Send the customer of each record the e-mail ``template_xmlid`` through the record's
        chatter (a message to the template's recipients, rendered in their language, with the
        record's portal link), unless the record's company turned ``setting`` off or the customer
        (``contact(record)``, default its partner) has no e-mail address. Returns the records
        mailed."""
        template = self.env.ref(template_xmlid, raise_if_not_found=False)
        mailed = self.browse()
        if not template:
            return mailed
        for record in self:
            customer = contact(record) if contact else record.partner_id
            if not record.company_id[setting] or not customer.email:
                continue
            # sudo: the procedure tells the customer of this step whoever takes it (a department,
            # the customer on the portal, the mail gateway), who may not render e-mail templates.
            record.sudo().message_post_with_source(template, subtype_xmlid="mail.mt_comment")
            mailed |= record
        return mailed
