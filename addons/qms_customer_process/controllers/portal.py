import math
from urllib.parse import urlencode

from odoo import http
from odoo.addons.portal.controllers.portal import CustomerPortal
from odoo.addons.portal.controllers.portal import pager as portal_pager
from odoo.exceptions import AccessError, MissingError, UserError
from odoo.http import request

from ..models.qms_customer_complaint import SUBJECT_SIZE

# What the sample page may say after a decision (?message=): fixed codes, each with its wording in
# the template, so that no text from a link is ever shown to the customer.
SAMPLE_MESSAGES = ("approved", "rejected", "already_decided", "invalid_comment", "reason_required", "not_recorded")


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
            "message": message if message in SAMPLE_MESSAGES else None,
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
        if decision not in ("approve", "reject"):
            return request.redirect(url)
        separator = "&" if "?" in url else "?"
        state_before = sample_sudo.state
        try:
            # The request is committed even though the refusal is shown as a message: the
            # savepoint leaves nothing of a refused decision behind.
            with request.env.cr.savepoint():
                if decision == "approve":
                    sample.action_customer_approve(comment=comment or "")
                else:
                    sample.action_customer_reject(comment=comment or "")
        except UserError:
            # The page says why in the customer's words: a fixed code, never the staff's message.
            if state_before != "sent":
                code = "already_decided"
            elif any(ord(char) < 32 and char not in "\t\n\r" for char in comment or ""):
                code = "invalid_comment"
            elif decision == "reject" and not (comment or "").strip():
                code = "reason_required"
            else:
                code = "not_recorded"
            return request.redirect(f"{url}{separator}{urlencode({'message': code})}")
        done = "approved" if decision == "approve" else "rejected"
        return request.redirect(f"{url}{separator}{urlencode({'message': done})}")

COMPLAINT_TYPES = ("quality", "delivery", "service", "documentation", "other")


class QmsComplaintPortal(CustomerPortal):

    def _prepare_home_portal_values(self, counters):
        values = super()._prepare_home_portal_values(counters)
        if "complaint_count" in counters:
            Complaint = request.env["qms.customer.complaint"]
            values["complaint_count"] = Complaint.search_count(self._prepare_complaints_domain()) \
                if Complaint.has_access("read") else 0
        return values

    def _prepare_complaints_domain(self):
        return [("commercial_partner_id", "=", request.env.user.partner_id.commercial_partner_id.id)]

    def _qms_portal_orders(self):
        commercial_partner = request.env.user.partner_id.commercial_partner_id
        return request.env["sale.order"].search([
            ("partner_id", "child_of", commercial_partner.id), ("state", "=", "sale"),
        ])

    @http.route(["/my/complaints", "/my/complaints/page/<int:page>"], type="http", auth="user", website=True)
    def portal_my_complaints(self, page=1, **kw):
        Complaint = request.env["qms.customer.complaint"]
        domain = self._prepare_complaints_domain()
        pager = portal_pager(url="/my/complaints", total=Complaint.search_count(domain), page=page, step=self._items_per_page)
        complaints = Complaint.search(domain, order="date_received desc, id desc", limit=self._items_per_page,
                                      offset=pager["offset"])
        values = self._prepare_portal_layout_values()
        values.update({
            "complaints": complaints,
            "page_name": "complaint",
            "pager": pager,
            "default_url": "/my/complaints",
        })
        return request.render("qms_customer_process.portal_my_complaints", values)

    @http.route("/my/complaints/<int:complaint_id>", type="http", auth="public", website=True)
    def portal_my_complaint(self, complaint_id, access_token=None, **kw):
        try:
            complaint_sudo = self._document_check_access("qms.customer.complaint", complaint_id, access_token=access_token)
        except (AccessError, MissingError):
            return request.redirect("/my")
        values = self._get_page_view_values(complaint_sudo, access_token, {
            "complaint": complaint_sudo,
            "page_name": "complaint",
            "answer_error": bool(kw.get("answer_error")),
        }, "my_complaints_history", False)
        return request.render("qms_customer_process.portal_my_complaint", values)

    @http.route("/my/complaints/<int:complaint_id>/answer", type="http", auth="public", website=True,
                methods=["POST"])
    def portal_complaint_answer(self, complaint_id, access_token=None, answer=None, satisfaction=None,
                                feedback=None, **kw):
        try:
            complaint_sudo = self._document_check_access("qms.customer.complaint", complaint_id, access_token=access_token)
        except (AccessError, MissingError):
            return request.redirect("/my")
        url = complaint_sudo.get_portal_url()
        satisfactions = complaint_sudo._fields["customer_satisfaction"].get_values(request.env)
        # Only the answers of the form: anything else leaves the complaint as it is.
        if complaint_sudo.state != "proposed" or answer not in ("accept", "refuse") \
                or (satisfaction and satisfaction not in satisfactions) or "\x00" in (feedback or ""):
            return request.redirect(url)
        feedback = (feedback or "").strip()
        if answer == "refuse" and not feedback:
            return request.redirect(f"{url}{'&' if '?' in url else '?'}answer_error=1")
        vals = {"customer_feedback": feedback or complaint_sudo.customer_feedback}
        if satisfaction:
            vals["customer_satisfaction"] = satisfaction
        # The customer answers the solution proposed for its own complaint (checked above by
        # access rights or token): procedure, follow up with the customer on the solution.
        try:
            with request.env.cr.savepoint():
                complaint_sudo.write(vals)
                if answer == "accept":
                    complaint_sudo.action_customer_accept()
                else:
                    complaint_sudo.action_customer_refuse()
        except UserError:
            return request.redirect(url)
        return request.redirect(url)

    @http.route("/my/complaints/new", type="http", auth="user", website=True, methods=["GET", "POST"])
    def portal_new_complaint(self, **post):
        orders = self._qms_portal_orders()
        values = self._prepare_portal_layout_values()
        # The products of the customer's own orders, as sale's portal shows them on the order page.
        products = orders.sudo().order_line.product_id
        values.update({"page_name": "complaint", "orders": orders, "products": products, "post": post, "error": False})
        if request.httprequest.method != "POST":
            return request.render("qms_customer_process.portal_new_complaint", values)
        error = self._qms_check_complaint_post(post, orders, products)
        if error:
            values["error"] = error
            return request.render("qms_customer_process.portal_new_complaint", values)
        order = orders.browse(int(post["sale_order_id"])) if post.get("sale_order_id") else orders.browse()
        product = products.browse(int(post["product_id"])) if post.get("product_id") else products.browse()
        partner = request.env.user.partner_id
        try:
            # A refusal of the model is shown on the form; the savepoint leaves nothing behind.
            with request.env.cr.savepoint():
                # Customers file complaints about their own orders on the portal (DESIGN step 8,
                # procedure 8.2.1: complaints are received and recorded); the order was checked to
                # be theirs above.
                complaint = request.env["qms.customer.complaint"].sudo().create({
                    "subject": post["subject"].strip(),
                    "description": post.get("description") or False,
                    "partner_id": partner.id,
                    "contact_name": partner.name,
                    "email_from": partner.email,
                    "channel": "portal",
                    "complaint_type": post.get("complaint_type") or "quality",
                    # The complaint belongs to the company of the order (or of the product) it is about.
                    "company_id": (order.company_id or product.company_id or request.env.company).id,
                    "sale_order_id": order.id,
                    "product_id": product.id,
                    "quantity_affected": float(post.get("quantity_affected") or 0),
                    "user_id": order.user_id.id or partner.commercial_partner_id.user_id.id,
                })
                complaint.message_subscribe(partner_ids=partner.ids)
        except UserError as error:
            values["error"] = error.args[0]
            return request.render("qms_customer_process.portal_new_complaint", values)
        return request.redirect(complaint.get_portal_url())

    def _qms_check_complaint_post(self, post, orders, products):
        """The form error of a new complaint, or False: every value is checked before anything
        is created."""
        if any("\x00" in value for value in post.values() if isinstance(value, str)):
            return request.env._("The form contains a character that cannot be recorded (NUL).")
        if not (post.get("subject") or "").strip():
            return request.env._("Say in a few words what the complaint is about.")
        if len(post["subject"].strip()) > SUBJECT_SIZE:
            return request.env._(
                "The subject has at most %s characters: put the details in the description.", SUBJECT_SIZE,
            )
        if post.get("complaint_type") and post["complaint_type"] not in COMPLAINT_TYPES:
            return request.env._("Choose the type of the complaint among the proposed ones.")
        order = False
        if post.get("sale_order_id"):
            try:
                order_id = int(post["sale_order_id"])
            except ValueError:
                order_id = 0
            order = orders.filtered(lambda o: o.id == order_id)
            if not order:
                return request.env._("This order is not one of your orders.")
        if post.get("product_id"):
            try:
                product_id = int(post["product_id"])
            except ValueError:
                product_id = 0
            if order:
                # The customer's own order (checked just above): its products, as on sale's portal.
                products = order.sudo().order_line.product_id
            if product_id not in products.ids:
                return request.env._("This product is not on your orders.")
        try:
            # float() reads "nan", "inf" and "1e400" (infinite) too: only a finite number is a quantity.
            quantity = float(post.get("quantity_affected") or 0)
            if not math.isfinite(quantity) or quantity < 0:
                raise ValueError
        except ValueError:
            return request.env._("The quantity affected must be a positive number.")
        return False


class QmsCustomerPropertyPortal(CustomerPortal):
    """The customer reads its own property on the portal (顾客财产) and answers an incident notice."""

    def _prepare_home_portal_values(self, counters):
        values = super()._prepare_home_portal_values(counters)
        if "qms_property_count" in counters:
            Property = request.env["qms.customer.property"]
            values["qms_property_count"] = Property.search_count(self._prepare_qms_property_domain()) \
                if Property.has_access("read") else 0
        return values

    def _prepare_qms_property_domain(self):
        return [("commercial_partner_id", "=", request.env.user.partner_id.commercial_partner_id.id)]

    @http.route(["/my/property", "/my/property/page/<int:page>"], type="http", auth="user", website=True)
    def portal_my_qms_properties(self, page=1, **kw):
        Property = request.env["qms.customer.property"]
        domain = self._prepare_qms_property_domain()
        pager = portal_pager(url="/my/property", total=Property.search_count(domain), page=page,
                             step=self._items_per_page)
        properties = Property.search(domain, limit=self._items_per_page, offset=pager["offset"])
        request.session["my_qms_properties_history"] = properties.ids[:100]
        values = self._prepare_portal_layout_values()
        values.update({
            "properties": properties,
            "page_name": "qms_property",
            "pager": pager,
            "default_url": "/my/property",
        })
        return request.render("qms_customer_process.portal_my_qms_properties", values)

    @http.route("/my/property/<int:property_id>", type="http", auth="public", website=True)
    def portal_qms_property_page(self, property_id, access_token=None, report_type=None, download=False, **kw):
        try:
            property_sudo = self._document_check_access("qms.customer.property", property_id, access_token=access_token)
        except (AccessError, MissingError):
            return request.redirect("/my")
        if report_type in ("html", "pdf", "text"):
            report = "qms_customer_process.action_report_customer_property_incident" if property_sudo.state == "lost" \
                else "qms_customer_process.action_report_customer_property_register"
            return self._show_report(model=property_sudo, report_type=report_type, report_ref=report, download=download)
        values = self._get_page_view_values(property_sudo, access_token, {
            "customer_property": property_sudo,
            "page_name": "qms_property",
            "answer_error": bool(kw.get("answer_error")),
        }, "my_qms_properties_history", False)
        return request.render("qms_customer_process.portal_qms_property_page", values)

    @http.route("/my/property/<int:property_id>/answer", type="http", auth="public", website=True, methods=["POST"])
    def portal_qms_property_answer(self, property_id, access_token=None, answer=None, **kw):
        try:
            property_sudo = self._document_check_access("qms.customer.property", property_id, access_token=access_token)
        except (AccessError, MissingError):
            return request.redirect("/my")
        url = property_sudo.get_portal_url()
        if property_sudo.state != "lost" or property_sudo.customer_answer or not isinstance(answer, str) \
                or "\x00" in answer:
            return request.redirect(url)
        if not answer.strip():
            return request.redirect(f"{url}{'&' if '?' in url else '?'}answer_error=1")
        # sudo, as the customer's own user: the customer answers the incident notice about its own
        # property (access checked above); the action checks the state and the customer's company.
        prop = property_sudo.with_user(request.env.user).sudo()
        try:
            with request.env.cr.savepoint():
                prop.action_record_customer_answer(answer=answer)
        except UserError:
            return request.redirect(url)
        return request.redirect(url)
