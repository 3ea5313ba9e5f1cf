import codecs

from odoo import models


def known_charset(charset):
    try:
        codecs.lookup(charset)
    except LookupError:
        return False
    return True


class MailThread(models.AbstractModel):
    _inherit = "mail.thread"

    def _message_parse_extract_payload(self, message, message_dict, save_original=False):
        # A text part declared in a charset Python does not know (e.g. "x-unknown-8bit") makes
        # the email module raise LookupError while Odoo reads the body, before the email is
        # routed: the whole email is refused, and fetchmail marks it read, so a complaint sent
        # to the complaints alias would be lost. Such a part is read as UTF-8 instead, bytes that
        # do not decode being replaced, as Odoo already does for a text part with no charset.
        # Emails in a known charset are untouched.
        for part in message.walk():
            charset = part.get_content_maintype() == "text" and part.get_content_charset()
            if charset and not known_charset(charset):
                part.set_param("charset", "utf-8")
        return super()._message_parse_extract_payload(message, message_dict, save_original=save_original)

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
