"""Bad input to every public method of the addon (issue 10, must have 6): a clear UserError or
ValidationError in the user's language, never a raw TypeError, KeyError, ValueError or database
error; and nothing half-written after a refusal.

The refusals are asserted with assertRaisesRegex, which (unlike Odoo's assertRaises) does not
roll back to a savepoint: what a method wrote before refusing stays visible to the checks that
follow, so "nothing changed" is really checked."""

import math
from datetime import timedelta

from odoo import Command, fields, http
from odoo.api import call_kw
from odoo.exceptions import UserError, ValidationError
from odoo.tests import HttpCase, new_test_user, tagged

from .common import QmsCase
from .satisfaction_common import DIMENSIONS, SatisfactionCase
from .test_customer_complaint import ComplaintCase
from .test_sample_request import SampleCase

NOT_A_NUMBER = (math.nan, math.inf, -math.inf, "nan", "inf", "-inf", "1e400", "abc", [2], {}, True)


@tagged("post_install", "-at_install")
class TestBadValues(QmsCase):
    """create and write: the values given to the addon's fields (qms.workflow.mixin)."""

    def _complaint(self, **vals):
        values = {"subject": "Noise", "partner_id": self.customer.id, "channel": "phone"}
        values.update(vals)
        return self.env["qms.customer.complaint"].with_user(self.salesman).create(values)

    def test_numbers(self):
        Complaint = self.env["qms.customer.complaint"]
        count = Complaint.search_count([])
        for value in NOT_A_NUMBER:
            with self.assertRaisesRegex(
                ValidationError, "Quantity Affected of a Customer Complaint: a (finite )?number is expected", msg=repr(value),
            ):
                self._complaint(quantity_affected=value)
            # The portal creates as superuser: the values are checked for every caller.
            with self.assertRaisesRegex(ValidationError, "a (finite )?number is expected", msg=repr(value)):
                Complaint.sudo().create({"subject": "Noise", "compensation_amount": value})
        self.assertEqual(Complaint.search_count([]), count)
        complaint = self._complaint(quantity_affected="2.5")  # a number as text, as some RPC clients send it
        self.assertEqual(complaint.quantity_affected, 2.5)
        for value in (math.nan, "inf"):
            with self.assertRaisesRegex(ValidationError, "a finite number is expected"):
                complaint.with_user(self.salesman).write({"quantity_affected": value})
        self.assertEqual(complaint.quantity_affected, 2.5)

    def test_integers_the_database_holds(self):
        deadline = self.env["qms.complaint.deadline"].search([], limit=1)
        hours = deadline.acknowledge_hours
        for value in (2**31, -(2**31) - 1, 10**30):
            with self.assertRaisesRegex(ValidationError, f"{value} is out of range"):
                deadline.with_user(self.qms_admin).write({"acknowledge_hours": value})
        with self.assertRaisesRegex(ValidationError, "a number is expected"):
            deadline.with_user(self.qms_admin).write({"respond_days": "a week"})
        self.assertEqual(deadline.acknowledge_hours, hours)
        deadline.with_user(self.qms_admin).write({"acknowledge_hours": 2**31 - 1})
        self.assertEqual(deadline.acknowledge_hours, 2**31 - 1)

    def test_texts(self):
        count = self.env["qms.customer.complaint"].search_count([])
        for value in ({}, ["Noise"], 5, b"Noise"):
            with self.assertRaisesRegex(ValidationError, "Subject of a Customer Complaint: a text is expected", msg=repr(value)):
                self._complaint(subject=value)
        with self.assertRaisesRegex(ValidationError, "Subject of a Customer Complaint: a text cannot contain NUL characters"):
            self._complaint(subject="Noise\x00")
        with self.assertRaisesRegex(ValidationError, "a text cannot contain NUL characters"):
            self._complaint(description="<p>Noise\x00</p>")
        self.assertEqual(self.env["qms.customer.complaint"].search_count([]), count)

    def test_selections_links_dates_flags(self):
        count = self.env["qms.customer.complaint"].search_count([])
        cases = [
            ({"severity": "huge"}, "Severity of a Customer Complaint: huge is not one of its choices"),
            ({"channel": 5}, "5 is not one of its choices"),
            ({"partner_id": "Shenzhen Motors"}, "Customer of a Customer Complaint: a record id is expected"),
            ({"partner_id": -1}, "a record id is expected"),
            ({"partner_id": 2**40}, "a record id is expected"),
            ({"partner_id": 1.5}, "a record id is expected"),
            ({"partner_id": self.product_std}, "a record id is expected"),
            ({"date_received": "yesterday"}, "Received On of a Customer Complaint: yesterday is not a date"),
            ({"date_received": 20260302}, "a date is expected"),
        ]
        for vals, regex in cases:
            with self.assertRaisesRegex(ValidationError, regex, msg=repr(vals)):
                self._complaint(**vals)
        self.assertEqual(self.env["qms.customer.complaint"].search_count([]), count)
        order = self._order()
        for value in ("no", "yes", 2, 1.0):
            with self.assertRaisesRegex(ValidationError, "New Development or Modification of a .*: true or false is expected"):
                order.write({"qms_new_development": value})
        with self.assertRaisesRegex(ValidationError, "fax is not one of its choices"):
            order.write({"qms_order_channel": "fax"})
        self.assertFalse(order.qms_new_development)
        self.assertEqual(order.qms_order_channel, "written")
        order.write({"qms_new_development": 1})  # 0 and 1 are accepted as false and true
        self.assertTrue(order.qms_new_development)
        # A date may be given as a date object.
        received = fields.Datetime.now().replace(microsecond=0) - timedelta(hours=1)
        self.assertEqual(self._complaint(date_received=received).date_received, received)

    def test_values_must_be_a_dictionary(self):
        Complaint = self.env["qms.customer.complaint"].with_user(self.salesman)
        count = Complaint.search_count([])
        for vals_list in (["subject"], [5], [None]):
            with self.assertRaisesRegex(UserError, "The values of Customer Complaint must be given as a dictionary"):
                Complaint.create(vals_list)
        complaint = self._complaint()
        with self.assertRaisesRegex(UserError, "must be given as a dictionary"):
            complaint.write("subject")
        with self.assertRaisesRegex(UserError, "The values of Corrective Action must be given as a dictionary"):
            self.env["qms.corrective.action"].create([["description", "x"]])
        with self.assertRaisesRegex(UserError, "The values of Sales Order must be given as a dictionary"):
            self._order().write(5)
        self.assertEqual(Complaint.search_count([]), count + 1)

    def test_line_and_configuration_models(self):
        """The models that are not workflow records check their values too."""
        sample = self.env["qms.sample.request"].with_user(self.salesman).create({"partner_id": self.customer.id})
        for value in (math.nan, "inf"):
            with self.assertRaisesRegex(ValidationError, "Quantity of a Sample Request Line: a finite number is expected"):
                sample.with_user(self.salesman).write({
                    "line_ids": [Command.create({"name": "Prototype", "quantity": value})],
                })
        self.assertFalse(sample.line_ids)
        order = self._order()
        with self.assertRaisesRegex(ValidationError, "Kind of a Customer Requirement: legal is not one of its choices"):
            self.env["qms.customer.requirement"].with_user(self.salesman).create({
                "order_id": order.id, "kind": "legal", "description": "CCC",
            })
        grade = self.env.ref("qms_customer_process.satisfaction_grade_neutral")
        with self.assertRaisesRegex(ValidationError, "Minimum Score of a Satisfaction Grade: a finite number is expected"):
            grade.with_user(self.qms_admin).write({"min_score": math.nan})
        self.assertEqual(grade.min_score, 65)

    def test_corrective_action_due_date(self):
        Action = self.env["qms.corrective.action"].with_user(self.reviewers["quality"])
        count = Action.search_count([])
        with self.assertRaisesRegex(ValidationError, "Due Date of a Corrective Action: someday is not a date"):
            Action.create({"description": "Fix", "user_id": self.reviewers["production"].id, "due_date": "someday"})
        self.assertEqual(Action.search_count([]), count)


@tagged("post_install", "-at_install")
class TestReviewLineArguments(QmsCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.dual = new_test_user(
            cls.env, login="qms_t_dual", name="Dual Reviewer",
            groups="base.group_user,qms_customer_process.group_qms_rd,qms_customer_process.group_qms_production,"
                   "qms_customer_process.group_qms_general_manager",
        )

    def setUp(self):
        super().setUp()
        self.order = self._special_order()
        self.order.action_qms_request_review()
        self.rd_line = self._line(self.order, "rd")
        self.production_line = self._line(self.order, "production")
        self.gm_line = self._line(self.order, "general_manager")

    def _assert_pending(self, *lines):
        for line in lines:
            self.assertEqual(line.decision, "pending", line.role_id.code)
            self.assertFalse(line.decided_on)
        self.assertEqual(self.order.qms_review_state, "in_review")

    def test_text_arguments(self):
        line = self.rd_line.with_user(self.reviewers["rd"])
        for value in ({}, ["not feasible"], 5, b"bytes"):
            with self.assertRaisesRegex(UserError, "The comment of a rejection must be a text", msg=repr(value)):
                line.action_reject(comment=value)
            with self.assertRaisesRegex(UserError, "The conditions of an acceptance must be a text", msg=repr(value)):
                line.action_accept(conditions=value)
        with self.assertRaisesRegex(UserError, "The comment of a rejection cannot contain NUL characters"):
            line.action_reject(comment="No\x00")
        with self.assertRaisesRegex(UserError, "Give a comment to reject the contract review of R&D / Engineering"):
            line.action_reject(comment="   ")
        self._assert_pending(self.rd_line)
        line.action_accept(conditions="  ")
        self.assertEqual(self.rd_line.decision, "accepted", "blank conditions are no conditions")

    def test_batch_is_checked_before_any_decision(self):
        self.rd_line.with_user(self.dual).write({"comment": "Cannot be designed in time"})
        with self.assertRaisesRegex(UserError, "Give a comment to reject the contract review of Production / Planning"):
            (self.rd_line | self.production_line).with_user(self.dual).action_reject()
        self._assert_pending(self.rd_line, self.production_line)
        with self.assertRaisesRegex(UserError, "The review of General Manager opens after these departments accept"):
            (self.rd_line | self.gm_line).with_user(self.dual).action_accept()
        self._assert_pending(self.rd_line, self.gm_line)
        (self.rd_line | self.production_line).with_user(self.dual).action_accept(conditions="Tooling by week 12")
        self.assertEqual((self.rd_line | self.production_line).mapped("decision"), ["conditional", "conditional"])
        self.assertEqual(self.production_line.conditions, "Tooling by week 12")

    def test_navigation_needs_one_line(self):
        with self.assertRaisesRegex(UserError, "This action works on one Contract Review Line at a time, not 2"):
            (self.rd_line | self.production_line).action_open_order()
        with self.assertRaisesRegex(UserError, "one Sales Order at a time, not 0"):
            self.env["sale.order"].action_qms_open_quotation()


@tagged("post_install", "-at_install")
class TestSaleOrderArguments(QmsCase):
    def test_request_review_checks_every_order_first(self):
        other_category = self.env["product.category"].create({"name": "QMS Test Pumps"})
        pump = self.env["product.product"].create({
            "name": "Prototype Pump", "type": "consu", "qms_standard_product": False, "categ_id": other_category.id,
        })
        # Every rule now reviews motors only: the pump order has no rule.
        self.env["qms.review.rule"].search([]).write({"categ_ids": [Command.set(self.category.ids)]})
        motors = self._special_order()
        pumps = self._order(products=[(pump, 1)])
        with self.assertRaisesRegex(UserError, f"No contract review rule applies to {pumps.name}"):
            (motors | pumps).action_qms_request_review()
        self.assertFalse(motors.qms_review_line_ids, "nothing requested for the first order")
        self.assertEqual(motors.qms_review_revision, 0)
        motors.action_qms_request_review()
        self.assertEqual(motors.qms_review_state, "in_review")

    def test_add_to_commitment_needs_one_order(self):
        orders = self._order() | self._order()
        with self.assertRaisesRegex(UserError, "This action works on one Sales Order at a time, not 2"):
            orders.with_user(self.gm).action_qms_add_to_commitment()


@tagged("post_install", "-at_install")
class TestCorrectiveActionArguments(QmsCase):
    def setUp(self):
        super().setUp()
        self.quality = self.reviewers["quality"]
        self.owner = self.reviewers["production"]
        Action = self.env["qms.corrective.action"].with_user(self.quality)
        values = {"description": "Torque check", "user_id": self.owner.id, "due_date": fields.Date.today() + timedelta(days=7)}
        self.done_action, self.open_action = Action.create([values, values])
        self.done_action.with_user(self.owner).write({"implementation_note": "WI-07 rev C"})
        self.done_action.with_user(self.owner).action_done()

    def _assert_unverified(self, action):
        self.assertEqual(action.state, "done")
        self.assertFalse(action.verified_by_id)
        self.assertFalse(action.effective)

    def test_effective_is_exactly_one_of_two(self):
        for value in ("no", "yes", "Effective", 1, 0, 1.0, None, {}, []):
            with self.assertRaisesRegex(UserError, "effective or not effective, not", msg=repr(value)):
                self.done_action.with_user(self.quality).action_verify(effective=value)
        self._assert_unverified(self.done_action)
        for value in ({}, 5):
            with self.assertRaisesRegex(UserError, "The verification note of a corrective action must be a text"):
                self.done_action.with_user(self.quality).action_verify(effective=False, note=value)
        with self.assertRaisesRegex(UserError, "The verification note of a corrective action cannot contain NUL"):
            self.done_action.with_user(self.quality).action_verify(effective=False, note="lot\x00")
        self._assert_unverified(self.done_action)
        self.done_action.with_user(self.quality).action_verify(effective="not_effective", note="Same defect in lot 2611")
        self.assertEqual(self.done_action.state, "open")
        self.assertEqual(self.done_action.effective, "not_effective")

    def test_batch_verifies_all_or_nothing(self):
        with self.assertRaisesRegex(UserError, "Only an implemented corrective action can be verified"):
            (self.done_action | self.open_action).with_user(self.quality).action_verify()
        self._assert_unverified(self.done_action)


@tagged("post_install", "-at_install")
class TestComplaintArguments(ComplaintCase):
    def test_investigate_checks_every_complaint_first(self):
        first = self._complaint(severity="major")
        second = self._complaint()
        second.with_user(self.quality).action_investigate()
        with self.assertRaisesRegex(UserError, f"{second.name} is Investigating: this step is not possible now"):
            (first | second).with_user(self.quality).action_investigate()
        self.assertEqual(first.state, "new")
        self.assertFalse(first.date_acknowledged)
        self.assertFalse(first.investigation_ids)

    def test_open_investigation_needs_one_complaint(self):
        complaints = self._complaint(severity="major") | self._complaint(severity="major")
        with self.assertRaisesRegex(UserError, "This action works on one Customer Complaint at a time, not 2"):
            complaints.with_user(self.quality).action_open_investigation()
        self.assertFalse(complaints.investigation_ids)

    def test_subject_size(self):
        count = self.env["qms.customer.complaint"].search_count([])
        # A constraint: checked once the row is written, then rolled back with the transaction
        # (here the savepoint) as every caller does.
        with self.assertRaisesRegex(ValidationError, "The subject of a complaint has at most 256 characters"), \
                self.env.cr.savepoint():
            self._complaint(subject="x" * 257)
        self.assertEqual(self.env["qms.customer.complaint"].search_count([]), count)
        self.assertEqual(len(self._complaint(subject="x" * 256).subject), 256)


@tagged("post_install", "-at_install")
class TestSampleArguments(SampleCase):
    def test_customer_decision_arguments(self):
        sample = self._sent(self._sample())
        for value in ({}, ["Ms. Li"], 5):
            with self.assertRaisesRegex(UserError, "Who decided at the customer must be a text", msg=repr(value)):
                sample.action_customer_approve(decided_by=value)
            with self.assertRaisesRegex(UserError, "The customer's comment must be a text", msg=repr(value)):
                sample.action_customer_reject(comment=value)
        with self.assertRaisesRegex(UserError, "The customer's comment cannot contain NUL characters"):
            sample.action_customer_reject(comment="Leaks\x00")
        self.assertEqual(sample.state, "sent")
        self.assertFalse(sample.customer_decision)
        self.assertFalse(sample.customer_comment)
        sample.action_customer_approve(decided_by="   ", comment="OK")
        self.assertEqual(sample.customer_decided_by, self.customer.name, "a blank name is no name")

    def test_new_revision_needs_one_request(self):
        samples = self._sample() | self._sample()
        with self.assertRaisesRegex(UserError, "This action works on one Sample Request at a time, not 2"):
            samples.action_new_revision()


@tagged("post_install", "-at_install")
class TestSurveyArguments(SatisfactionCase):
    def setUp(self):
        super().setUp()
        self.survey = self._survey(self.customer_a)
        self.answers = [self._answer(self.questions[code], 85).id for code in DIMENSIONS]

    def _assert_unregistered(self, survey):
        self.assertEqual(survey.state, "draft")
        self.assertFalse(survey.score_ids.answer_id)
        self.assertFalse(survey.comments)
        self.assertFalse(survey.user_input_id.state == "done")

    def test_register_paper_answers_arguments(self):
        survey = self.survey.with_user(self.salesman)
        for value in ("x", 5, None, [True], ["12"], [1.0], {1: 2}):
            with self.assertRaisesRegex(UserError, "Give the answers of the paper form as a list of answer ids", msg=repr(value)):
                survey.register_paper_answers(value)
        other_question = self.env["survey.question"].create({
            "title": "Unrelated", "survey_id": self.env["survey.survey"].create({"title": "Other"}).id,
            "question_type": "simple_choice", "suggested_answer_ids": [Command.create({"value": "Yes"})],
        })
        for value in ([10**12], [*self.answers[:-1], other_question.suggested_answer_ids.id], [-1]):
            with self.assertRaisesRegex(UserError, "These answers are not answers of the questionnaire"):
                survey.register_paper_answers(value)
        two_for_one = [*self.answers, self._answer(self.questions["quality"], 60).id]
        with self.assertRaisesRegex(UserError, "Tick one answer per question of the paper form"):
            survey.register_paper_answers(two_for_one)
        with self.assertRaisesRegex(UserError, "The customer's comments must be a text"):
            survey.register_paper_answers(self.answers, comments=["good"])
        # One question left out: refused before any answer is written on the dimension lines.
        with self.assertRaisesRegex(UserError, "Choose an answer for every question of the paper form"):
            survey.register_paper_answers(self.answers[:-1], comments="Fine")
        self._assert_unregistered(self.survey)
        with self.assertRaisesRegex(UserError, "This action works on one Customer Satisfaction Survey at a time, not 2"):
            self.campaign.survey_ids.with_user(self.salesman).register_paper_answers(self.answers)
        survey.register_paper_answers(self.answers, comments="Fine")
        self.assertEqual(self.survey.state, "answered")
        self.assertEqual(self.survey.score, 85)

    def test_batches_are_checked_first(self):
        first, second = self.survey, self._survey(self.customer_b)
        for code in DIMENSIONS:
            line = first.score_ids.filtered(lambda line, code=code: line.question_id == self.questions[code])
            line.answer_id = self._answer(self.questions[code], 85)
        with self.assertRaisesRegex(UserError, "Choose an answer for every question of the paper form"):
            (first | second).action_register_paper()
        self.assertEqual(first.state, "draft")
        self.assertFalse(first.user_input_id)
        second.action_send()
        mails = self.env["mail.mail"].search_count([])
        with self.assertRaisesRegex(UserError, f"The survey {second.name} was already sent"):
            (first | second).action_send()
        self.assertEqual(first.state, "draft")
        self.assertEqual(self.env["mail.mail"].search_count([]), mails, "no invitation sent")


@tagged("post_install", "-at_install")
class TestCampaignArguments(SatisfactionCase):
    def _new_campaign(self, partners):
        return self.env["qms.satisfaction.campaign"].create({
            "title": "Second half", "date_start": "2030-07-01", "date_end": "2030-12-31",
            "partner_ids": [Command.set(partners.ids)],
        })

    def test_send_checks_before_generating(self):
        campaign = self._new_campaign(self.customer_a | self.customer_no_email)
        with self.assertRaisesRegex(UserError, "These customers have no contact with an email address.*Gamma Gears"):
            campaign.action_send()
        self.assertFalse(campaign.survey_ids, "no survey generated by a refused send")
        self.assertEqual(campaign.state, "draft")

    def test_closed_campaign(self):
        self.campaign.action_send()
        self.campaign.action_close()
        with self.assertRaisesRegex(UserError, f"The campaign {self.campaign.title} is closed"):
            self.campaign.action_send()
        self.assertEqual(self.campaign.state, "closed", "a refused send does not reopen the campaign")
        fresh = self._new_campaign(self.customer_a)
        with self.assertRaisesRegex(UserError, "is closed"):
            (fresh | self.campaign).action_generate_surveys()
        self.assertFalse(fresh.survey_ids)


@tagged("post_install", "-at_install")
class TestGradeArguments(SatisfactionCase):
    def test_grade_for_arguments(self):
        Grade = self.env["qms.satisfaction.grade"]
        for value in ("80", True, [80], {}):
            with self.assertRaisesRegex(ValidationError, "A satisfaction score is a number between 0 and 100", msg=repr(value)):
                Grade.grade_for(value)
        for value in (math.nan, math.inf, -math.inf, 100.5, -1):
            with self.assertRaisesRegex(ValidationError, "A satisfaction score must be between 0 and 100", msg=repr(value)):
                Grade.grade_for(value)
        for company in (10**6, "main", self.customer_a, True):
            with self.assertRaisesRegex(ValidationError, "is not one of your companies", msg=repr(company)):
                Grade.grade_for(80, company)
        satisfied = self.grades["satisfied"]
        self.assertEqual(Grade.grade_for(80), satisfied)
        self.assertEqual(Grade.grade_for(80, self.env.company.id), satisfied)
        self.assertEqual(Grade.grade_for(80, self.env.company), satisfied)
        self.assertFalse(Grade.grade_for(False))
        # Over RPC the band comes back as ids (a recordset cannot be marshalled).
        self.assertEqual(call_kw(Grade.with_user(self.salesman), "grade_for", [80], {}), satisfied.ids)


@tagged("post_install", "-at_install")
class TestMailIntakeBadInput(ComplaintCase):
    """Mail in odd charsets or with no body: a complete complaint (number, subject, description)
    or a clear refusal; never half a record."""

    def _raw(self, message_id, headers, body=b"", to=b"complaints@qms-test.example.com"):
        return (
            b"From: \"Buyer\" <buyer@motors.example>\r\nTo: " + to + b"\r\nMessage-ID: <" + message_id.encode()
            + b"@sender.example>\r\nDate: Mon, 02 Mar 2026 08:00:00 +0000\r\nMIME-Version: 1.0\r\n" + headers
            + b"\r\n\r\n" + body
        )

    def _process(self, raw, alias=False):
        if alias:
            domain = self.env["mail.alias.domain"].create({"name": "qms-test.example.com"})
            self.env.ref("qms_customer_process.mail_alias_complaint").alias_domain_id = domain
            complaint_id = self.env["mail.thread"].message_process(False, raw)
        else:
            complaint_id = self.env["mail.thread"].message_process("qms.customer.complaint", raw)
        complaint = self.env["qms.customer.complaint"].browse(complaint_id)
        self.assertEqual(complaint._name, "qms.customer.complaint")
        self.assertTrue(complaint.exists())
        self.assertTrue(complaint.name.startswith("CC/"), "a complete complaint has its number")
        self.assertEqual(complaint.partner_id, self.customer)
        return complaint

    def test_unknown_charset(self):
        for alias in (False, True):
            raw = self._raw(f"charset-{alias}", b'Subject: Rust\r\nContent-Type: text/plain; charset="x-unknown-8bit"\r\n'
                            b"Content-Transfer-Encoding: 8bit", b"Rost auf \xe9\xe8 Motoren\r\n")
            complaint = self._process(raw, alias=alias)
            self.assertEqual(complaint.subject, "Rust")
            self.assertIn("Rost auf", complaint.description)
            self.assertIn("Motoren", complaint.description)
            self.assertTrue(any("Rost auf" in (message.body or "") for message in complaint.message_ids),
                            "the email is in the chatter")
        multipart = self._raw(
            "charset-multipart", b'Subject: =?x-unknown?Q?R=E9st?=\r\nContent-Type: multipart/mixed; boundary="B"',
            b"--B\r\nContent-Type: text/plain; charset=x-unknown-8bit\r\n\r\nRost \xe9\r\n"
            b"--B\r\nContent-Type: text/csv; charset=x-unknown\r\nContent-Disposition: attachment; filename=lots.csv\r\n\r\n"
            b"lot;2611\xe9\r\n--B--\r\n",
        )
        complaint = self._process(multipart)
        self.assertTrue(complaint.subject.startswith("R") and complaint.subject.endswith("st"))
        self.assertIn("Rost", complaint.description)
        self.assertIn("lots.csv", complaint.message_ids.attachment_ids.mapped("name"))
        # A known charset is read as before.
        latin = self._raw("latin", b'Subject: Rouille\r\nContent-Type: text/plain; charset="iso-8859-1"\r\n'
                          b"Content-Transfer-Encoding: 8bit", b"Rouill\xe9\r\n")
        self.assertIn("Rouillé", self._process(latin).description)

    def test_no_body_no_subject(self):
        for alias in (False, True):
            empty = self._process(self._raw(f"empty-{alias}", b"Subject: Broken\r\nContent-Type: text/plain; charset=utf-8"),
                                  alias=alias)
            self.assertEqual(empty.subject, "Broken")
            self.assertIn("The email had no text.", empty.description)
        blank = self._process(self._raw("blank", b"Subject:   \r\nContent-Type: text/html; charset=utf-8", b"<p> </p>"))
        self.assertEqual(blank.subject, "Complaint by email")
        self.assertIn("The email had no text.", blank.description)
        no_subject = self._process(self._raw("nosubject", b"Content-Type: text/plain; charset=utf-8", b"Lot 2611 rusty"))
        self.assertEqual(no_subject.subject, "Complaint by email")
        self.assertIn("Lot 2611 rusty", no_subject.description)
        photo = self._process(self._raw(
            "photo", b'Subject: Photo\r\nContent-Type: multipart/mixed; boundary="B"',
            b"--B\r\nContent-Type: image/png\r\nContent-Disposition: attachment; filename=scratch.png\r\n"
            b"Content-Transfer-Encoding: base64\r\n\r\niVBORw0KGgo=\r\n--B--\r\n",
        ))
        self.assertIn("its attachments are in the chatter: scratch.png", photo.description)
        self.assertIn("scratch.png", photo.message_ids.attachment_ids.mapped("name"))

    def test_long_subject(self):
        subject = "Rust " * 100
        complaint = self._process(self._raw("long", b"Subject: " + subject.encode() + b"\r\nContent-Type: text/plain",
                                            b"Details"))
        self.assertEqual(len(complaint.subject), 256)
        self.assertTrue(complaint.subject.endswith("…"))
        self.assertIn(subject.strip(), [(message.subject or "").strip() for message in complaint.message_ids],
                      "the email keeps its whole subject")

    def test_bad_gateway_arguments(self):
        Complaint = self.env["qms.customer.complaint"]
        count = Complaint.search_count([])
        raw = self._raw("custom", b"Subject: Rust\r\nContent-Type: text/plain", b"Rust", to=b"nobody@nowhere.example")
        with self.assertRaisesRegex(UserError, "A complaint by email is made from the parsed email and values, as dictionaries"):
            self.env["mail.thread"].message_process("qms.customer.complaint", raw, custom_values="severity")
        for msg_dict in ("Rust", None, ["subject"]):
            with self.assertRaisesRegex(UserError, "as dictionaries", msg=repr(msg_dict)):
                Complaint.message_new(msg_dict)
        with self.assertRaisesRegex(ValidationError, "Subject of a Customer Complaint: a text cannot contain NUL"):
            Complaint.message_new({"subject": "Rust\x00", "body": "x"})
        self.assertEqual(Complaint.search_count([]), count)
        self.assertFalse(self.env["mail.message"].search([("message_id", "=", "<custom@sender.example>")]))


@tagged("post_install", "-at_install")
class TestPortalBadInput(HttpCase):
    """Portal forms answer a form error or a redirect, never HTTP 500, and change nothing."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.company.write({"qms_review_amount_threshold": 0.0, "qms_review_regular_orders": False,
                               "qms_review_before_sending": False})
        cls.product = cls.env["product.product"].create({"name": "QMS Bad Input Valve", "type": "consu", "list_price": 10})
        cls.other_product = cls.env["product.product"].create({"name": "QMS Other Valve", "type": "consu"})
        cls.customers, cls.portals, cls.orders = {}, {}, {}
        for key in ("a", "b"):
            company = cls.env["res.partner"].create({"name": f"QMS Bad Input Customer {key.upper()}", "is_company": True})
            contact = cls.env["res.partner"].create({"name": f"Bad Input Buyer {key.upper()}", "parent_id": company.id,
                                                     "email": f"bad_input_{key}@portal.example"})
            cls.customers[key] = company
            cls.portals[key] = new_test_user(cls.env, login=f"qms_bad_{key}", password=f"qms_bad_{key}-Pw1",
                                             groups="base.group_portal", partner_id=contact.id)
            order = cls.env["sale.order"].create({
                "partner_id": contact.id,
                "order_line": [Command.create({"product_id": (cls.product if key == "a" else cls.other_product).id,
                                               "product_uom_qty": 2})],
            })
            order.action_confirm()
            cls.orders[key] = order
        cls.complaint = cls.env["qms.customer.complaint"].create({
            "subject": "Leaking valves", "partner_id": cls.portals["a"].partner_id.id, "channel": "phone",
            "solution": "credit",
        })
        cls.complaint.action_acknowledge()
        cls.complaint.action_propose()
        salesman = new_test_user(cls.env, login="qms_bad_salesman", groups="sales_team.group_sale_salesman")
        cls.sample = cls.env["qms.sample.request"].create({
            "partner_id": cls.customers["a"].id, "user_id": salesman.id, "purpose": "trial",
            "line_ids": [Command.create({"name": "Valve body", "quantity": 1})],
        })
        cls.sample.action_submit()
        cls.sample.action_approve()
        cls.sample.write({"assigned_department": "production", "assigned_user_id": salesman.id,
                          "production_due_date": fields.Date.today(), "carrier": "SF Express"})
        cls.sample.action_start_production()
        cls.sample.action_send()

    def setUp(self):
        super().setUp()
        self.authenticate("qms_bad_a", "qms_bad_a-Pw1")

    def _post(self, url, **data):
        data["csrf_token"] = http.Request.csrf_token(self)
        return self.url_open(url, data=data)

    def test_new_complaint_form_errors(self):
        Complaint = self.env["qms.customer.complaint"]
        count = Complaint.search_count([])
        order_a = str(self.orders["a"].id)
        cases = [
            *[({"quantity_affected": value}, "The quantity affected must be a positive number.")
              for value in ("nan", "NaN", "inf", "-inf", "1e400", "-1e400", "abc", "-1", "1,5")],
            ({"sale_order_id": "abc"}, "This order is not one of your orders."),
            ({"sale_order_id": "1.5"}, "This order is not one of your orders."),
            ({"sale_order_id": "99999999999999999999"}, "This order is not one of your orders."),
            ({"sale_order_id": str(self.orders["b"].id)}, "This order is not one of your orders."),
            ({"product_id": "abc"}, "This product is not on your orders."),
            ({"product_id": str(self.other_product.id)}, "This product is not on your orders."),
            ({"sale_order_id": order_a, "product_id": str(self.other_product.id)}, "This product is not on your orders."),
            ({"subject": "x" * 257}, "The subject has at most 256 characters"),
            ({"subject": "   "}, "Say in a few words what the complaint is about."),
            ({"subject": "Leak\x00"}, "The form contains a character that cannot be recorded"),
            ({"description": "Leak\x00"}, "The form contains a character that cannot be recorded"),
            ({"complaint_type": "lawsuit"}, "Choose the type of the complaint among the proposed ones."),
        ]
        for data, error in cases:
            data = {"subject": "Valve leaks", "description": "kept text", **data}
            response = self._post("/my/complaints/new", **data)
            self.assertEqual(response.status_code, 200, data)
            self.assertIn(error, response.text, data)
            self.assertIn("/my/complaints/new", response.url, "the form is shown again")
        self.assertEqual(Complaint.search_count([]), count)
        response = self._post("/my/complaints/new", subject="Valve leaks", sale_order_id=order_a,
                              product_id=str(self.product.id), quantity_affected="2.5", complaint_type="delivery")
        self.assertEqual(response.status_code, 200)
        complaint = Complaint.search([("subject", "=", "Valve leaks")])
        self.assertEqual(complaint.quantity_affected, 2.5)
        self.assertEqual(complaint.complaint_type, "delivery")
        self.assertIn(f"/my/complaints/{complaint.id}", response.url)

    def _assert_unanswered(self):
        self.assertEqual(self.complaint.state, "proposed")
        self.assertFalse(self.complaint.customer_acceptance)
        self.assertFalse(self.complaint.customer_satisfaction)
        self.assertFalse(self.complaint.customer_feedback)

    def test_answer_bad_values(self):
        url = f"/my/complaints/{self.complaint.id}/answer"
        for data in (
            {"answer": "maybe"},
            {"answer": ""},
            {"answer": "accept", "satisfaction": "ecstatic"},
            {"answer": "refuse", "satisfaction": "satisfied", "feedback": "No\x00"},
        ):
            response = self._post(url, **data)
            self.assertEqual(response.status_code, 200, data)
            self.assertIn(f"/my/complaints/{self.complaint.id}", response.url)
            self._assert_unanswered()
        self._post(url, answer="accept", satisfaction="satisfied")
        self.assertEqual(self.complaint.state, "confirmed")
        self.assertEqual(self.complaint.customer_satisfaction, "satisfied")

    def test_sample_bad_decision(self):
        url = f"/my/samples/{self.sample.id}/decide"
        for data, message in (
            ({"decision": "maybe", "comment": "?"}, None),
            ({"decision": "", "comment": "?"}, None),
            ({"decision": "reject", "comment": "Leaks\x00"}, "Your comment contains characters we cannot record"),
            ({"decision": "reject", "comment": "  "}, "Please tell us why you reject the sample"),
        ):
            response = self._post(url, **data)
            self.assertEqual(response.status_code, 200, data)
            if message:
                self.assertIn(message, response.text)
            self.assertEqual(self.sample.state, "sent")
            self.assertFalse(self.sample.customer_decision)
            self.assertFalse(self.sample.customer_comment)
        self._post(url, decision="approve", comment="Fine")
        self.assertEqual(self.sample.state, "customer_approved")

    def test_page_parameters(self):
        for url in ("/my/complaints/page/0", "/my/complaints/page/99999999999", "/my/complaints?page=abc",
                    "/my/complaints?page=-3", "/my/samples/page/0", "/my/samples/page/99999999999",
                    "/my/complaints/page/-1", "/my/samples?page=1e400",
                    f"/my/complaints/{self.complaint.id}?answer_error=<b>x</b>"):
            response = self.url_open(url)
            self.assertEqual(response.status_code, 200, url)
