import polib

from odoo.exceptions import AccessError
from odoo.modules.module import get_manifest, get_module_path
from odoo.tests import tagged
from odoo.tools.translate import TranslationModuleReader

from .common import DEPARTMENT_GROUPS, QmsCase


@tagged("post_install", "-at_install")
class TestSkeleton(QmsCase):
    def test_module_installed(self):
        module = self.env["ir.module.module"].search([("name", "=", "qms_customer_process")])
        self.assertEqual(module.state, "installed")
        # The version the code declares (18.0.x.y.z) is the one recorded by the install.
        self.assertEqual(module.latest_version, get_manifest("qms_customer_process")["version"])
        self.assertRegex(module.latest_version, r"^18\.0\.\d+\.\d+\.\d+$")
        self.assertEqual(module.license, "LGPL-3")
        depends = set(module.dependencies_id.mapped("name"))
        # resource: the complaint deadlines and follow-up delays count the company's working calendar.
        self.assertEqual(depends, {"sale_management", "sale_stock", "survey", "resource"})

    def test_groups_and_implied_groups(self):
        category = self.env.ref("qms_customer_process.module_category_qms")
        reviewer = self.env.ref("qms_customer_process.group_qms_reviewer")
        for xmlid in DEPARTMENT_GROUPS.values():
            group = self.env.ref(xmlid)
            self.assertEqual(group.category_id, category, xmlid)
            self.assertIn(reviewer, group.implied_ids, f"{xmlid} must imply the reviewer group")
        self.assertIn(self.env.ref("base.group_user"), reviewer.implied_ids)
        admin = self.env.ref("qms_customer_process.group_qms_manager")
        self.assertEqual(admin.category_id, category)
        self.assertIn(self.env.ref("qms_customer_process.group_qms_quality"), admin.implied_ids)
        # A QMS administrator is a reviewer (through quality) but not a general manager.
        self.assertIn(reviewer, self.qms_admin.groups_id)
        self.assertNotIn(self.env.ref("qms_customer_process.group_qms_general_manager"), self.qms_admin.groups_id)
        # Sales reuse Odoo's own groups: no sales group in the QMS category.
        self.assertFalse(self.env["res.groups"].search([("category_id", "=", category.id), ("name", "ilike", "sales")]))

    def _visible(self, user, xmlid):
        menu = self.env.ref(xmlid)
        return menu.id in self.env["ir.ui.menu"].with_user(user)._visible_menu_ids()

    def test_menus_by_role(self):
        root = "qms_customer_process.menu_qms_root"
        config = "qms_customer_process.menu_qms_config"
        self.assertFalse(self._visible(self.plain_user, root), "a user in no QMS group sees no QMS menu")
        self.assertFalse(self._visible(self.plain_user, "qms_customer_process.menu_qms_contract_review_line"))
        self.assertTrue(self._visible(self.salesman, root), "sales find their work under Customer Quality")
        self.assertFalse(self._visible(self.salesman, config))
        self.assertTrue(self._visible(self.reviewers["quality"], "qms_customer_process.menu_qms_contract_review_line"))
        self.assertFalse(self._visible(self.reviewers["quality"], config))
        self.assertTrue(self._visible(self.qms_admin, config), "an administrator sees Configuration")
        self.assertTrue(self._visible(self.qms_admin, "qms_customer_process.menu_qms_review_rule"))
        self.assertTrue(self._visible(self.gm, "qms_customer_process.menu_qms_capability_commitment"))

    def test_configuration_access(self):
        rule = self.env.ref("qms_customer_process.review_rule_special_quality")
        # Everybody reads the matrix; only the QMS administrator changes it.
        self.assertEqual(rule.with_user(self.salesman).role_id.code, "quality")
        for user in (self.salesman, self.reviewers["quality"], self.gm):
            with self.assertRaises(AccessError):
                rule.with_user(user).write({"sequence": 1})
            with self.assertRaises(AccessError):
                self.env["qms.review.role"].with_user(user).create({
                    "name": "X", "code": "x", "group_id": self.env.ref("base.group_user").id,
                })
        rule.with_user(self.qms_admin).write({"sequence": 11})
        self.assertEqual(rule.sequence, 11)

    def test_plain_user_sees_no_review(self):
        order = self._special_order()
        order.action_qms_request_review()
        with self.assertRaises(AccessError):
            order.qms_review_line_ids.with_user(self.plain_user).read(["decision"])
        with self.assertRaises(AccessError):
            order.with_user(self.plain_user).read(["name"])

    def test_translation_loaded(self):
        self.env["res.lang"]._activate_lang("zh_CN")
        self.env["ir.module.module"].search([("name", "=", "qms_customer_process")])._update_translations(["zh_CN"])
        menu = self.env.ref("qms_customer_process.menu_qms_root").with_context(lang="zh_CN")
        self.assertEqual(menu.name, "客户质量")
        role = self.env.ref("qms_customer_process.review_role_quality").with_context(lang="zh_CN")
        self.assertEqual(role.name, "品质部")
        selection = dict(self.env["sale.order"].with_context(lang="zh_CN")._fields["qms_contract_type"]
                         ._description_selection(self.env(context={"lang": "zh_CN"})))
        self.assertEqual(selection["special"], "特殊合同")

    def test_every_term_has_a_chinese_translation(self):
        """Every term the addon shows (fields, selections, views, menus, data, messages, reports)
        has its zh_CN translation in i18n/zh_CN.po."""
        po_path = f"{get_module_path('qms_customer_process')}/i18n/zh_CN.po"
        translated = {entry.msgid for entry in polib.pofile(po_path) if entry.msgstr.strip()}
        reader = TranslationModuleReader(self.env.cr, modules=["qms_customer_process"])
        sources = {source for _module, _type, _name, _res_id, source, _value, _comments in reader}
        self.assertIn("Contract / Order Review Form", sources)  # report terms are read too
        self.assertIn("Request Review", sources)
        missing = sorted(sources - translated)
        self.assertFalse(missing, f"terms without a zh_CN translation: {missing}")
