from urllib.parse import urlencode

from odoo import http
from odoo.addons.portal.controllers.portal import CustomerPortal
from odoo.addons.portal.controllers.portal import pager as portal_pager
from odoo.exceptions import AccessError, MissingError, UserError
from odoo.http import request


class SampleCustomerPortal(CustomerPortal):

    def _prepare_home_portal_values(self, counters):
        values = super()._prepare_home_portal_values(counters)
        if "qms_sample_count" in counters:
            Sample = request.env["qms.sample.request"]
            values["qms_sample_count"] = Sample.search_count(self._prepare_qms_samples_domain(request.env.user.partner_id)) \
                if Sample.has_access("read") else 0
        return values

    def _prepare_qms_samples_domain(self, partner):
        return [
            ("partner_id", "child_of", [partner.commercial_partner_id.id]),
            ("state", "!=", "draft"),
        ]

    @http.route(["/my/samples", "/my/samples/page/<int:page>"], type="http", auth="user", website=True)
    def portal_my_qms_samples(self, page=1, **kwargs):
        Sample = request.env["qms.sample.request"]
        domain = self._prepare_qms_samples_domain(request.env.user.partner_id)
        values = self._prepare_portal_layout_values()
        pager_values = portal_pager(
            url="/my/samples", total=Sample.search_count(domain), page=page, step=self._items_per_page,
        )
        samples = Sample.search(domain, order="id desc", limit=self._items_per_page, offset=pager_values["offset"])
        request.session["my_qms_samples_history"] = samples.ids[:100]
        values.update({
            "samples": samples.sudo(),
            "page_name": "qms_sample",
            "pager": pager_values,
            "default_url": "/my/samples",
        })
        return request.render("qms_customer_process.portal_my_qms_samples", values)

    @http.route(["/my/samples/<int:sample_id>"], type="http", auth="public", website=True)
    def portal_qms_sample_page(self, sample_id, access_token=None, report_type=None, download=False, message=None, **kw):
        try:
            sample_sudo = self._document_check_access("qms.sample.request", sample_id, access_token=access_token)
        except (AccessError, MissingError):
            return request.redirect("/my")
        if report_type in ("html", "pdf", "text"):
            return self._show_report(
                model=sample_sudo, report_type=report_type,
                report_ref="qms_customer_process.action_report_sample_approval", download=download,
            )
        values = {
            "sample": sample_sudo,
            "page_name": "qms_sample",
            "message": message,
            "report_type": "html",
        }
        values = self._get_page_view_values(sample_sudo, access_token, values, "my_qms_samples_history", False)
        return request.render("qms_customer_process.portal_qms_sample_page", values)

    @http.route(["/my/samples/<int:sample_id>/decide"], type="http", auth="public", methods=["POST"], website=True)
    def portal_qms_sample_decide(self, sample_id, access_token=None, decision=None, comment=None, **kw):
        try:
            sample_sudo = self._document_check_access("qms.sample.request", sample_id, access_token=access_token)
        except (AccessError, MissingError):
            return request.redirect("/my")
        url = sample_sudo.get_portal_url()
        # sudo, as the customer's own user: the customer's approval of its own sent sample is the
        # 样品承认书 step of the procedure (access checked above); the action checks the state, the
        # customer's company and the comment.
        sample = sample_sudo.with_user(request.env.user).sudo()
        try:
            if decision == "approve":
                sample.action_customer_approve(comment=comment or "")
            elif decision == "reject":
                sample.action_customer_reject(comment=comment or "")
            else:
                return request.redirect(url)
        except UserError as error:
            separator = "&" if "?" in url else "?"
            return request.redirect(f"{url}{separator}{urlencode({'message': error.args[0]})}")
        return request.redirect(url)
