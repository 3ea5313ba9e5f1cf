import json
from datetime import timedelta
from urllib.parse import urlencode

from odoo import Command, fields, http
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, HttpCase, new_test_user, tagged

from .common import QmsCase, assert_form_frame, load_chinese, render_pdf

REPORT_REQUEST = "qms_customer_process.action_report_sample_request"
REPORT_APPROVAL = "qms_customer_process.action_report_sample_approval"


class SampleCase(QmsCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.rd = cls.reviewers["rd"]
        cls.production = cls.reviewers["production"]
        cls.rd2 = new_test_user(cls.env, login="qms_t_rd2", groups="base.group_user,qms_customer_process.group_qms_rd",
                                name="Other Engineer")
        cls.customer2 = cls.env["res.partner"].create({"name": "Ningbo Pumps Co.", "is_company": True})

    def _sample(self, user=None, purpose="trial", lines=None, **vals):
        user = user or self.salesman
        values = {
            "partner_id": self.customer.id,
            "user_id": user.id,
            "purpose": purpose,
            "request_date": fields.Date.today(),
            "required_date": fields.Date.today() + timedelta(days=14),
            "line_ids": [Command.create(line) for line in (lines if lines is not None else [
                {"product_id": self.product_new.id, "name": "Prototype Motor X sample", "specification": "DWG-X-01", "quantity": 2},
            ])],
        }
        values.update(vals)
        return self.env["qms.sample.request"].with_user(user).create(values)

    def _approved(self, sample, assign_to=None):
        sample.action_submit()
        sample.with_user(self.sales_manager).action_approve()
        if sample.purpose == "new_development":
            sample.with_user(self.gm).action_approve()
        sample.with_user(self.sales_manager).write({
            "assigned_department": "rd", "assigned_user_id": (assign_to or self.rd).id,
            "production_due_date": fields.Date.today() + timedelta(days=7),
        })
        return sample

    def _sent(self, sample):
        self._approved(sample)
        sample.action_start_production()
        sample.write({"carrier": "SF Express", "tracking_ref": "SF0001"})
        sample.action_send()
        return sample


@tagged("post_install", "-at_install")
class TestSampleStateMachine(SampleCase):
    def test_trial_sample_full_flow(self):
        sample = self._sample()
        self.assertTrue(sample.name.startswith("SR/"))
        self.assertEqual(sample.state, "draft")
        sample.action_submit()
        self.assertEqual(sample.state, "submitted")
        self.assertTrue(sample.activity_ids.filtered(lambda a: a.user_id == self.sales_manager))
        sample.with_user(self.sales_manager).action_approve()
        self.assertEqual(sample.state, "approved", "a trial sample needs the sales manager only")
        self.assertEqual(sample.manager_approved_by_id, self.sales_manager)
        with self.assertRaises(UserError):
            sample.action_start_production()  # no R&D/production assignment yet
        sample.with_user(self.sales_manager).write({
            "assigned_department": "production", "assigned_user_id": self.production.id,
            "production_due_date": fields.Date.today() + timedelta(days=5),
        })
        sample.action_start_production()
        self.assertEqual(sample.state, "in_production")
        self.assertTrue(sample.activity_ids.filtered(lambda a: a.user_id == self.production))
        with self.assertRaises(UserError):
            sample.action_send()  # no carrier, tracking or delivery
        sample.with_user(self.production).write({"production_note": "2 pieces made", "carrier": "SF Express",
                                                 "tracking_ref": "SF123"})
        sample.with_user(self.production).action_send()
        self.assertEqual(sample.state, "sent")
        self.assertEqual(sample.sent_date, fields.Date.today())
        sample.action_customer_approve(decided_by="Mr. Wang", comment="Good")
        self.assertEqual(sample.state, "customer_approved")
        self.assertEqual(sample.customer_decision, "approved")
        self.assertEqual(sample.customer_decided_by, "Mr. Wang")
        self.assertTrue(sample.customer_decided_on)
        sample.action_close()
        self.assertEqual(sample.state, "closed")
        self.assertEqual(sample.customer_decision, "approved", "the decision stays on record after closing")

    def test_new_development_needs_general_manager(self):
        sample = self._sample(purpose="new_development")
        sample.action_submit()
        with self.assertRaises(UserError):
            sample.with_user(self.gm).action_approve()  # the sales manager first
        sample.with_user(self.sales_manager).action_approve()
        self.assertEqual(sample.state, "submitted")
        self.assertTrue(sample.activity_ids.filtered(lambda a: a.user_id == self.gm))
        with self.assertRaises(UserError):
            sample.with_user(self.sales_manager).action_approve()
        sample.with_user(self.gm).action_approve()
        self.assertEqual(sample.state, "approved")
        self.assertEqual(sample.gm_approved_by_id, self.gm)

    def test_forbidden_transitions(self):
        sample = self._sample()
        for action in ("action_approve", "action_start_production", "action_send", "action_close",
                       "action_customer_approve", "action_reset_draft"):
            with self.assertRaises(UserError, msg=action):
                getattr(sample.with_user(self.sales_manager), action)()
        self.assertEqual(sample.state, "draft")
        sample.action_submit()
        with self.assertRaises(UserError):
            sample.action_submit()
        with self.assertRaises(UserError):
            sample.action_customer_reject(comment="too late")
        sample.with_user(self.sales_manager).action_approve()
        with self.assertRaises(UserError):
            sample.action_send()
        with self.assertRaises(UserError):
            sample.action_customer_approve()
        self.assertFalse(sample.customer_decision)

    def test_cancel_from_open_states_only(self):
        for step in range(5):
            sample = self._sample()
            if step >= 1:
                sample.action_submit()
            if step >= 2:
                sample.with_user(self.sales_manager).action_approve()
                sample.write({"assigned_department": "rd", "assigned_user_id": self.rd.id,
                              "production_due_date": fields.Date.today()})
            if step >= 3:
                sample.action_start_production()
                sample.write({"carrier": "UPS"})
            if step >= 4:
                sample.action_send()
            sample.action_cancel()
            self.assertEqual(sample.state, "cancel")
        done = self._sent(self._sample())
        done.action_customer_approve()
        with self.assertRaises(UserError):
            done.action_cancel()
        self.assertEqual(done.state, "customer_approved")

    def test_reset_to_draft(self):
        sample = self._sample()
        sample.action_submit()
        sample.with_user(self.sales_manager).action_reset_draft()
        self.assertEqual(sample.state, "draft")
        sample.write({"required_date": fields.Date.today() + timedelta(days=30)})


@tagged("post_install", "-at_install")
class TestSampleBadInput(SampleCase):
    def test_submit_without_lines_or_customer(self):
        sample = self._sample(lines=[])
        with self.assertRaisesRegex(UserError, "Add the requested samples"):
            sample.action_submit()
        sample2 = self._sample(partner_id=False)
        with self.assertRaisesRegex(UserError, "Choose the customer"):
            sample2.action_submit()
        self.assertEqual((sample | sample2).mapped("state"), ["draft", "draft"])

    def test_nothing_half_written(self):
        good = self._sample()
        bad = self._sample(lines=[])
        with self.assertRaises(UserError):
            (good | bad).action_submit()
        self.assertEqual(good.state, "draft", "a failing batch submits nothing")
        self.assertFalse(good.submitted_on)

    def test_batch_approval_is_all_or_nothing(self):
        trial = self._sample()
        development = self._sample(purpose="new_development")
        (trial | development).action_submit()
        development.with_user(self.sales_manager).action_approve()
        with self.assertRaises(UserError):
            (trial | development).with_user(self.sales_manager).action_approve()  # the GM's step
        self.assertEqual(trial.state, "submitted")
        self.assertFalse(trial.manager_approved_by_id)

    def test_dates_and_quantities(self):
        with self.assertRaises(ValidationError):
            self._sample(required_date=fields.Date.today() - timedelta(days=1))
        for qty in (0, -1):
            with self.assertRaises(ValidationError):
                self._sample(lines=[{"name": "Bad", "quantity": qty}])
        sample = self._sample()
        with self.assertRaises(ValidationError):
            sample.line_ids.quantity = 0
        with self.assertRaises(ValidationError):
            sample.write({"required_date": sample.request_date - timedelta(days=3)})

    def test_approval_outside_group(self):
        sample = self._sample()
        sample.action_submit()
        for user in (self.salesman, self.rd, self.gm, self.qms_admin):
            with self.assertRaisesRegex(UserError, "sales manager", msg=user.login):
                sample.with_user(user).action_approve()
        self.assertEqual(sample.state, "submitted")
        self.assertFalse(sample.manager_approved_by_id)

    def test_salesperson_records_the_signed_approval(self):
        sample = self._sent(self._sample())
        document = self.env["ir.attachment"].create({"name": "signed.pdf", "raw": b"%PDF-1.4 signed"})
        sample.write({"customer_decided_by": "Ms. Li (purchasing)", "approval_document_ids": [Command.link(document.id)]})
        sample.action_customer_approve(comment="Signed on paper")
        self.assertEqual(sample.customer_decided_by, "Ms. Li (purchasing)")
        self.assertEqual(sample.approval_document_ids, document)
        self.assertFalse(sample.customer_decided_on_portal)
        with self.assertRaises(UserError):
            sample.write({"customer_decided_by": "someone else"})

    def test_customer_reject_needs_comment(self):
        sample = self._sent(self._sample())
        with self.assertRaises(UserError):
            sample.action_customer_reject()
        self.assertEqual(sample.state, "sent")
        sample.action_customer_reject(comment="Colour does not match")
        self.assertEqual(sample.state, "customer_rejected")


@tagged("post_install", "-at_install")
class TestSampleSecurity(SampleCase):
    def test_salespeople_see_own_customers(self):
        sample = self._sample()
        other = self._sample(user=self.salesman2, partner_id=self.customer2.id)
        Sample = self.env["qms.sample.request"]
        self.assertEqual(Sample.with_user(self.salesman).search([("id", "in", (sample | other).ids)]), sample)
        with self.assertRaises(AccessError):
            other.with_user(self.salesman).read(["name"])
        with self.assertRaises(AccessError):
            other.with_user(self.salesman).write({"required_date": fields.Date.today()})
        self.assertEqual(Sample.with_user(self.sales_manager).search([("id", "in", (sample | other).ids)]), sample | other)
        with self.assertRaises(AccessError):
            sample.with_user(self.plain_user).read(["name"])
        with self.assertRaises(AccessError):
            Sample.with_user(self.plain_user).create({"partner_id": self.customer.id})

    def test_rd_sees_what_is_assigned(self):
        sample = self._approved(self._sample())
        with self.assertRaises(AccessError):
            sample.with_user(self.rd2).read(["name"])
        with self.assertRaises(AccessError):
            self.env["qms.sample.request"].with_user(self.rd).create({"partner_id": self.customer.id})
        sample.with_user(self.rd).action_start_production()
        sample.with_user(self.rd).write({"production_note": "Machined from aluminium 6061"})
        self.assertEqual(sample.production_note, "Machined from aluminium 6061")
        self.assertEqual(sample.with_user(self.rd).line_ids.name, "Prototype Motor X sample")
        with self.assertRaises(UserError):
            sample.with_user(self.rd).write({"partner_id": self.customer2.id})
        with self.assertRaises(AccessError):
            sample.line_ids.with_user(self.rd).write({"quantity": 5})
        with self.assertRaises(AccessError):
            sample.with_user(self.rd2).action_send()

    def test_decided_approvals_are_records(self):
        sample = self._sample(purpose="new_development")
        sample.action_submit()
        sample.with_user(self.sales_manager).action_approve()
        with self.assertRaises(UserError):
            sample.with_user(self.sales_manager).write({"manager_approved_by_id": self.salesman.id})
        with self.assertRaises(UserError):
            sample.with_user(self.sales_manager).write({"state": "approved"})
        with self.assertRaises(UserError):
            sample.with_user(self.salesman).write({"partner_id": self.customer2.id})
        with self.assertRaises(UserError):
            sample.line_ids.with_user(self.salesman).write({"quantity": 9})
        with self.assertRaises(UserError):
            sample.with_user(self.sales_manager).unlink()
        sample.with_user(self.gm).action_approve()
        sample.with_user(self.gm).write({"assigned_department": "rd", "assigned_user_id": self.rd.id,
                                         "production_due_date": fields.Date.today()})
        sample.action_start_production()
        sample.write({"carrier": "UPS"})
        sample.action_send()
        sample.action_customer_approve(comment="OK")
        for vals in ({"customer_comment": "changed"}, {"carrier": "DHL"}, {"production_note": "x"},
                     {"customer_decision": "rejected"}):
            with self.assertRaises(UserError, msg=str(vals)):
                sample.with_user(self.sales_manager).write(vals)
        with self.assertRaises(UserError):
            sample.with_user(self.qms_admin).unlink()
        with self.assertRaises(UserError):
            self.env["qms.sample.request"].with_user(self.salesman).create({
                "partner_id": self.customer.id, "state": "approved",
            })

    def test_makers_record_production_not_the_request(self):
        sample = self._sample(assigned_department="rd", assigned_user_id=self.rd.id,
                              production_due_date=fields.Date.today())
        with self.assertRaises(UserError):
            sample.with_user(self.rd).write({"required_date": fields.Date.today() + timedelta(days=60)})
        with self.assertRaises(UserError):
            sample.with_user(self.rd).action_submit()
        sample.with_user(self.rd).write({"production_note": "Material ordered"})
        self.assertEqual(sample.production_note, "Material ordered")

    def test_demo_has_one_request_per_state(self):
        demo = self.env.ref("qms_customer_process.sample_request_draft", raise_if_not_found=False)
        if not demo:
            self.skipTest("installed without demo data")
        states = {state for state, _label in self.env["qms.sample.request"]._fields["state"].selection}
        found = {
            self.env.ref(f"qms_customer_process.sample_request_{state}").state for state in states
        }
        self.assertEqual(found, states)

    def test_draft_can_be_deleted(self):
        sample = self._sample()
        sample.unlink()
        self.assertFalse(sample.exists())

    def test_reviewers_read_approved_samples_only(self):
        sample = self._sent(self._sample())
        quality = self.reviewers["quality"]
        finance = self.reviewers["finance"]
        sample.with_user(quality).read(["name"])  # quality oversees every request
        with self.assertRaises(AccessError):
            sample.with_user(finance).read(["name"])
        sample.action_customer_approve()
        sample.with_user(finance).read(["name"])
        with self.assertRaises(AccessError):
            sample.with_user(finance).write({"customer_comment": "x"})

    def test_multi_company(self):
        company2 = self.env["res.company"].create({"name": "QMS Second Co."})
        sample = self._sample()
        manager2 = new_test_user(self.env, login="qms_t_mgr2", groups="sales_team.group_sale_manager",
                                 company_id=company2.id, company_ids=[Command.set(company2.ids)])
        with self.assertRaises(AccessError):
            sample.with_user(manager2).read(["name"])
        self.assertFalse(self.env["qms.sample.request"].with_user(manager2).search([("id", "=", sample.id)]))


@tagged("post_install", "-at_install")
class TestSampleRevision(SampleCase):
    def test_revision_chain(self):
        first = self._sent(self._sample())
        with self.assertRaises(UserError):
            first.action_new_revision()  # not rejected
        first.action_customer_reject(comment="Housing too large")
        action = first.action_new_revision()
        second = self.env["qms.sample.request"].browse(action["res_id"])
        self.assertEqual(first.state, "closed")
        self.assertEqual(first.customer_decision, "rejected")
        self.assertEqual(second.state, "draft")
        self.assertEqual(second.revision, 2)
        self.assertEqual(second.previous_id, first)
        self.assertEqual(second.origin_id, first)
        self.assertEqual(second.name, f"{first.name}-R2")
        self.assertEqual(second.line_ids.specification, "DWG-X-01")
        self.assertEqual(first.next_revision_ids, second)
        with self.assertRaises(UserError):
            first.action_new_revision()  # only one next revision
        self._sent(second)
        second.action_customer_reject(comment="Still too large")
        third = self.env["qms.sample.request"].browse(second.action_new_revision()["res_id"])
        self.assertEqual(third.revision, 3)
        self.assertEqual(third.origin_id, first)
        self.assertEqual(third.previous_id, second)
        self.assertEqual(third.name, f"{first.name}-R3")
        self.assertEqual(first.revision_count, 3)
        chain = self.env["qms.sample.request"].search(first.action_view_revisions()["domain"])
        self.assertEqual(chain, first | second | third)
        with self.assertRaises(UserError):
            third.with_user(self.salesman).write({"revision": 1})


@tagged("post_install", "-at_install")
class TestSampleReference(SampleCase):
    def test_quotation_line_refers_to_approved_sample(self):
        order = self._special_order()
        self.assertFalse(order.order_line.qms_sample_id)
        self.assertEqual(order.qms_missing_sample_product_ids, self.product_new)
        self.assertIn("Prototype Motor X", order.qms_sample_warning)
        # A sample another customer approved is never this customer's reference.
        other = self._sample(user=self.salesman2, partner_id=self.customer2.id)
        self._sent(other).action_customer_approve()
        order.invalidate_recordset()
        order.order_line.invalidate_recordset()
        self.assertFalse(order.order_line.qms_sample_id)
        self.assertFalse(order.qms_sample_ids)
        self.assertEqual(order.qms_missing_sample_product_ids, self.product_new)
        self.assertIn("Prototype Motor X", order.qms_sample_warning)
        self.assertFalse(other._qms_sale_lines())
        self.assertEqual(other.sale_line_count, 0)
        # The customer's own approved sample is.
        own = self._sent(self._sample())
        own.action_customer_approve()
        order.invalidate_recordset()
        order.order_line.invalidate_recordset()
        self.assertEqual(order.order_line.qms_sample_id, own)
        self.assertEqual(order.qms_sample_ids, own)
        self.assertFalse(order.qms_missing_sample_product_ids)
        self.assertFalse(order.qms_sample_warning)
        self.assertEqual(own.sale_line_count, 1)
        # A rejected sample is no reference.
        rejected = self._sent(self._sample(lines=[{"product_id": self.product_std.id, "name": "M1", "quantity": 1}]))
        rejected.action_customer_reject(comment="no")
        regular = self._order()
        self.assertFalse(regular.order_line.qms_sample_id)
        self.assertFalse(regular.qms_sample_warning, "a regular order needs no sample")

    def test_sample_of_the_customers_contact_is_the_customers(self):
        """The reference is per commercial entity: a sample a buyer of the customer approved is
        the company's; one approved by another company's buyer is not."""
        self.customer.is_company = True
        buyer = self.env["res.partner"].create({"name": "Li Wei", "parent_id": self.customer.id})
        other_buyer = self.env["res.partner"].create({"name": "Wang Fang", "parent_id": self.customer2.id})
        self._sent(self._sample(user=self.salesman2, partner_id=other_buyer.id)).action_customer_approve()
        order = self._special_order()
        self.assertFalse(order.order_line.qms_sample_id)
        own = self._sent(self._sample(partner_id=buyer.id))
        own.action_customer_approve()
        order.invalidate_recordset()
        order.order_line.invalidate_recordset()
        self.assertEqual(order.order_line.qms_sample_id, own)
        self.assertEqual(order.qms_sample_ids, own)

    def test_product_links_to_approved_samples(self):
        template = self.product_new.product_tmpl_id
        self.assertEqual(template.qms_approved_sample_count, 0)
        sample = self._sent(self._sample())
        sample.action_customer_approve()
        template.invalidate_recordset()
        self.assertEqual(template.qms_approved_sample_count, 1)
        action = template.with_user(self.salesman).action_qms_view_approved_samples()
        self.assertEqual(self.env["qms.sample.request"].with_user(self.salesman).search(action["domain"]), sample)

    def test_contract_review_tab_in_the_form(self):
        order = self._special_order()
        form = Form(order.with_user(self.salesman))
        self.assertIn("Prototype Motor X", form.qms_sample_warning)
        sample = self._sent(self._sample())
        sample.action_customer_approve()
        order.invalidate_recordset()
        order.order_line.invalidate_recordset()
        form = Form(order.with_user(self.salesman))
        self.assertFalse(form.qms_sample_warning)
        self.assertEqual(form.qms_sample_ids.ids, sample.ids)

    def test_warning_does_not_block(self):
        order = self._special_order()
        self.assertTrue(order.qms_sample_warning)
        order.action_qms_request_review()
        self._decide_all(order)
        order.with_user(self.salesman).action_confirm()
        self.assertEqual(order.state, "sale")

    def test_reviewer_reads_the_quotation_with_its_sample(self):
        sample = self._sent(self._sample())
        sample.action_customer_approve()
        order = self._special_order()
        order.action_qms_request_review()
        line = order.order_line.with_user(self.reviewers["finance"])
        self.assertEqual(line.qms_sample_id, sample)
        self.assertEqual(line.qms_sample_id.name, sample.name)


@tagged("post_install", "-at_install")
class TestSampleReports(SampleCase):
    def test_sample_request_html(self):
        sample = self._sample(purpose="new_development", customer_requirements="<p>Salt spray 500 h</p>")
        sample.action_submit()
        sample.with_user(self.sales_manager).action_approve()
        html = self.env["ir.actions.report"]._render_qweb_html(REPORT_REQUEST, sample.ids)[0].decode()
        self.assertIn("Sample Request Form", html)
        self.assertIn(sample.name, html)
        self.assertIn("Shenzhen Motors Ltd.", html)
        self.assertIn("DWG-X-01", html)
        self.assertIn("Salt spray 500 h", html)
        self.assertIn("New Product Development", html)
        self.assertIn("Max Manager", html)
        self.assertIn("Noto Sans CJK SC", html)

    def test_sample_approval_html(self):
        sample = self._sent(self._sample())
        sample.action_customer_approve(decided_by="Mr. Wang", comment="Reference for production")
        html = self.env["ir.actions.report"]._render_qweb_html(REPORT_APPROVAL, sample.ids)[0].decode()
        self.assertIn("Sample Approval Form", html)
        self.assertIn("Customer Signature", html)
        self.assertIn("Company Stamp", html)
        self.assertIn("Mr. Wang", html)
        self.assertIn("Reference for production", html)
        self.assertIn("☑", html)
        self.assertIn("SF0001", html)

    def test_reports_in_chinese(self):
        load_chinese(self.env)
        self.customer.lang = "zh_CN"
        sample = self._sent(self._sample(purpose="new_development"))
        html = self.env["ir.actions.report"]._render_qweb_html(REPORT_REQUEST, sample.ids)[0].decode()
        self.assertIn("样品需求单", html)
        self.assertIn("新产品开发", html)
        self.assertIn("顾客要求", html)
        html = self.env["ir.actions.report"]._render_qweb_html(REPORT_APPROVAL, sample.ids)[0].decode()
        self.assertIn("样品承认书", html)
        self.assertIn("客户签字", html)
        self.customer.lang = "en_US"
        html = self.env["ir.actions.report"]._render_qweb_html(REPORT_APPROVAL, sample.ids)[0].decode()
        self.assertIn("Sample Approval Form", html)
        self.assertNotIn("样品承认书", html)

    def test_reports_in_print_menu(self):
        bindings = self.env["ir.actions.report"].search([("binding_model_id.model", "=", "qms.sample.request")])
        self.assertEqual(
            set(bindings.mapped("report_name")),
            {"qms_customer_process.report_sample_request", "qms_customer_process.report_sample_approval"},
        )


@tagged("post_install", "-at_install")
class TestSampleReportsPdf(HttpCase, SampleCase):
    """A real PDF through wkhtmltopdf: an HttpCase, so that wkhtmltopdf can load the report
    assets from the test server (in a TransactionCase it waits on the registry forever)."""

    def test_approval_pdf_prints_chinese_glyphs(self):
        load_chinese(self.env)
        self.customer.lang = "zh_CN"
        sample = self._sent(self._sample())
        fonts, text = render_pdf(self, REPORT_APPROVAL, sample)
        self.assertIn("CJK", fonts, "Chinese text must be set in a CJK font, not boxes")
        self.assertIn("样品承认书", text.replace(" ", ""))
        self.assertIn("签字", text)
        assert_form_frame(self, text, REPORT_APPROVAL, lang="zh_CN")


@tagged("post_install", "-at_install")
class TestSamplePortal(HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.env.company
        cls.salesman = new_test_user(cls.env, login="qms_p_salesman", groups="sales_team.group_sale_salesman",
                                     name="Sam Portal Seller")
        cls.customer_a = cls.env["res.partner"].create({"name": "Customer A Ltd.", "is_company": True})
        cls.customer_b = cls.env["res.partner"].create({"name": "Customer B Ltd.", "is_company": True})
        cls.contact_a = cls.env["res.partner"].create({"name": "Alice Buyer", "parent_id": cls.customer_a.id})
        cls.portal_a = new_test_user(cls.env, login="qms_portal_a", password="qms_portal_a_pwd",
                                     groups="base.group_portal", partner_id=cls.contact_a.id, name="Alice Buyer")
        cls.portal_b = new_test_user(cls.env, login="qms_portal_b", password="qms_portal_b_pwd",
                                     groups="base.group_portal", name="Bob Buyer")
        cls.portal_b.partner_id.parent_id = cls.customer_b
        Sample = cls.env["qms.sample.request"]
        cls.sample_a = Sample.create({
            "partner_id": cls.customer_a.id, "user_id": cls.salesman.id, "purpose": "trial",
            "line_ids": [Command.create({"name": "Pump impeller A-1", "specification": "DWG-A-1", "quantity": 2})],
        })
        cls.sample_b = Sample.create({
            "partner_id": cls.customer_b.id, "user_id": cls.salesman.id, "purpose": "trial",
            "line_ids": [Command.create({"name": "Valve body B-7", "quantity": 1})],
        })
        cls.draft_a = Sample.create({
            "partner_id": cls.customer_a.id, "user_id": cls.salesman.id, "purpose": "trial",
            "line_ids": [Command.create({"name": "Secret draft A-9", "quantity": 1})],
        })
        for sample in cls.sample_a | cls.sample_b:
            sample.action_submit()
            sample.action_approve()
            sample.write({"assigned_department": "production", "assigned_user_id": cls.salesman.id,
                          "production_due_date": fields.Date.today(), "carrier": "SF Express"})
            sample.action_start_production()
            sample.action_send()

    def _decide(self, sample, decision, comment, token=None):
        data = {"decision": decision, "comment": comment, "csrf_token": http.Request.csrf_token(self)}
        if token:
            data["access_token"] = token
        return self.url_open(f"/my/samples/{sample.id}/decide", data=data)

    def test_list_shows_own_samples_only(self):
        self.authenticate("qms_portal_a", "qms_portal_a_pwd")
        response = self.url_open("/my/samples")
        self.assertEqual(response.status_code, 200)
        self.assertIn(self.sample_a.name, response.text)
        self.assertNotIn(self.sample_b.name, response.text)
        self.assertNotIn(self.draft_a.name, response.text, "a draft is not shown to the customer")
        self.authenticate("qms_portal_b", "qms_portal_b_pwd")
        response = self.url_open("/my/samples")
        self.assertIn(self.sample_b.name, response.text)
        self.assertNotIn(self.sample_a.name, response.text)

    def test_home_counter(self):
        self.authenticate("qms_portal_a", "qms_portal_a_pwd")
        response = self.url_open("/my/counters", data=json.dumps({
            "jsonrpc": "2.0", "method": "call", "params": {"counters": ["qms_sample_count"]},
        }), headers={"Content-Type": "application/json"})
        self.assertEqual(response.json()["result"]["qms_sample_count"], 1)
        response = self.url_open("/my")
        self.assertIn("/my/samples", response.text)

    def test_detail_page_of_other_customer_redirects(self):
        self.authenticate("qms_portal_a", "qms_portal_a_pwd")
        response = self.url_open(f"/my/samples/{self.sample_a.id}")
        self.assertEqual(response.status_code, 200)
        self.assertIn("Pump impeller A-1", response.text)
        self.assertIn("Approve the Sample", response.text)
        response = self.url_open(f"/my/samples/{self.sample_b.id}")
        self.assertNotIn("Valve body B-7", response.text)
        self.assertTrue(response.url.endswith("/my"), response.url)
        # With the access token the page opens, as for a link in an email.
        token = self.sample_b._portal_ensure_token()
        response = self.url_open(f"/my/samples/{self.sample_b.id}?access_token={token}")
        self.assertIn("Valve body B-7", response.text)

    def test_customer_approves_own_sample(self):
        self.authenticate("qms_portal_a", "qms_portal_a_pwd")
        response = self._decide(self.sample_a, "approve", "Matches the drawing")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(self.sample_a.state, "customer_approved")
        self.assertEqual(self.sample_a.customer_decided_by, "Alice Buyer")
        self.assertTrue(self.sample_a.customer_decided_on_portal)
        self.assertEqual(self.sample_a.customer_comment, "Matches the drawing")
        self.assertTrue(any("Matches the drawing" in (message.body or "") for message in self.sample_a.message_ids))
        self.assertIn("your approval of the sample is recorded", response.text)
        # Deciding twice is refused, in the customer's words.
        response = self._decide(self.sample_a, "reject", "changed my mind")
        self.assertEqual(self.sample_a.state, "customer_approved")
        self.assertIn("This sample has already been decided", response.text)

    def test_customer_rejects_with_comment_only(self):
        self.authenticate("qms_portal_b", "qms_portal_b_pwd")
        response = self._decide(self.sample_b, "reject", "")
        self.assertEqual(self.sample_b.state, "sent", "a rejection needs a comment")
        self.assertIn("Please tell us why you reject the sample", response.text)
        self.assertNotIn("Give the customer&#39;s reasons", response.text, "no staff wording on the portal")
        response = self._decide(self.sample_b, "reject", "Leaks at 6 bar")
        self.assertEqual(self.sample_b.state, "customer_rejected")
        self.assertIn("your rejection of the sample and your reasons are recorded", response.text)
        self.assertEqual(self.sample_b.customer_decided_by, "Bob Buyer")

    def test_decision_is_shown_back_in_the_customers_words(self):
        self.authenticate("qms_portal_a", "qms_portal_a_pwd")
        page = self.url_open(f"/my/samples/{self.sample_a.id}").text
        self.assertIn('text-bg-warning">Awaiting Your Decision<', page)
        self.assertNotIn('id="qms_sample_decision"', page)
        response = self._decide(self.sample_a, "approve", "Matches the drawing")
        self.assertIn("You approved this sample.", response.text)
        self.assertIn("Your comments:", response.text)
        self.assertIn('text-bg-success">Approved by You<', response.text)
        self.assertNotIn("Customer Approved", response.text, "no staff wording")
        listing = self.url_open("/my/samples").text
        self.assertIn('text-bg-success">Approved by You<', listing)
        self.authenticate("qms_portal_b", "qms_portal_b_pwd")
        response = self._decide(self.sample_b, "reject", "Leaks at 6 bar")
        self.assertIn("You did not approve this sample.", response.text)
        self.assertIn("Your reasons:", response.text)
        self.assertIn("Leaks at 6 bar", response.text)
        self.assertIn('text-bg-danger">Not Approved by You<', response.text)
        self.assertNotIn("Customer Rejected", response.text, "no staff wording")
        self.assertNotIn("Sample Not Approved", response.text, "no staff wording")
        # A code of another page shows nothing here.
        page = self.url_open(f"/my/samples/{self.sample_b.id}?message=filed").text
        self.assertNotIn("o_qms_portal_message", page)

    def test_message_from_a_link_is_never_shown(self):
        self.authenticate("qms_portal_a", "qms_portal_a_pwd")
        for text in ("Your account is suspended, call +1 555 0100", "<b>urgent</b>", "approved "):
            response = self.url_open(f"/my/samples/{self.sample_a.id}?{urlencode({'message': text})}")
            self.assertEqual(response.status_code, 200)
            page = response.text[response.text.index("o_portal_qms_sample mt-3"):]  # after the breadcrumb's links
            self.assertNotIn("suspended", page)
            self.assertNotIn("urgent", page)
            self.assertNotIn('role="alert"', page)
            self.assertNotIn('role="status"', page)

    def test_visitor_with_access_token_decides(self):
        self.authenticate(None, None)
        token = self.sample_b._portal_ensure_token()
        self._decide(self.sample_b, "approve", "OK for us", token="wrong")
        self.assertEqual(self.sample_b.state, "sent")
        self._decide(self.sample_b, "approve", "OK for us", token=token)
        self.assertEqual(self.sample_b.state, "customer_approved")
        self.assertEqual(self.sample_b.customer_decided_by, "Customer B Ltd.")
        self.assertTrue(self.sample_b.customer_decided_on_portal)

    def test_cannot_decide_other_customers_sample(self):
        self.authenticate("qms_portal_b", "qms_portal_b_pwd")
        self._decide(self.sample_a, "approve", "not mine")
        self.assertEqual(self.sample_a.state, "sent")
        self.assertFalse(self.sample_a.customer_decision)
        with self.assertRaises(AccessError):
            self.sample_a.with_user(self.portal_b).read(["name"])
        with self.assertRaises(AccessError):
            self.sample_b.with_user(self.portal_b).write({"customer_comment": "x"})
        with self.assertRaises(UserError):
            self.sample_a.with_user(self.portal_b).sudo().action_customer_approve()
        self.assertEqual(self.sample_a.state, "sent")
