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
