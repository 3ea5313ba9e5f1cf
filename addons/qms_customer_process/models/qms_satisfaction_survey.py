from datetime import timedelta

from odoo import api, fields, models, tools
from odoo.exceptions import UserError, ValidationError

ANSWERED_STATES = ("answered", "analysed")
# What the customer answered: recorded once, then a record.
# What the customer KPIs take from a survey (qms.customer.kpi.report).
KPI_FIELDS = {"state", "score", "partner_id", "user_id", "period_date", "company_id"}
ANSWER_FIELDS = {"partner_id", "contact_id", "campaign_id", "comments", "score_ids"}


class QmsSatisfactionSurvey(models.Model):
    """One customer's 顾客满意度调查表 in one campaign (procedure 5.9.3), answered online
    through Odoo's survey app or entered from the returned paper form."""

    _name = "qms.satisfaction.survey"
    _description = "Customer Satisfaction Survey"
    _inherit = ["qms.workflow.mixin", "mail.thread", "mail.activity.mixin"]
    _order = "campaign_id desc, partner_id, id"
    _qms_transition_fields = (
        "state", "score", "grade_id", "dissatisfied", "dissatisfied_items", "answered_on", "answer_mode",
        "sent_on", "reminder_count", "user_input_id", "last_reminder_on",
        # mirrored from the campaign: the analysis reads them
        "company_id", "period_date",
    )
    _check_company_auto = True

    name = fields.Char(string="Reference", required=True, readonly=True, copy=False, default="/")
    campaign_id = fields.Many2one("qms.satisfaction.campaign", required=True, index=True, ondelete="cascade")
    company_id = fields.Many2one(related="campaign_id.company_id", store=True, index=True)
    period_date = fields.Date(related="campaign_id.date_start", store=True, index=True, string="Period")
    partner_id = fields.Many2one(
        "res.partner", string="Customer", required=True, index=True, tracking=True, check_company=True,
    )
    contact_id = fields.Many2one(
        "res.partner", string="Contact", tracking=True, check_company=True,
        compute="_compute_contact_id", store=True, readonly=False, precompute=True,
        help="Who receives the invitation: the customer or one of its contacts, with an email address.",
    )
    user_id = fields.Many2one(
        "res.users", string="Salesperson", index=True, tracking=True,
        compute="_compute_user_id", store=True, readonly=False, precompute=True,
    )
    state = fields.Selection(
        [("draft", "Draft"), ("sent", "Sent"), ("answered", "Answered"), ("analysed", "Analysed")],
        default="draft", required=True, index=True, tracking=True, copy=False,
    )
    user_input_id = fields.Many2one("survey.user_input", string="Survey Answers", readonly=True, copy=False, index="btree_not_null")
    sent_on = fields.Datetime(readonly=True, copy=False)
    reminder_count = fields.Integer(readonly=True, copy=False)
    last_reminder_on = fields.Datetime(string="Last Reminder", readonly=True, copy=False)
    answered_on = fields.Datetime(readonly=True, copy=False, index=True)
    answer_mode = fields.Selection([("online", "Online"), ("paper", "Paper form")], readonly=True, copy=False)
    score = fields.Float(digits=(5, 2), readonly=True, copy=False, tracking=True, aggregator="avg")
    grade_id = fields.Many2one(
        "qms.satisfaction.grade", compute="_compute_grade_id", store=True, index=True,
    )
    score_ids = fields.One2many("qms.satisfaction.score", "survey_id", string="Dimension Scores", copy=False)
    comments = fields.Text(string="Customer Comments", copy=False)
    dissatisfied = fields.Boolean(readonly=True, copy=False, index=True)
    dissatisfied_items = fields.Text(readonly=True, copy=False, translate=True)
    corrective_action_ids = fields.One2many("qms.corrective.action", "satisfaction_survey_id", string="Follow-up Actions")
    follow_up_state = fields.Selection(
        [("none", "None"), ("open", "In Progress"), ("done", "Implemented"), ("verified", "Verified")],
        compute="_compute_follow_up_state",
    )

    _sql_constraints = [
        ("partner_campaign_uniq", "unique(campaign_id, partner_id)", "A customer is surveyed once per campaign."),
        ("score_range", "CHECK(score >= 0 AND score <= 100)", "A satisfaction score must be between 0 and 100."),
    ]

    @api.depends("partner_id")
    def _compute_contact_id(self):
        for survey in self:
            partner = survey.partner_id
            if partner.email:
                survey.contact_id = partner
            else:
                survey.contact_id = partner.child_ids.filtered("email")[:1] or partner

    @api.depends("partner_id")
    def _compute_user_id(self):
        for survey in self:
            survey.user_id = survey.partner_id.commercial_partner_id.user_id or survey.partner_id.user_id

    @api.depends("score", "state", "company_id")
    def _compute_grade_id(self):
        Grade = self.env["qms.satisfaction.grade"]
        tables = Grade._qms_tables(self.company_id)
        for survey in self:
            answered = survey.state in ANSWERED_STATES
            survey.grade_id = Grade._qms_band_in(tables[survey.company_id.id], survey.score) if answered else False

    @api.depends("corrective_action_ids.state")
    def _compute_follow_up_state(self):
        for survey in self:
            states = set(survey.corrective_action_ids.mapped("state")) - {"cancel"}
            if not states:
                survey.follow_up_state = "none"
            elif "open" in states:
                survey.follow_up_state = "open"
            elif "done" in states:
                survey.follow_up_state = "done"
            else:
                survey.follow_up_state = "verified"

    @api.constrains("score")
    def _check_score(self):
        for survey in self:
            if not 0 <= survey.score <= 100:
                raise ValidationError(self.env._("A satisfaction score must be between 0 and 100, not %s.", survey.score))

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self._qms_check_values(vals)
            if vals.get("name", "/") == "/":
                vals["name"] = self.env["ir.sequence"].next_by_code("qms.satisfaction.survey") or "/"
        surveys = super().create(vals_list)
        self.env["qms.customer.kpi.report"]._qms_mark("survey", surveys.ids)
        surveys._qms_create_score_lines()
        return surveys

    def write(self, vals):
        self._qms_check_values(vals)
        if not self.env.su and ANSWER_FIELDS & set(vals) and any(s.state in ANSWERED_STATES for s in self):
            raise UserError(self.env._("An answered satisfaction survey is a record: its customer and answers cannot be changed."))
        res = super().write(vals)
        if KPI_FIELDS.intersection(vals):
            self.env["qms.customer.kpi.report"]._qms_mark("survey", self.ids)
        return res

    @api.ondelete(at_uninstall=False)
    def _unlink_except_answered(self):
        if any(survey.state in ANSWERED_STATES for survey in self):
            raise UserError(self.env._("An answered satisfaction survey is a record and cannot be deleted."))

    def _qms_scored_questions(self):
        """The questions of the questionnaire that score a dimension."""
        self.ensure_one()
        # Procedure 5.9.3: whoever records the 顾客满意度调查表 reads its questionnaire.
        return self.campaign_id.survey_id.sudo().question_ids.filtered("qms_dimension_id")

    def _qms_create_score_lines(self):
        values = []
        for survey in self:
            existing = survey.score_ids.question_id
            values += [
                {"survey_id": survey.id, "question_id": question.id, "dimension_id": question.qms_dimension_id.id}
                for question in survey._qms_scored_questions() - existing
            ]
        # sudo: the dimension lines are made from the questionnaire, never by hand (procedure 5.9.3).
        self.env["qms.satisfaction.score"].sudo().create(values)

    # ------------------------------------------------------------------
    # Sending
    # ------------------------------------------------------------------

    def _qms_check_sendable(self):
        no_email = self.filtered(lambda survey: not survey.contact_id.email)
        if no_email:
            raise UserError(self.env._(
                "These customers have no contact with an email address; add one or enter their paper form: %s",
                self._qms_join(no_email.mapped("partner_id.display_name")),
            ))
        if any(survey.campaign_id.state == "closed" for survey in self):
            raise UserError(self.env._("The campaign is closed."))

    def action_send(self):
        """Invite the contacts to answer on the survey page (email with their own link)."""
        self.check_access("write")
        self._qms_check_sendable()
        for survey in self:
            if survey.state != "draft":
                raise UserError(self.env._("The survey %s was already sent.", survey.name))
        self._qms_send_invitations()
        return True

    def action_remind(self):
        """Send the invitation again to those who have not answered."""
        self.check_access("write")
        self._qms_check_sendable()
        for survey in self:
            if survey.state != "sent":
                raise UserError(self.env._("Only a sent, unanswered survey can be reminded (%s).", survey.name))
        self._qms_send_invitations(reminder=True)
        return True

    def _qms_send_invitations(self, reminder=False):
        """Invite (or remind) the contacts of these surveys, in batch: each contact gets its own
        answer link of the survey app (survey.user_input, with its token and the campaign's
        deadline) by e-mail, in its language, with the campaign's wording (the company may use the
        survey app's own invitation instead); the e-mails are queued for Odoo's mail queue. Called
        by the buttons and by the scheduled job, which sends a large campaign batch by batch (see
        qms.scheduler): nothing here depends on the size of the batch but the number of queries."""
        if not self:
            return
        now = fields.Datetime.now()
        for survey in self.filtered(lambda survey: not survey.user_input_id):
            survey._qms_create_user_input()
        Mail = self.env["mail.mail"].sudo()
        mail_values = []
        for campaign, surveys in self.grouped("campaign_id").items():
            template = campaign._qms_invitation_template(reminder=reminder)
            # sudo: see _qms_create_user_input.
            user_inputs = surveys.user_input_id.sudo()
            template = template.sudo()
            subjects = template._render_field("subject", user_inputs.ids, compute_lang=True)
            bodies = template._render_field("body_html", user_inputs.ids, compute_lang=True)
            author = campaign.user_id.partner_id if campaign.user_id.email else campaign.company_id.partner_id
            senders = template._render_field("email_from", user_inputs.ids) if template.email_from else {}
            for survey in surveys:
                user_input = survey.user_input_id
                mail_values.append({
                    "attachment_ids": [fields.Command.link(attachment.id) for attachment in template.attachment_ids],
                    "auto_delete": True,
                    "author_id": author.id,
                    "body_html": bodies[user_input.id],
                    "email_from": senders.get(user_input.id) or author.email_formatted,
                    "model": None,
                    "res_id": None,
                    "subject": subjects[user_input.id],
                    "recipient_ids": [fields.Command.link(survey.contact_id.id)],
                })
        Mail.create(mail_values)
        if reminder:
            for count, surveys in self.grouped("reminder_count").items():
                surveys._qms_write_transition({"reminder_count": count + 1, "last_reminder_on": now})
            bodies = {survey.id: self.env._("Reminder sent to %s.", survey.contact_id.email) for survey in self}
        else:
            self._qms_write_transition({"state": "sent", "sent_on": now})
            bodies = {survey.id: self.env._("Survey sent to %s.", survey.contact_id.email) for survey in self}
        # One note per survey, written in one go (nobody is notified of it).
        self._message_log_batch(bodies={survey_id: tools.plaintext2html(body) for survey_id, body in bodies.items()})

    def _qms_create_user_input(self):
        self.ensure_one()
        # sudo: procedure 5.9, sales sends the 顾客满意度调查表 through the survey app, whose answer
        # records (and their invitation e-mails) only survey officers may create.
        # The answer record is technical: no creation note, no follower (a campaign makes thousands).
        questionnaire = self.campaign_id.survey_id.sudo().with_context(mail_create_nolog=True, mail_create_nosubscribe=True)
        user_input = questionnaire._create_answer(
            partner=self.contact_id, check_attempts=False,
            invite_token=self.env["survey.user_input"]._generate_invite_token(),
            deadline=self.campaign_id.deadline,
        )
        self._qms_write_transition({"user_input_id": user_input.id})
        return user_input

    # ------------------------------------------------------------------
    # Answers
    # ------------------------------------------------------------------

    def action_register_paper(self):
        """Record the answers of a returned paper form, chosen on the dimension lines, as the
        customer's answers in the survey app; the survey's own scoring then applies."""
        self.check_access("write")
        # Every survey is checked before any is registered: nothing half-registered after a refusal.
        for survey in self:
            survey._qms_check_paper_answers(survey.score_ids.filtered("answer_id").question_id)
        for survey in self:
            user_input = (survey.user_input_id or survey._qms_create_user_input()).sudo()  # see _qms_create_user_input
            for line in survey.score_ids:
                user_input._save_lines(line.question_id.sudo(), line.answer_id.id)
            comment_question = survey.campaign_id.survey_id.sudo().question_ids.filtered(
                lambda question: question.question_type == "text_box"
            )[:1]
            if comment_question and survey.comments:
                user_input._save_lines(comment_question, survey.comments)
            survey._qms_write_transition({"answer_mode": "paper"})
            user_input._mark_done()
        return True

    def _qms_check_paper_answers(self, answered_questions):
        """Refuse a paper form whose survey is answered already, or that leaves a question of
        its dimension lines without an answer."""
        self.ensure_one()
        if self.state in ANSWERED_STATES or self.user_input_id.state == "done":
            raise UserError(self.env._("The survey %s is already answered: answers are recorded once.", self.name))
        missing = self.score_ids.filtered(lambda line: line.question_id not in answered_questions)
        if missing or not self.score_ids:
            raise UserError(self.env._(
                "Choose an answer for every question of the paper form: %s",
                self._qms_join(missing.question_id.sudo().mapped("title")) or self.name,
            ))

    def register_paper_answers(self, answer_ids, comments=False):
        """Choose the answers ticked on the returned paper form (ids of survey.question.answer)
        and register them, as action_register_paper does."""
        self._qms_ensure_one()
        if not isinstance(answer_ids, list | tuple) or not all(
            isinstance(answer_id, int) and not isinstance(answer_id, bool) for answer_id in answer_ids
        ):
            raise UserError(self.env._("Give the answers of the paper form as a list of answer ids."))
        self._qms_check_text(comments, self.env._("The customer's comments"))
        # Procedure 5.9.3: whoever records the returned 顾客满意度调查表 reads its questionnaire.
        answers = self.env["survey.question.answer"].sudo().browse(answer_ids).exists()
        questions = self._qms_scored_questions()
        if len(answers) != len(set(answer_ids)) or answers.question_id - questions:
            raise UserError(self.env._("These answers are not answers of the questionnaire of %s.", self.name))
        if len(answers.question_id) != len(answers):
            raise UserError(self.env._("Tick one answer per question of the paper form of %s.", self.name))
        answer_by_question = {answer.question_id: answer for answer in answers}
        # Checked before the answers are written on the lines: nothing half-written after a refusal.
        self.check_access("write")
        self._qms_check_paper_answers(answers.question_id)
        for line in self.score_ids:
            line.answer_id = answer_by_question.get(line.question_id.sudo(), False)
        if comments:
            self.comments = comments
        return self.action_register_paper()

    def _qms_register_answers(self):
        """Scores, grade and follow-up from the answered survey.user_input."""
        for survey in self:
            if survey.state in ANSWERED_STATES:
                raise UserError(self.env._("The survey %s is already answered: answers are recorded once.", survey.name))
            user_input = survey.user_input_id.sudo()
            lines_by_question = {}
            comments = []
            for line in user_input.user_input_line_ids:
                if line.question_id.question_type == "text_box" and line.value_text_box:
                    comments.append(line.value_text_box)
                lines_by_question.setdefault(line.question_id, []).append(line)
            survey._qms_create_score_lines()
            for score_line in survey.score_ids:
                question = score_line.question_id.sudo()
                best = max((score for score in question.suggested_answer_ids.mapped("answer_score") if score > 0), default=0)
                answered = lines_by_question.get(question, [])
                value = sum(line.answer_score for line in answered) / best * 100 if best else 0.0
                # sudo: the dimension scores come from the customer's answers only.
                score_line.sudo().write({
                    "score": min(max(value, 0.0), 100.0),
                    "answer_id": answered[0].suggested_answer_id.id if answered else False,
                })
            survey._qms_write_transition({
                "state": "answered",
                "answered_on": fields.Datetime.now(),
                "answer_mode": survey.answer_mode or "online",
                "score": user_input.scoring_percentage,
                "comments": "\n".join(comments) or survey.comments,
            })
            survey._qms_follow_up()
        return True

    def _qms_follow_up(self):
        """Procedure 5.9.4: each dissatisfied item goes to its responsible department for cause
        analysis and improvement; sales checks the implementation."""
        for survey in self:
            campaign = survey.campaign_id
            threshold = campaign.dimension_threshold
            low_lines = survey.score_ids.filtered(lambda line, threshold=threshold: line.score < threshold)
            low_grade = bool(
                campaign.follow_up_grade_id and survey.grade_id
                and survey.grade_id.min_score < campaign.follow_up_grade_id.min_score
            )
            if not low_lines and not low_grade:
                continue

            def items_in(env, survey=survey, low_lines=low_lines, low_grade=low_grade):
                """The dissatisfied items, written in ``env``'s language."""
                items = [
                    env._("%(dimension)s: %(score)s", dimension=line.dimension_id.name, score=round(line.score, 2))
                    for line in low_lines.with_env(env)
                ]
                if low_grade:
                    items.insert(0, env._("Overall: %(score)s (%(grade)s)", score=round(survey.score, 2),
                                          grade=survey.with_env(env).grade_id.name))
                return items

            items = items_in(self.env)
            company = survey.company_id
            quality = self.env["qms.review.role"]._qms_find("quality", company)
            due = fields.Date.context_today(self) + timedelta(days=campaign.follow_up_days or 30)
            values = []
            for department, dimension_lines in self._qms_items_by_department(low_lines, quality, low_grade, company):
                owner = department.user_ids.filtered(lambda user, company=company: company in user.company_ids)[:1] \
                    or survey.user_id or campaign.user_id
                # The action is written for its owner, in the owner's language.
                env = survey._qms_in_lang(owner).env
                values.append({
                    "description": env._(
                        "Dissatisfied customer %(customer)s (%(survey)s): %(items)s. Analyse the causes and propose the improvement.",
                        customer=survey.partner_id.display_name,
                        survey=survey.name,
                        items="; ".join(
                            env._("%(dimension)s: %(score)s", dimension=line.dimension_id.name, score=round(line.score, 2))
                            for line in dimension_lines.with_env(env)
                        ) or items_in(env)[0],
                    ),
                    "department_id": department.id,
                    "user_id": owner.id,
                    "due_date": due,
                    "company_id": survey.company_id.id,
                    "satisfaction_survey_id": survey.id,
                })
            # Procedure 5.9.4: the dissatisfied items become corrective actions of the
            # responsible departments, whoever registered the answers (customer or sales).
            self.env["qms.corrective.action"].sudo().create(values)
            survey._qms_write_transition({"dissatisfied": True, "dissatisfied_items": "\n".join(items)})
            # The list is a record read in every language (the analysis prints in the customer's).
            langs = [code for code, _name in self.env["res.lang"].get_installed()]
            if len(langs) > 1:
                survey.sudo().update_field_translations("dissatisfied_items", {
                    lang: "\n".join(items_in(self.with_context(lang=lang).env)) for lang in langs
                })

    @api.model
    def _qms_items_by_department(self, low_lines, quality, low_grade, company):
        """The dissatisfied items grouped by the department of ``company`` responsible for them
        (its own department of the dimension's department code, else the shared one, else quality)."""
        groups = {}
        departments = low_lines.dimension_id.department_id._qms_map_for_company(company)
        for line in low_lines:
            department = departments.get(line.dimension_id.department_id) or quality
            groups.setdefault(department, self.env["qms.satisfaction.score"])
            groups[department] |= line
        if not groups and low_grade:
            groups[quality] = self.env["qms.satisfaction.score"]
        return list(groups.items())

    def action_mark_analysed(self):
        self.check_access("write")
        for survey in self:
            if survey.state != "answered":
                raise UserError(self.env._("Only an answered survey can be marked analysed (%s).", survey.name))
            if survey.follow_up_state in ("open", "done"):
                raise UserError(self.env._("The follow-up of %s is not verified yet.", survey.name))
        self._qms_write_transition({"state": "analysed"})
        return True

    def action_print_form(self):
        return self.env.ref("qms_customer_process.action_report_satisfaction_survey").report_action(self)
