"""Multi-company: links, lookups, unique configuration and the complaint mail gateway.

A user of company A who links a record of company B is refused with Odoo's own company check
(``_check_company``: a UserError "Incompatible companies on records"), and nothing is written. The
configuration a record uses (departments, deadlines, grades, review rules) is its company's own,
else the shared one, never another company's.
"""

from datetime import timedelta
from email.message import EmailMessage

import psycopg2

from odoo import Command, fields
from odoo.exceptions import AccessError, UserError
from odoo.service.model import _as_validation_error
from odoo.tests import new_test_user, tagged
from odoo.tools import mute_logger

from .satisfaction_common import SatisfactionCase

COMPANY_MESSAGE = r"(?s)^Incompatible companies on records:\n.*\(%s: .*\) belongs to another company\."


class MultiCompanyCase(SatisfactionCase):
    """Company A (the current one) and company B, each with its own records."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company_a = cls.company
        cls.company_b = cls.env["res.company"].create({"name": "QMS Company B"})
        # A user of company A who also works for B, both companies active, with every QMS role: she
        # reads B's records, so what refuses her links is the company check alone.
        cls.user_a = new_test_user(
            cls.env, login="qms_mc_user_a", name="Alice of A",
            groups="base.group_user,sales_team.group_sale_manager,qms_customer_process.group_qms_quality,"
                   "qms_customer_process.group_qms_manager,qms_customer_process.group_qms_general_manager",
            company_id=cls.company_a.id, company_ids=[Command.set((cls.company_a | cls.company_b).ids)],
        )
        env_b = cls.env(context=dict(cls.env.context, allowed_company_ids=cls.company_b.ids))
        cls.partner_b = env_b["res.partner"].create({
            "name": "B-only Customer", "is_company": True, "company_id": cls.company_b.id,
        })
        cls.contact_b = env_b["res.partner"].create({
            "name": "B-only Buyer", "parent_id": cls.partner_b.id, "company_id": cls.company_b.id,
        })
        cls.product_b = env_b["product.product"].create({
            "name": "B-only Motor", "type": "consu", "company_id": cls.company_b.id,
        })
        cls.lot_b = env_b["stock.lot"].create({
            "name": "LOT-B-001", "product_id": cls.product_std.id, "company_id": cls.company_b.id,
        })
        cls.order_b = env_b["sale.order"].create({
            "partner_id": cls.customer.id, "company_id": cls.company_b.id,
            "order_line": [Command.create({"product_id": cls.product_std.id, "product_uom_qty": 1})],
        })
        warehouse_b = env_b["stock.warehouse"].search([("company_id", "=", cls.company_b.id)], limit=1)
        cls.picking_b = env_b["stock.picking"].create({
            "partner_id": cls.customer.id, "picking_type_id": warehouse_b.out_type_id.id,
        })
        journal_b = env_b["account.journal"].create({
            "name": "B Sales", "code": "BSAL", "type": "sale", "company_id": cls.company_b.id,
        })
        cls.invoice_b = env_b["account.move"].create({
            "move_type": "out_invoice", "partner_id": cls.customer.id, "journal_id": journal_b.id,
            "company_id": cls.company_b.id,
        })
        cls.role_b = env_b["qms.review.role"].create({
            "name": "B R&D", "code": "rd", "company_id": cls.company_b.id,
            "group_id": cls.env.ref("qms_customer_process.group_qms_rd").id,
        })
        cls.complaint_b = env_b["qms.customer.complaint"].create({
            "subject": "B complaint", "partner_id": cls.customer.id, "company_id": cls.company_b.id,
        })
        cls.investigation_b = env_b["qms.quality.investigation"].create({
            "complaint_id": cls.complaint_b.id, "company_id": cls.company_b.id,
        })
        cls.campaign_b = env_b["qms.satisfaction.campaign"].create({
            "title": "B campaign", "date_start": "2030-01-01", "date_end": "2030-06-30",
            "company_id": cls.company_b.id, "partner_ids": [Command.set(cls.customer_a.ids)],
        })
        cls.campaign_b.action_generate_surveys()
        cls.survey_b = cls.campaign_b.survey_ids
        cls.grades_b = env_b["qms.satisfaction.grade"].create([
            {"name": "B Low", "min_score": 0, "company_id": cls.company_b.id},
            {"name": "B High", "min_score": 80, "company_id": cls.company_b.id},
        ])
        cls.sample_b = env_b["qms.sample.request"].create({
            "partner_id": cls.customer.id, "company_id": cls.company_b.id,
            "line_ids": [Command.create({"name": "B sample", "quantity": 1})],
        })

    def _as_a(self, records):
        """``records`` as Alice, company A first (new records go to A), B active too."""
        return records.with_user(self.user_a).with_context(
            allowed_company_ids=[self.company_a.id, self.company_b.id],
        )

    def assertRefused(self, exception_class, regex, call):
        """``call`` raises exactly ``exception_class`` (not a subclass) with a message matching
        ``regex``; what it wrote is rolled back with the savepoint of assertRaises, as the whole
        transaction is for a real client."""
        with self.assertRaises(exception_class) as caught:
            call()
        self.assertIs(type(caught.exception), exception_class)
        self.assertRegex(str(caught.exception), regex)

    def assertCompanyRefused(self, fname, call):
        """``call`` is refused by Odoo's company check, naming ``fname``."""
        self.assertRefused(UserError, COMPANY_MESSAGE % fname, call)

    def assertWriteRefused(self, record, fname, value):
        before = record[fname]
        written = [Command.set(value.ids)] if record._fields[fname].type == "many2many" else value.id
        self.assertCompanyRefused(fname, lambda: self._as_a(record).write({fname: written}))
        record.invalidate_recordset()
        self.assertEqual(record[fname], before, f"{fname} was written")


@tagged("post_install", "-at_install")
class TestCrossCompanyLinks(MultiCompanyCase):
    def test_complaint(self):
        Complaint = self._as_a(self.env["qms.customer.complaint"])
        complaint = Complaint.create({"subject": "A complaint", "partner_id": self.customer.id})
        self.assertEqual(complaint.company_id, self.company_a)
        links = {
            "partner_id": self.partner_b, "sale_order_id": self.order_b, "picking_id": self.picking_b,
            "invoice_id": self.invoice_b, "product_id": self.product_b, "lot_id": self.lot_b,
            "department_id": self.role_b,
        }
        for fname, value in links.items():
            with self.subTest(fname=fname):
                self.assertWriteRefused(complaint, fname, value)
                self.assertCompanyRefused(fname, lambda fname=fname, value=value: Complaint.create({
                    "subject": "A complaint linked to B", "partner_id": self.customer.id, fname: value.id,
                }))
        self.assertFalse(Complaint.search([("subject", "=", "A complaint linked to B")]))

    def test_complaint_by_a_user_of_one_company(self):
        """A user who works for A only: B's order is not even readable to him (AccessError);
        B's department, product or lot, which he does not read, meet the company check."""
        seller = new_test_user(self.env, login="qms_mc_seller_a", groups="sales_team.group_sale_salesman",
                               company_id=self.company_a.id, company_ids=[Command.set(self.company_a.ids)])
        complaint = self.env["qms.customer.complaint"].with_user(seller).create({
            "subject": "A complaint", "partner_id": self.customer.id,
        })
        self.assertRefused(AccessError, r"Sales Order \(sale.order\)",
                           lambda: complaint.write({"sale_order_id": self.order_b.id}))
        for fname, value in {"department_id": self.role_b, "product_id": self.product_b, "lot_id": self.lot_b}.items():
            with self.subTest(fname=fname):
                self.assertCompanyRefused(fname, lambda fname=fname, value=value: complaint.write({fname: value.id}))
        complaint.invalidate_recordset()
        self.assertFalse(complaint.sale_order_id or complaint.department_id or complaint.product_id or complaint.lot_id)

    def test_quality_investigation(self):
        complaint = self._as_a(self.env["qms.customer.complaint"]).create({
            "subject": "A complaint", "partner_id": self.customer.id,
        })
        Investigation = self._as_a(self.env["qms.quality.investigation"])
        investigation = Investigation.create({"complaint_id": complaint.id})
        for fname, value in {"complaint_id": self.complaint_b, "department_id": self.role_b,
                             "product_id": self.product_b}.items():
            with self.subTest(fname=fname):
                self.assertWriteRefused(investigation, fname, value)
        count = Investigation.search_count([])
        self.assertCompanyRefused("complaint_id", lambda: Investigation.create({"complaint_id": self.complaint_b.id}))
        self.assertEqual(Investigation.search_count([]), count)

    def test_corrective_action(self):
        Action = self._as_a(self.env["qms.corrective.action"])
        due = fields.Date.today() + timedelta(days=10)
        action = Action.create({"description": "Train the operators", "due_date": due})
        for fname, value in {"complaint_id": self.complaint_b, "investigation_id": self.investigation_b,
                             "department_id": self.role_b}.items():
            with self.subTest(fname=fname):
                self.assertWriteRefused(action, fname, value)
        # The follow-up of a survey is written by the procedure only (superuser): the company check
        # holds there too.
        self.assertCompanyRefused("satisfaction_survey_id", lambda: Action.sudo().create({
            "description": "Follow up B's survey", "due_date": due, "company_id": self.company_a.id,
            "satisfaction_survey_id": self.survey_b.id,
        }))
        self.assertFalse(Action.sudo().search([("satisfaction_survey_id", "=", self.survey_b.id)]))

    def test_review_line_and_rule(self):
        order = self._special_order()
        order.action_qms_request_review()
        line = self._line(order, "rd")
        # Lines are written by the review mechanism only (superuser): the company check holds there.
        self.assertCompanyRefused("role_id", lambda: line.sudo().write({"role_id": self.role_b.id}))
        self.assertEqual(line.role_id, self.roles["rd"])
        Rule = self._as_a(self.env["qms.review.rule"])
        count = Rule.search_count([])
        for company in (self.company_a, self.env["res.company"]):
            with self.subTest(company=company.name):
                self.assertCompanyRefused("role_id", lambda company=company: Rule.create({
                    "name": "R&D of B", "company_id": company.id, "role_id": self.role_b.id,
                }))
        rule = Rule.create({"name": "Shared R&D", "role_id": self.roles["rd"].id})
        self.assertWriteRefused(rule, "role_id", self.role_b)
        self.assertEqual(Rule.search_count([]), count + 1)

    def test_sample_request(self):
        Sample = self._as_a(self.env["qms.sample.request"])
        sample = Sample.create({
            "partner_id": self.customer.id,
            "line_ids": [Command.create({"product_id": self.product_std.id, "name": "Motor sample", "quantity": 1})],
        })
        for fname, value in {"partner_id": self.partner_b, "contact_id": self.contact_b}.items():
            with self.subTest(fname=fname):
                self.assertWriteRefused(sample, fname, value)
        # The shipping fields are filled once the sample is approved; on a new request, the same check.
        count = Sample.search_count([])
        for fname, value in {"partner_id": self.partner_b, "delivery_address_id": self.partner_b,
                             "picking_id": self.picking_b}.items():
            with self.subTest(fname=fname):
                self.assertCompanyRefused(fname, lambda fname=fname, value=value: Sample.create({
                    "partner_id": self.customer.id, fname: value.id,
                }))
        self.assertEqual(Sample.search_count([]), count)
        self.assertWriteRefused(sample.line_ids, "product_id", self.product_b)
        self.assertCompanyRefused("product_id", lambda: self._as_a(sample).write({
            "line_ids": [Command.create({"product_id": self.product_b.id, "name": "B motor", "quantity": 1})],
        }))
        self.assertEqual(len(sample.line_ids), 1)
        # Revisions are linked by the procedure only (superuser): within one company.
        self.assertCompanyRefused("previous_id", lambda: sample.sudo().write({"previous_id": self.sample_b.id}))

    def test_satisfaction(self):
        Campaign = self._as_a(self.env["qms.satisfaction.campaign"])
        values = {"title": "A campaign", "date_start": "2031-01-01", "date_end": "2031-06-30"}
        count = Campaign.search_count([])
        self.assertCompanyRefused("partner_ids", lambda: Campaign.create(dict(
            values, partner_ids=[Command.set(self.partner_b.ids)])))
        self.assertCompanyRefused("follow_up_grade_id", lambda: Campaign.create(dict(
            values, follow_up_grade_id=self.grades_b[0].id)))
        self.assertEqual(Campaign.search_count([]), count)
        campaign = Campaign.create(dict(values, partner_ids=[Command.set(self.customer_a.ids)]))
        self.assertWriteRefused(campaign, "follow_up_grade_id", self.grades_b[0])
        campaign.action_generate_surveys()
        survey = campaign.survey_ids
        self.assertWriteRefused(survey, "partner_id", self.partner_b)
        self.assertWriteRefused(survey, "contact_id", self.contact_b)
        Analysis = self._as_a(self.env["qms.satisfaction.analysis"])
        self.assertCompanyRefused("campaign_id", lambda: Analysis.create({"campaign_id": self.campaign_b.id}))

    def test_capability_commitment(self):
        Commitment = self._as_a(self.env["qms.capability.commitment"])
        values = {"name": "2030 capability", "date_from": "2030-01-01", "date_to": "2030-12-31"}
        self.assertCompanyRefused("product_tmpl_ids", lambda: Commitment.create(dict(
            values, product_tmpl_ids=[Command.set(self.product_b.product_tmpl_id.ids)])))
        self.assertFalse(Commitment.search([("name", "=", "2030 capability")]))
        commitment = Commitment.create(values)
        self.assertWriteRefused(commitment, "product_tmpl_ids", self.product_b.product_tmpl_id)
        # Orders are added by the procedure only (superuser): within one company.
        self.assertCompanyRefused("source_order_ids", lambda: commitment.sudo().write({
            "source_order_ids": [Command.link(self.order_b.id)],
        }))
        self.assertFalse(commitment.source_order_ids)

    def test_same_company_links_pass(self):
        """The check refuses other companies only: B's records link together, shared ones anywhere."""
        complaint = self.env["qms.customer.complaint"].with_company(self.company_b).create({
            "subject": "B complaint about B's order", "partner_id": self.customer.id,
            "sale_order_id": self.order_b.id, "picking_id": self.picking_b.id, "invoice_id": self.invoice_b.id,
            "product_id": self.product_b.id, "lot_id": self.lot_b.id, "department_id": self.role_b.id,
        })
        self.assertEqual(complaint.company_id, self.company_b)
        complaint.department_id = self.roles["quality"]  # shared
        self.assertEqual(complaint.department_id, self.roles["quality"])


@tagged("post_install", "-at_install")
class TestCompanyLookups(MultiCompanyCase):
    def test_deadline(self):
        Deadline = self.env["qms.complaint.deadline"]
        shared = self.env.ref("qms_customer_process.complaint_deadline_minor")
        own = Deadline.create({"severity": "minor", "company_id": self.company_b.id, "acknowledge_hours": 1,
                               "respond_days": 1, "recurrence_days": 10})
        self.assertEqual(Deadline._for("minor", self.company_b), own)
        self.assertEqual(Deadline._for("minor", self.company_a), shared, "B's deadline is never A's")
        complaint_b = self.env["qms.customer.complaint"].with_company(self.company_b).create({
            "subject": "B minor", "partner_id": self.customer.id,
        })
        # In working hours of each company's calendar.
        self.assertEqual(complaint_b.date_acknowledge_deadline,
                         self.company_b._qms_plan_work(complaint_b.date_received, hours=1))
        complaint_a = self.env["qms.customer.complaint"].create({"subject": "A minor", "partner_id": self.customer.id})
        self.assertEqual(complaint_a.date_acknowledge_deadline,
                         self.company_a._qms_plan_work(complaint_a.date_received, hours=shared.acknowledge_hours))
        self.assertNotEqual(complaint_a.date_acknowledge_deadline, complaint_b.date_acknowledge_deadline)

    def test_grade_table(self):
        Grade = self.env["qms.satisfaction.grade"]
        low_b, high_b = self.grades_b
        # B's own table replaces the shared one: 92 is "B High", not the shared "Very Satisfied".
        self.assertEqual(Grade.grade_for(92, self.company_b), high_b)
        self.assertEqual(Grade.grade_for(60, self.company_b), low_b)
        self.assertEqual(Grade.grade_for(92, self.company_a), self.grades["very_satisfied"])
        self.assertEqual(Grade.grade_for(60, self.company_a), self.grades["dissatisfied"])
        self.assertEqual(low_b.max_score, 80)
        self.assertEqual(high_b.max_score, 100)
        self.assertEqual(self.grades["dissatisfied"].max_score, 65, "the shared bands end at the shared bounds")
        self.survey_b._qms_write_transition({"state": "answered", "score": 92})
        self.assertEqual(self.survey_b.grade_id, high_b)
        survey_a = self._survey(self.customer_a)
        survey_a._qms_write_transition({"state": "answered", "score": 92})
        self.assertEqual(survey_a.grade_id, self.grades["very_satisfied"])

    def test_follow_up_departments(self):
        Role = self.env["qms.review.role"]
        quality_b = Role.create({"name": "B Quality", "code": "quality", "company_id": self.company_b.id,
                                 "group_id": self.env.ref("qms_customer_process.group_qms_quality").id})
        production_b = Role.create({"name": "B Production", "code": "production", "company_id": self.company_b.id,
                                    "group_id": self.env.ref("qms_customer_process.group_qms_production").id})
        self.assertEqual(Role._qms_find("quality", self.company_b), quality_b)
        self.assertEqual(Role._qms_find("quality", self.company_a), self.roles["quality"], "B's quality is never A's")
        self.assertEqual(Role._qms_find("sales", self.company_b), self.roles["sales"], "the shared one otherwise")
        # Quality, delivery and service 非常不满意 (40): quality, production and sales follow up.
        scores = [40, 40, 40, 100, 100, 100]
        self._answer_paper(self.survey_b, scores)
        self.assertEqual(self.survey_b.corrective_action_ids.department_id,
                         quality_b | production_b | self.roles["sales"])
        self.assertEqual(self.survey_b.corrective_action_ids.company_id, self.company_b)
        survey_a = self._survey(self.customer_a)
        self._answer_paper(survey_a, scores)
        self.assertEqual(survey_a.corrective_action_ids.department_id,
                         self.roles["quality"] | self.roles["production"] | self.roles["sales"])

    def test_review_rules_and_departments(self):
        Rule = self.env["qms.review.rule"]
        finance_b = Rule.create({"name": "B finance reviews last", "company_id": self.company_b.id,
                                 "contract_type": "special", "sequence": 80, "role_id": self.roles["finance"].id})
        Rule.create({"name": "B warehouse reviews regular orders", "company_id": self.company_b.id,
                     "contract_type": "regular", "role_id": self.roles["warehouse"].id})
        order_b = self._order(products=[(self.product_new, 1)], user=self.env.user,
                              company_id=self.company_b.id).with_company(self.company_b)
        order_b.action_qms_request_review()
        lines_b = order_b.qms_review_line_ids
        # B's own R&D department reviews B's orders; B's own finance rule replaces the shared one.
        self.assertIn(self.role_b, lines_b.role_id)
        self.assertNotIn(self.roles["rd"], lines_b.role_id)
        self.assertEqual(lines_b.filtered(lambda line: line.role_id == self.roles["finance"]).sequence,
                         finance_b.sequence)
        order_a = self._special_order()
        order_a.action_qms_request_review()
        self.assertIn(self.roles["rd"], order_a.qms_review_line_ids.role_id)
        self.assertNotIn(self.role_b, order_a.qms_review_line_ids.role_id)
        self.assertEqual(self._line(order_a, "finance").sequence, 10)
        # B's rule for regular orders is B's only.
        regular_b = self._order(user=self.env.user, company_id=self.company_b.id)
        self.assertTrue(regular_b.qms_review_required)
        self.assertFalse(self._order().qms_review_required)


@tagged("post_install", "-at_install")
class TestUniqueWithoutCompany(MultiCompanyCase):
    def _assert_duplicate(self, model, values, message):
        with self.assertRaises(psycopg2.errors.UniqueViolation) as caught, mute_logger("odoo.sql_db"):
            self.env[model].create(values)
        # What the user reads: Odoo's RPC layer turns the violation into this ValidationError.
        self.assertEqual(str(_as_validation_error(self.env, caught.exception)),
                         f"The operation cannot be completed: {message}")

    def test_review_role_code(self):
        group = self.env.ref("qms_customer_process.group_qms_rd")
        Role = self.env["qms.review.role"]
        message = "A department code must be unique per company, and among the shared departments."
        Role.create({"name": "Shared Lab", "code": "lab", "group_id": group.id})
        self._assert_duplicate("qms.review.role", {"name": "Shared Lab 2", "code": "lab", "group_id": group.id}, message)
        Role.create({"name": "A Lab", "code": "lab", "company_id": self.company_a.id, "group_id": group.id})
        Role.create({"name": "B Lab", "code": "lab", "company_id": self.company_b.id, "group_id": group.id})
        self._assert_duplicate("qms.review.role", {"name": "A Lab 2", "code": "lab", "company_id": self.company_a.id,
                                                   "group_id": group.id}, message)
        self.assertEqual(Role.with_context(active_test=False).search_count([("code", "=", "lab")]), 3)

    def test_complaint_deadline_severity(self):
        Deadline = self.env["qms.complaint.deadline"]
        message = "One deadline per severity and company, and one shared deadline per severity."
        # The data has the shared deadline of each severity.
        self._assert_duplicate("qms.complaint.deadline", {"severity": "minor"}, message)
        Deadline.create({"severity": "minor", "company_id": self.company_b.id})
        self._assert_duplicate("qms.complaint.deadline", {"severity": "minor", "company_id": self.company_b.id}, message)
        self.assertEqual(Deadline.search_count([("severity", "=", "minor")]), 2)

    def test_indexes_installed(self):
        self.env.cr.execute("""
            SELECT indexname, indexdef FROM pg_indexes
             WHERE indexname IN ('qms_review_role_code_company_uniq', 'qms_complaint_deadline_severity_company_uniq')
        """)
        indexes = dict(self.env.cr.fetchall())
        self.assertEqual(set(indexes), {"qms_review_role_code_company_uniq", "qms_complaint_deadline_severity_company_uniq"})
        for definition in indexes.values():
            self.assertIn("UNIQUE", definition)
            self.assertIn("COALESCE(company_id, 0)", definition)


@tagged("post_install", "-at_install")
class TestComplaintGatewayCompany(MultiCompanyCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.domain_a = cls.env["mail.alias.domain"].create({"name": "qms-a.example.com"})
        cls.company_a.alias_domain_id = cls.domain_a
        cls.env.ref("qms_customer_process.mail_alias_complaint").alias_domain_id = cls.domain_a
        cls.domain_b = cls.env["mail.alias.domain"].create({"name": "qms-b.example.com"})
        cls.company_b.alias_domain_id = cls.domain_b
        cls.alias_b = cls.env["mail.alias"].create({
            "alias_name": "complaints", "alias_domain_id": cls.domain_b.id, "alias_contact": "everyone",
            "alias_model_id": cls.env["ir.model"]._get_id("qms.customer.complaint"),
            "alias_defaults": "{'channel': 'email'}",
        })
        # The same address is a partner of A and a partner of B.
        cls.dual_a = cls.env["res.partner"].create({"name": "Dual in A", "email": "dual@buyer.example",
                                                    "company_id": cls.company_a.id})
        cls.dual_b = cls.env["res.partner"].create({"name": "Dual in B", "email": "dual@buyer.example",
                                                    "company_id": cls.company_b.id})
        cls.plain_a = new_test_user(cls.env, login="qms_mc_plain_a", groups="base.group_user", name="Paul Plain",
                                    company_id=cls.company_a.id, company_ids=[Command.set(cls.company_a.ids)])
        cls.user_ab = new_test_user(cls.env, login="qms_mc_user_ab", groups="base.group_user", name="Bea Both",
                                    company_id=cls.company_a.id,
                                    company_ids=[Command.set((cls.company_a | cls.company_b).ids)])
        cls.user_b = new_test_user(cls.env, login="qms_mc_user_b", groups="base.group_user", name="Bob of B",
                                   email="bob@qms-b.example.com", company_id=cls.company_b.id,
                                   company_ids=[Command.set(cls.company_b.ids)])

    def _email(self, sender, to, subject):
        message = EmailMessage()
        message["From"] = sender
        message["To"] = to
        message["Subject"] = subject
        message["Message-ID"] = f"<{subject.replace(' ', '.')}@sender.example>"
        message.set_content("The parts are broken.")
        return message.as_string()

    def _complaints(self, subject):
        return self.env["qms.customer.complaint"].search([("subject", "=", subject)])

    def test_alias_of_each_company(self):
        MailThread = self.env["mail.thread"]
        MailThread.message_process(False, self._email("Buyer <dual@buyer.example>", "complaints@qms-b.example.com",
                                                      "Broken in B"))
        complaint_b = self._complaints("Broken in B")
        self.assertEqual(complaint_b.company_id, self.company_b)
        self.assertEqual(complaint_b.partner_id, self.dual_b, "the sender as a partner of B")
        self.assertEqual(complaint_b.channel, "email")
        MailThread.message_process(False, self._email("Buyer <dual@buyer.example>", "complaints@qms-a.example.com",
                                                      "Broken in A"))
        complaint_a = self._complaints("Broken in A")
        self.assertEqual(complaint_a.company_id, self.company_a)
        self.assertEqual(complaint_a.partner_id, self.dual_a, "the sender as a partner of A")
        # A shared customer is found from either company; an unknown sender is kept as today.
        MailThread.message_process(False, self._email("Buyer <buyer@motors.example>", "complaints@qms-b.example.com",
                                                      "Shared customer in B"))
        self.assertEqual(self._complaints("Shared customer in B").partner_id, self.customer)
        MailThread.message_process(False, self._email("Nobody <nobody@unknown.example>",
                                                      "complaints@qms-b.example.com", "Unknown in B"))
        unknown = self._complaints("Unknown in B")
        self.assertEqual(unknown.company_id, self.company_b)
        self.assertFalse(unknown.partner_id)
        self.assertIn("nobody@unknown.example", unknown.email_from)

    def test_alias_defaults_name_the_company(self):
        self.alias_b.alias_defaults = f"{{'channel': 'email', 'company_id': {self.company_a.id}}}"
        self.env["mail.thread"].message_process(False, self._email("Buyer <dual@buyer.example>",
                                                                   "complaints@qms-b.example.com", "Defaults say A"))
        complaint = self._complaints("Defaults say A")
        self.assertEqual(complaint.company_id, self.company_a)
        self.assertEqual(complaint.partner_id, self.dual_a)

    def test_alias_wins_over_the_callers_values(self):
        """Through an alias, the alias's company applies whoever processes the mail."""
        self.alias_b.alias_status = "valid"  # else the gateway marks it valid, which a plain user may not
        self.env["mail.thread"].with_user(self.plain_a).message_process(
            "qms.customer.complaint",
            self._email("Buyer <dual@buyer.example>", "complaints@qms-b.example.com", "Via B's alias"),
            custom_values={"company_id": self.company_a.id},
        )
        self.assertEqual(self._complaints("Via B's alias").company_id, self.company_b)

    def test_fallback_refuses_a_company_of_someone_else(self):
        raw = self._email("Buyer <dual@buyer.example>", "someone@elsewhere.example", "Forged company")
        MailThread = self.env["mail.thread"].with_user(self.plain_a)
        self.assertRefused(
            AccessError, "^You cannot create a Customer Complaint in QMS Company B by email: you do not work for "
                         "that company.$",
            lambda: MailThread.message_process("qms.customer.complaint", raw,
                                               custom_values={"company_id": self.company_b.id}),
        )
        self.assertRefused(
            AccessError, "^Access to unauthorized or invalid companies.$",
            lambda: MailThread.with_context(allowed_company_ids=self.company_b.ids).message_process(
                "qms.customer.complaint", raw),
        )
        self.assertFalse(self.env["qms.customer.complaint"].with_context(active_test=False).search(
            [("subject", "=", "Forged company")]))
        self.assertFalse(self.env["mail.message"].search([("message_id", "=", "<Forged.company@sender.example>")]))

    def test_fallback_company_of_the_caller(self):
        # Paul (A only) forwards a mail whose sender is a user of B: the gateway runs as that user,
        # the complaint stays in Paul's company.
        self.env["mail.thread"].with_user(self.plain_a).message_process(
            "qms.customer.complaint", self._email("Bob <bob@qms-b.example.com>", "someone@elsewhere.example",
                                                  "From Bob"))
        self.assertEqual(self._complaints("From Bob").company_id, self.company_a)
        # Bea works for A and B: she may file it in B.
        self.env["mail.thread"].with_user(self.user_ab).message_process(
            "qms.customer.complaint", self._email("Buyer <dual@buyer.example>", "someone@elsewhere.example",
                                                  "Bea files in B"),
            custom_values={"company_id": self.company_b.id})
        complaint = self._complaints("Bea files in B")
        self.assertEqual(complaint.company_id, self.company_b)
        self.assertEqual(complaint.partner_id, self.dual_b)
