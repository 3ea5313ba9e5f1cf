import io
import math
import os
import zipfile
from urllib.parse import urlencode

from odoo import http
from odoo.addons.portal.controllers.portal import CustomerPortal
from odoo.addons.portal.controllers.portal import pager as portal_pager
from odoo.addons.portal.controllers.web import Home
from odoo.exceptions import AccessError, MissingError, UserError
from odoo.http import request
from odoo.tools import LazyTranslate
from odoo.tools.mimetypes import guess_mimetype

from ..models.qms_customer_complaint import SUBJECT_SIZE

_lt = LazyTranslate(__name__)

# The texts below are module-level lazy terms (Odoo's LazyTranslate: extracted as `_lt`, translated
# with request.env._() in the visitor's language when a page is rendered); there is no env here.
# pylint: disable=prefer-env-translation

# What a portal page may say after an action (?message=CODE): fixed codes per document, each with
# its customer-facing wording and the colour of its alert, so that no text from a link is ever
# shown to the customer. An unknown code shows nothing.
PORTAL_MESSAGES = {
    "qms.sample.request": {
        "approved": ("success", _lt(
            "Thank you: your approval of the sample is recorded. We will use it as the reference for your orders.")),
        "rejected": ("success", _lt(
            "Thank you: your rejection of the sample and your reasons are recorded. Your salesperson will contact you.")),
        "already_decided": ("warning", _lt(
            "This sample has already been decided. To change the decision, please contact your salesperson.")),
        "invalid_comment": ("warning", _lt(
            "Your comment contains characters we cannot record. Please type it again.")),
        "reason_required": ("warning", _lt(
            "Please tell us why you reject the sample, so that we can improve it.")),
        "not_recorded": ("warning", _lt(
            "Your decision could not be recorded. Please try again or contact your salesperson.")),
    },
    "qms.customer.complaint": {
        "filed": ("success", _lt(
            "Thank you: your complaint is recorded. We will acknowledge it and keep you informed on this page.")),
        "accepted": ("success", _lt(
            "Thank you: your acceptance of the proposed solution is recorded. We will now carry it out.")),
        "refused": ("success", _lt(
            "Thank you: your answer and your reasons are recorded. We will review the solution and come back to you.")),
        "already_answered": ("warning", _lt(
            "This solution has already been answered. To change your answer, please contact your salesperson.")),
        "reason_required": ("warning", _lt("Tell us why you do not accept the solution.")),
        "not_recorded": ("warning", _lt(
            "Your answer could not be recorded. Please try again or contact your salesperson.")),
    },
    "qms.customer.property": {
        "answered": ("success", _lt(
            "Thank you: your answer is recorded. We will proceed as you asked and keep you informed.")),
        "answer_required": ("warning", _lt("Tell us how you wish us to proceed.")),
        "already_answered": ("warning", _lt(
            "Your answer is already recorded. To change it, please contact your salesperson.")),
        "not_recorded": ("warning", _lt(
            "Your answer could not be recorded. Please try again or contact your salesperson.")),
    },
}

# The status of a document as the customer reads it (the staff's wording, such as "Customer
# Rejected", is not the customer's), with the colour of its badge by meaning: success when done
# well, warning when waiting (on the customer above all), danger when something went wrong,
# info while we work on it, secondary when closed.
PORTAL_STATUSES = {
    "qms.sample.request": {
        "submitted": ("info", _lt("Requested")),
        "approved": ("info", _lt("In Preparation")),
        "in_production": ("info", _lt("In Production")),
        "sent": ("warning", _lt("Awaiting Your Decision")),
        "customer_approved": ("success", _lt("Approved by You")),
        "customer_rejected": ("danger", _lt("Not Approved by You")),
        "closed": ("secondary", _lt("Closed")),
        "cancel": ("secondary", _lt("Cancelled")),
    },
    "qms.customer.complaint": {
        "new": ("info", _lt("Received")),
        "acknowledged": ("info", _lt("Acknowledged")),
        "investigating": ("warning", _lt("Under Investigation")),
        "proposed": ("warning", _lt("Awaiting Your Answer")),
        "confirmed": ("success", _lt("Solution Accepted")),
        "closed": ("success", _lt("Resolved and Closed")),
        "rejected": ("secondary", _lt("Complaint Not Upheld")),
    },
    "qms.customer.property": {
        "received": ("info", _lt("Received")),
        "verified": ("success", _lt("Checked on Receipt")),
        "in_use": ("info", _lt("In Use")),
        "returned": ("secondary", _lt("Returned to You")),
        "lost": ("danger", _lt("Lost / Damaged")),
    },
}

# pylint: enable=prefer-env-translation

# Files a customer may attach to a new complaint: photos, PDF and office documents, recognised by
# their content (Odoo's mimetype guessing), never by the name the browser sends.
COMPLAINT_FILE_TYPES = {
    "image/jpeg", "image/png", "image/gif", "image/bmp", "image/webp", "image/tiff", "image/heic",
    "application/pdf",
    "application/msword", "application/vnd.ms-excel", "application/vnd.ms-powerpoint",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "application/vnd.oasis.opendocument.text",
    "application/vnd.oasis.opendocument.spreadsheet",
    "application/vnd.oasis.opendocument.presentation",
}
COMPLAINT_FILE_ACCEPT = "image/*,.pdf,.doc,.docx,.xls,.xlsx,.ppt,.pptx,.odt,.ods,.odp"
# ir.config_parameter: the largest file a customer may attach, in MB (default 10).
COMPLAINT_FILE_MAX_MB_PARAM = "qms_customer_process.portal_attachment_max_mb"
COMPLAINT_FILE_MAX_MB = 10
COMPLAINT_FILE_MAX_COUNT = 10


def qms_portal_message(model, code):
    """The alert a portal page shows for a message code ({"level", "text"}), or None: only the
    codes of PORTAL_MESSAGES, in the visitor's language."""
    entry = PORTAL_MESSAGES[model].get(code) if isinstance(code, str) else None
    if not entry:
        return None
    level, text = entry
    return {"level": level, "text": request.env._(text)}


def qms_portal_status(record):
    """The status of a document as its badge shows it to the customer: {"level", "label"}."""
    level, label = PORTAL_STATUSES[record._name].get(record.state, ("secondary", None))
    if label is None:
        return {"level": level, "label": dict(record._fields["state"]._description_selection(record.env))
                .get(record.state, "")}
    return {"level": level, "label": request.env._(label)}


def qms_redirect_with_message(url, code):
    separator = "&" if "?" in url else "?"
    return request.redirect(f"{url}{separator}{urlencode({'message': code})}")


def qms_portal_list(model, domain, url, page, step, order=None):
    """The pager and the records of a page of a portal list. As core account's portal lists
    invoices, a user who may not read the model (an internal user outside sales and the QMS
    groups) gets an empty list, not an access error."""
    readable = model.has_access("read")
    pager = portal_pager(url=url, total=model.search_count(domain) if readable else 0, page=page, step=step)
    records = model.search(domain, order=order, limit=step, offset=pager["offset"]) if readable else model.browse()
    return pager, records


class QmsPortalHome(Home):

    def _login_redirect(self, uid, redirect=None):
        # After login a customer reads the portal in its own language (its user preference):
        # Odoo's frontend prefers the frontend_lang cookie to the user's language, and that cookie
        # still holds the language of an earlier visit of this browser (a link opened before
        # logging in, another user), so a Chinese customer read the portal in English.
        # sudo: the language of the user who has just logged in, nothing else is read.
        user = request.env["res.users"].sudo().browse(uid)
        if user.share and user.lang and user.lang in request.env["res.lang"]._get_frontend():
            request.future_response.set_cookie("frontend_lang", user.lang)
        return super()._login_redirect(uid, redirect=redirect)


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
        pager_values, samples = qms_portal_list(Sample, domain, "/my/samples", page, self._items_per_page, "id desc")
        request.session["my_qms_samples_history"] = samples.ids[:100]
        values.update({
            "samples": samples.sudo(),
            "qms_status": qms_portal_status,
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
            "portal_message": qms_portal_message("qms.sample.request", message),
            "qms_status": qms_portal_status,
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
            return qms_redirect_with_message(url, code)
        return qms_redirect_with_message(url, "approved" if decision == "approve" else "rejected")

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
        """The customer's confirmed orders, which it may file a complaint about."""
        commercial_partner = request.env.user.partner_id.commercial_partner_id
        # sudo: the portal grants a customer the orders of its own commercial entity. Sale's portal
        # rule reads them through the followers only, so an order its customer does not follow
        # (imported, or unfollowed) was missing and the lists of /my/complaints/new stayed empty;
        # the domain below is what limits the orders to the customer's own, in the companies the
        # customer's user belongs to (as the complaint filed about one must be readable by it).
        return request.env["sale.order"].sudo().search([
            ("partner_id", "child_of", commercial_partner.id), ("state", "=", "sale"),
            ("company_id", "in", request.env.user.company_ids.ids),
        ], order="date_order desc, id desc")

    @http.route(["/my/complaints", "/my/complaints/page/<int:page>"], type="http", auth="user", website=True)
    def portal_my_complaints(self, page=1, **kw):
        Complaint = request.env["qms.customer.complaint"]
        domain = self._prepare_complaints_domain()
        pager, complaints = qms_portal_list(Complaint, domain, "/my/complaints", page, self._items_per_page,
                                            "date_received desc, id desc")
        values = self._prepare_portal_layout_values()
        values.update({
            "complaints": complaints,
            "qms_status": qms_portal_status,
            "page_name": "complaint",
            "pager": pager,
            "default_url": "/my/complaints",
        })
        return request.render("qms_customer_process.portal_my_complaints", values)

    @http.route("/my/complaints/<int:complaint_id>", type="http", auth="public", website=True)
    def portal_my_complaint(self, complaint_id, access_token=None, message=None, **kw):
        try:
            complaint_sudo = self._document_check_access("qms.customer.complaint", complaint_id, access_token=access_token)
        except (AccessError, MissingError):
            return request.redirect("/my")
        values = self._get_page_view_values(complaint_sudo, access_token, {
            "complaint": complaint_sudo,
            "page_name": "complaint",
            "portal_message": qms_portal_message("qms.customer.complaint", message),
            "qms_status": qms_portal_status,
            # The photos and documents the customer's side sent (on its messages), not the
            # staff's internal files on the complaint.
            "customer_files": complaint_sudo.message_ids.filtered(
                lambda msg: msg.author_id and complaint_sudo.commercial_partner_id
                and msg.author_id.commercial_partner_id == complaint_sudo.commercial_partner_id
            ).attachment_ids.sorted("id"),
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
        if complaint_sudo.state != "proposed":
            # Answered already (or nothing proposed yet): the page shows the answer given.
            return qms_redirect_with_message(url, "already_answered") if complaint_sudo.customer_acceptance \
                else request.redirect(url)
        satisfactions = complaint_sudo._fields["customer_satisfaction"].get_values(request.env)
        # Only the answers of the form: anything else leaves the complaint as it is.
        if answer not in ("accept", "refuse") or (satisfaction and satisfaction not in satisfactions) \
                or not isinstance(feedback or "", str) or "\x00" in (feedback or ""):
            return qms_redirect_with_message(url, "not_recorded")
        feedback = (feedback or "").strip()
        if answer == "refuse" and not feedback:
            return qms_redirect_with_message(url, "reason_required")
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
            return qms_redirect_with_message(url, "not_recorded")
        return qms_redirect_with_message(url, "accepted" if answer == "accept" else "refused")

    @http.route("/my/complaints/new", type="http", auth="user", website=True, methods=["GET", "POST"])
    def portal_new_complaint(self, **post):
        orders = self._qms_portal_orders()
        values = self._prepare_portal_layout_values()
        # The products of the customer's own orders, as sale's portal shows them on the order page.
        products = orders.order_line.product_id
        max_mb = self._qms_complaint_file_max_mb()
        # Formatted outside the call: the term extractor reads the arguments of _() (no f-string).
        size = f"{max_mb:g}"
        values.update({
            "page_name": "complaint", "orders": orders, "products": products, "post": post, "error": False,
            "file_accept": COMPLAINT_FILE_ACCEPT,
            "file_help": request.env._(
                "Photos, PDF or office documents (Word, Excel, PowerPoint), at most %(count)s files of %(size)s MB each.",
                count=COMPLAINT_FILE_MAX_COUNT, size=size,
            ),
        })
        if request.httprequest.method != "POST":
            return request.render("qms_customer_process.portal_new_complaint", values)
        error = self._qms_check_complaint_post(post, orders, products)
        files = []
        if not error:
            files, error = self._qms_read_complaint_files(max_mb)
        if error:
            values["error"] = error
            return request.render("qms_customer_process.portal_new_complaint", values)
        order = orders.browse(int(post["sale_order_id"])) if post.get("sale_order_id") else orders.browse()
        product = products.browse(int(post["product_id"])) if post.get("product_id") else products.browse()
        partner = request.env.user.partner_id
        try:
            # A refusal of the model is shown on the form; the savepoint leaves nothing behind
            # (neither the complaint nor any of its files).
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
                if files:
                    # sudo: the customer attaches its photos and documents to the complaint it
                    # files (evidence of the complaint, procedure 8.2.1); a portal user may not
                    # write on a complaint. Each file was checked above (size, real content).
                    # Uploaded as the chatter's pending files of the customer, which the message
                    # below links to the complaint (res_model/res_id), as the portal's chatter
                    # does: the files show in the complaint's communication, on the portal and in
                    # the back office.
                    attachments = request.env["ir.attachment"].sudo().create([{
                        "name": name,
                        "raw": content,
                        "mimetype": mimetype,
                        "res_model": "mail.compose.message",
                        "res_id": 0,
                    } for name, content, mimetype in files])
                    complaint.message_post(
                        attachment_ids=attachments.ids, author_id=partner.id,
                        message_type="comment", subtype_xmlid="mail.mt_comment",
                    )
                    if attachments.filtered(lambda attachment: attachment.res_model != complaint._name
                                            or attachment.res_id != complaint.id):
                        raise UserError(request.env._("Your files could not be attached. Please try again."))
        except UserError as error:
            values["error"] = error.args[0]
            return request.render("qms_customer_process.portal_new_complaint", values)
        return qms_redirect_with_message(complaint.get_portal_url(), "filed")

    def _qms_complaint_file_max_mb(self):
        """The largest file a customer may attach, in MB (system parameter, default 10)."""
        # sudo: the limit is read to check the upload; system parameters are for administrators.
        value = request.env["ir.config_parameter"].sudo().get_param(COMPLAINT_FILE_MAX_MB_PARAM)
        try:
            max_mb = float(value) if value else COMPLAINT_FILE_MAX_MB
        except ValueError:
            max_mb = COMPLAINT_FILE_MAX_MB
        return max_mb if math.isfinite(max_mb) and max_mb > 0 else COMPLAINT_FILE_MAX_MB

    def _qms_read_complaint_files(self, max_mb):
        """The files sent with a new complaint, read and checked before anything is created:
        ([(name, content, mimetype)], error or False)."""
        env = request.env
        uploads = [upload for upload in request.httprequest.files.getlist("attachments") if upload.filename]
        if len(uploads) > COMPLAINT_FILE_MAX_COUNT:
            return [], env._("At most %s files can be attached to a complaint. Please choose your files again.",
                             COMPLAINT_FILE_MAX_COUNT)
        max_bytes = int(max_mb * 1024 * 1024)
        size = f"{max_mb:g}"
        files = []
        for upload in uploads:
            name = os.path.basename(upload.filename.replace("\\", "/")).replace("\x00", "").strip()[:200] \
                or env._("Attachment")
            content = upload.read(max_bytes + 1)
            if len(content) > max_bytes:
                return [], env._(
                    "The file %(name)s is larger than %(size)s MB: it cannot be attached. Please choose your files again.",
                    name=name, size=size,
                )
            mimetype = guess_mimetype(content, default="application/octet-stream") if content else ""
            if mimetype == "application/zip" and self._qms_is_pptx(content):
                # Odoo's guessing looks for "pt/" in a PowerPoint file, whose folder is "ppt/".
                mimetype = "application/vnd.openxmlformats-officedocument.presentationml.presentation"
            if mimetype not in COMPLAINT_FILE_TYPES:
                return [], env._(
                    "The file %(name)s is not a photo, a PDF or an office document: it cannot be attached. "
                    "Please choose your files again.",
                    name=name,
                )
            files.append((name, content, mimetype))
        return files, False

    @staticmethod
    def _qms_is_pptx(content):
        try:
            with zipfile.ZipFile(io.BytesIO(content)) as archive:
                names = archive.namelist()
        except (zipfile.BadZipFile, ValueError):
            return False
        return "[Content_Types].xml" in names and any(name.startswith("ppt/") for name in names)

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
        pager, properties = qms_portal_list(Property, domain, "/my/property", page, self._items_per_page)
        request.session["my_qms_properties_history"] = properties.ids[:100]
        values = self._prepare_portal_layout_values()
        values.update({
            "properties": properties,
            "qms_status": qms_portal_status,
            "page_name": "qms_property",
            "pager": pager,
            "default_url": "/my/property",
        })
        return request.render("qms_customer_process.portal_my_qms_properties", values)

    @http.route("/my/property/<int:property_id>", type="http", auth="public", website=True)
    def portal_qms_property_page(self, property_id, access_token=None, report_type=None, download=False, message=None,
                                 **kw):
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
            "portal_message": qms_portal_message("qms.customer.property", message),
            "qms_status": qms_portal_status,
        }, "my_qms_properties_history", False)
        return request.render("qms_customer_process.portal_qms_property_page", values)

    @http.route("/my/property/<int:property_id>/answer", type="http", auth="public", website=True, methods=["POST"])
    def portal_qms_property_answer(self, property_id, access_token=None, answer=None, **kw):
        try:
            property_sudo = self._document_check_access("qms.customer.property", property_id, access_token=access_token)
        except (AccessError, MissingError):
            return request.redirect("/my")
        url = property_sudo.get_portal_url()
        if property_sudo.state != "lost":
            return request.redirect(url)
        if property_sudo.customer_answer:
            return qms_redirect_with_message(url, "already_answered")
        if not isinstance(answer, str) or "\x00" in answer:
            return qms_redirect_with_message(url, "not_recorded")
        if not answer.strip():
            return qms_redirect_with_message(url, "answer_required")
        # sudo, as the customer's own user: the customer answers the incident notice about its own
        # property (access checked above); the action checks the state and the customer's company.
        prop = property_sudo.with_user(request.env.user).sudo()
        try:
            with request.env.cr.savepoint():
                prop.action_record_customer_answer(answer=answer)
        except UserError:
            return qms_redirect_with_message(url, "not_recorded")
        return qms_redirect_with_message(url, "answered")
