from odoo import models


class MailThread(models.AbstractModel):
    _inherit = "mail.thread"

    def _routing_check_route(self, message, message_dict, route, raise_exception=True):
        """A record the gateway is about to create gets its company now, in the environment of
        whoever processes the mail: message_new then runs as superuser (see
        qms.workflow.mixin._qms_gateway_creation_values)."""
        route = super()._routing_check_route(message, message_dict, route, raise_exception=raise_exception)
        if route and not route[1] and hasattr(self.env[route[0]], "_qms_gateway_creation_values"):
            model, thread_id, custom_values, user_id, alias = route
            custom_values = self.env[model]._qms_gateway_creation_values(custom_values, user_id, alias)
            route = (model, thread_id, custom_values, user_id, alias)
        return route
