from datetime import timedelta

from odoo import Command, fields
from odoo.tests import tagged

from .satisfaction_common import SatisfactionCase

# Chinese wording set on the templates for these tests (the addon's own translations come from
# i18n/zh_CN.po): they show which language each customer's e-mail is rendered in.
ZH_RECEIVED_SUBJECT = "投诉 {{ object.name }} 已收到"
ZH_RECEIVED_BODY = (
    '<div><p>尊敬的 <t t-out="object.partner_id.name"/>：我们已收到您的投诉 <t t-out="object.name"/>。</p>'
    '<a t-att-href="object.get_base_url() + object.get_portal_url()">查看投诉</a></div>'
)


@tagged("post_install", "-at_install")
class TestCustomerEmails(SatisfactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("zh_CN")
        cls.customer.lang = "en_US"
        cls.chinese_customer = cls.env["res.partner"].create({
            "name": "深圳电机有限公司", "email": "caigou@dianji.example", "lang": "zh_CN", "is_company": True,
            "user_id": cls.salesman.id,
        })
        received = cls.env.ref("qms_customer_process.mail_template_complaint_received")
        received.with_context(lang="zh_CN").subject = ZH_RECEIVED_SUBJECT
        received.update_field_translations("body_html", {"zh_CN": ZH_RECEIVED_BODY})
        cls.quality = cls.reviewers["quality"]

    def _complaint(self, partner, **vals):
        return self.env["qms.customer.complaint"].with_user(self.salesman).create({
            "subject": "Motor noise above specification", "partner_id": partner.id, "channel": "phone", **vals,
        })

    def _mails_to(self, record, partner):
        """The messages of ``record``'s chatter sent to ``partner``."""
        return record.message_ids.filtered(
            lambda message: partner in message.partner_ids and message.subtype_id == self.env.ref("mail.mt_comment")
        )

    def _portal_link(self, record):
        return f"{record.get_base_url()}{record.access_url}?access_token={record.access_token}"

    def test_complaint_received_in_the_customers_language(self):
        english = self._complaint(self.customer)
        chinese = self._complaint(self.chinese_customer)
        mail = self._mails_to(english, self.customer)
        self.assertEqual(len(mail), 1)
        self.assertEqual(mail.subject, f"Complaint {english.name} received")
        self.assertIn(english.name, mail.body)
        self.assertIn(self._portal_link(english), mail.body, "the link to follow it on the portal")
        self.assertIn("Our quality department is handling it", mail.body)
        mail = self._mails_to(chinese, self.chinese_customer)
        self.assertEqual(mail.subject, f"投诉 {chinese.name} 已收到")
        self.assertIn("我们已收到您的投诉", mail.body)
        self.assertIn(self._portal_link(chinese), mail.body)
        # An e-mail to the customer's address, not only a message in the chatter.
        self.assertEqual(mail.notification_ids.filtered(lambda n: n.res_partner_id == self.chinese_customer)
                         .notification_type, "email")

    def test_unknown_sender_told_once_the_customer_is_assigned(self):
        complaint = self.env["qms.customer.complaint"].with_user(self.quality).create({
            "subject": "Broken housing", "email_from": "someone@unknown.example", "channel": "email",
        })
        self.assertFalse(complaint.message_ids.filtered(lambda message: message.partner_ids))
        complaint.with_user(self.quality).partner_id = self.customer
        self.assertEqual(len(self._mails_to(complaint, self.customer)), 1)
        complaint.with_user(self.quality).partner_id = self.chinese_customer
        complaint.with_user(self.quality).partner_id = self.customer
        self.assertEqual(len(self._mails_to(complaint, self.customer)), 1, "the receipt is sent once")
        self.assertFalse(self._mails_to(complaint, self.chinese_customer))

    def test_solution_proposed_and_complaint_closed(self):
        complaint = self._complaint(self.customer)
        complaint.with_user(self.salesman).action_acknowledge()
        complaint.write({"solution": "replace", "solution_note": "20 new motors from lot 2030-07.",
                         "compensation_amount": 50.0})
        complaint.with_user(self.salesman).action_propose()
        proposed = self._mails_to(complaint, self.customer).filtered(lambda m: "proposed solution" in (m.subject or ""))
        self.assertEqual(len(proposed), 1)
        self.assertIn("Replace", proposed.body)
        self.assertIn("20 new motors from lot 2030-07.", proposed.body)
        self.assertIn("Accept or refuse the solution", proposed.body)
        self.assertIn(self._portal_link(complaint), proposed.body)
        complaint.with_user(self.salesman).action_customer_accept()
        complaint.write({"closure_note": "Motors replaced and checked."})
        complaint.with_user(self.quality).action_close()
        closed = self._mails_to(complaint, self.customer).filtered(lambda m: m.subject == f"Complaint {complaint.name} closed")
        self.assertEqual(len(closed), 1)
        self.assertIn("the complaint is closed", closed.body)

    def test_sample_sent_awaiting_approval(self):
        contact = self.env["res.partner"].create({"name": "Li Lei", "email": "lilei@dianji.example",
                                                  "parent_id": self.chinese_customer.id, "lang": "en_US"})
        sample = self.env["qms.sample.request"].with_user(self.salesman).create({
            "partner_id": self.chinese_customer.id, "contact_id": contact.id, "user_id": self.salesman.id,
            "purpose": "trial", "line_ids": [Command.create({"name": "Motor M1 sample", "quantity": 2})],
        })
        sample.action_submit()
        sample.with_user(self.sales_manager).action_approve()
        sample.write({"assigned_department": "rd", "assigned_user_id": self.reviewers["rd"].id,
                      "production_due_date": fields.Date.today() + timedelta(days=5)})
        sample.action_start_production()
        sample.write({"carrier": "SF Express", "tracking_ref": "SF0042"})
        self.assertFalse(self._mails_to(sample, contact))
        sample.action_send()
        mail = self._mails_to(sample, contact)
        self.assertEqual(len(mail), 1, "to the contact the sample is for")
        self.assertEqual(mail.subject, f"Sample {sample.name} sent: awaiting your approval")
        self.assertIn("SF0042", mail.body)
        self.assertIn(self._portal_link(sample), mail.body)

    def test_a_company_turns_each_email_off(self):
        self.company.write({"qms_mail_complaint_received": False, "qms_mail_complaint_proposed": False,
                            "qms_mail_complaint_closed": False, "qms_mail_sample_sent": False})
        complaint = self._complaint(self.customer)
        complaint.with_user(self.salesman).action_acknowledge()
        complaint.write({"solution": "replace"})
        complaint.with_user(self.salesman).action_propose()
        complaint.with_user(self.salesman).action_customer_accept()
        complaint.write({"closure_note": "Checked."})
        complaint.with_user(self.quality).action_close()
        self.assertFalse(self._mails_to(complaint, self.customer))
        self.company.qms_mail_complaint_received = True
        self.assertTrue(self._mails_to(self._complaint(self.customer), self.customer))

    def test_customer_without_email_gets_none(self):
        complaint = self._complaint(self.customer_no_email)
        self.assertFalse(complaint.message_ids.filtered(lambda message: message.partner_ids))

    def test_satisfaction_invitation_in_our_wording_and_language(self):
        view = self.env.ref("qms_customer_process.satisfaction_invitation_email_body")
        view.update_field_translations("arch_db", {"zh_CN": {"Answer the survey": "填写调查问卷"}})
        self.campaign.title = "Satisfaction 2030"
        campaign = self._campaign(self.customer | self.chinese_customer, date_start="2030-07-01",
                                  date_end="2030-12-31", title="Satisfaction 2030 H2",
                                  deadline=fields.Datetime.to_datetime("2030-12-20 10:00:00"))
        campaign.action_send()
        for partner, button in ((self.customer, "Answer the survey"), (self.chinese_customer, "填写调查问卷")):
            survey = self._survey(partner, campaign)
            mail = self.env["mail.mail"].search([("recipient_ids", "in", partner.ids)], order="id desc", limit=1)
            self.assertIn(button, mail.body_html)
            self.assertIn(f"/survey/start/{campaign.survey_id.access_token}", mail.body_html)
            self.assertIn(f"answer_token={survey.user_input_id.access_token}", mail.body_html,
                          "each customer's own answer link")
            self.assertIn("Satisfaction 2030 H2", mail.body_html)
            self.assertIn(self.company.name, mail.subject)
        # Turned off: the survey app's own invitation.
        self.company.qms_mail_survey_wording = False
        other = self._campaign(self.customer_b, date_start="2031-01-01", date_end="2031-06-30")
        other.action_send()
        mail = self.env["mail.mail"].search([("recipient_ids", "in", self.customer_b.ids)], order="id desc", limit=1)
        self.assertIn("We are conducting a survey", mail.body_html)


@tagged("post_install", "-at_install")
class TestComplaintAlias(SatisfactionCase):
    def _mail(self, to):
        return (f"From: Buyer <buyer@motors.example>\nTo: {to}\nSubject: Rust on lot 2611\n"
                "Message-ID: <rust.2611@motors.example>\nContent-Type: text/plain; charset=utf-8\n\n"
                "Five motors arrived rusty.\n")

    def test_alias_works_once_the_company_alias_domain_is_set(self):
        alias = self.env.ref("qms_customer_process.mail_alias_complaint")
        Domain = self.env["mail.alias.domain"]
        if not Domain.search_count([]):
            Domain.create({"name": "first.example"})  # Odoo gives the first domain to every alias
        # A company that sets its domain later (another domain exists already), the alias without one.
        alias.alias_domain_id = False
        self.company.alias_domain_id = False
        ours = Domain.create({"name": "qms-motors.example"})
        self.company.alias_domain_id = ours
        self.assertEqual(alias.alias_domain_id, ours)
        self.assertEqual(alias.alias_full_name, "complaints@qms-motors.example")
        complaint_id = self.env["mail.thread"].message_process(False, self._mail("complaints@qms-motors.example"))
        complaint = self.env["qms.customer.complaint"].browse(complaint_id)
        self.assertEqual((complaint.subject, complaint.partner_id, complaint.company_id),
                         ("Rust on lot 2611", self.customer, self.company))
        self.assertTrue(complaint.message_ids.filtered(lambda message: self.customer in message.partner_ids),
                        "the sender got the receipt with the complaint's number")

    def test_install_gives_the_alias_the_companys_domain(self):
        alias = self.env.ref("qms_customer_process.mail_alias_complaint")
        domain = self.env["mail.alias.domain"].search([], limit=1) or self.env["mail.alias.domain"].create(
            {"name": "first.example"})
        alias.alias_domain_id = False
        self.company.alias_domain_id = False
        self.env["res.company"]._qms_complaint_alias_domain()
        self.assertFalse(alias.alias_domain_id, "no domain anywhere yet: nothing to give")
        # As an upgrade finds it: the company has its domain, the alias none (the ORM's pending
        # writes are flushed first, or they would overwrite the row after the raw UPDATE).
        self.env.flush_all()
        self.env.cr.execute("UPDATE res_company SET alias_domain_id = %s WHERE id = %s", [domain.id, self.company.id])
        self.company.invalidate_recordset(["alias_domain_id"])
        self.env["res.company"]._qms_complaint_alias_domain()
        self.assertEqual(alias.alias_domain_id, domain)
