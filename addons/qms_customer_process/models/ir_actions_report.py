import io
import re

from lxml import etree, html
from markupsafe import Markup
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas

from odoo import api, models
from odoo.tools.pdf import PdfFileReader, PdfFileWriter

# The font of the page numbers stamped on the QMS forms: Adobe's standard simplified-Chinese CID
# font, which every PDF reader provides (poppler through poppler-data), also for the Latin text.
STAMP_FONT = "STSong-Light"
STAMP_FONT_SIZE = 8
BILINGUAL_LANGS = ("zh_CN", "en_US")
# The page numbering of Chinese paper forms, as the procedure's forms print it (第 x 页 共 y 页),
# whatever the translation of "Page x of y" says; other languages use the translated text.
LABEL_WIDTH = "18%"
WIDTH_RE = re.compile(r"(?:^|;)\s*width:\s*([\d.]+%)")
CHINESE_PAGE_FORMATS = {"zh_CN": "第 {page} 页 共 {total} 页", "zh_TW": "第 {page} 頁 共 {total} 頁",
                        "zh_HK": "第 {page} 頁 共 {total} 頁"}


class IrActionsReport(models.Model):
    _inherit = "ir.actions.report"

    # Business methods

    @api.model
    def _qms_print_langs(self, partner=None, lang=None):
        """The languages a QMS form prints in: the customer's own (else ``lang``, else the
        user's); Chinese with the English below each term for a customer set to bilingual
        forms (res.partner.qms_report_bilingual on its commercial entity), when Chinese is
        installed."""
        partner = partner and partner.sudo()  # the printer reads the customer's print setting
        if partner and partner.commercial_partner_id.qms_report_bilingual and \
                self.env["res.lang"]._lang_get("zh_CN"):
            return list(BILINGUAL_LANGS)
        return [(partner and partner.lang) or lang or self.env.lang or "en_US"]

    @api.model
    def _qms_record_langs(self, record):
        """The print languages of the form of ``record`` (see the wrappers in reports/)."""
        if not record:
            return self._qms_print_langs()
        if "partner_id" in record._fields:
            return self._qms_print_langs(partner=record.partner_id.commercial_partner_id
                                         if record._name == "qms.customer.property" else record.partner_id)
        lang = record.lang if "lang" in record._fields else None
        return self._qms_print_langs(lang=lang)

    @api.model
    def _qms_bilingual_html(self, primary, secondary):
        """The form rendered in the primary language with the text of the secondary rendering
        under each text that differs (labels, titles, selection values, dates). Both renderings
        come from the same template and data, so their element trees are the same; if they are
        not, the primary rendering prints alone."""
        try:
            first = html.fragment_fromstring(str(primary), create_parent="div")
            second = html.fragment_fromstring(str(secondary), create_parent="div")
        except (etree.ParserError, ValueError):
            return primary
        first_nodes, second_nodes = list(first.iter()), list(second.iter())
        if len(first_nodes) != len(second_nodes) or any(
                a.tag != b.tag for a, b in zip(first_nodes, second_nodes, strict=False)):
            return primary
        for node, other in zip(first_nodes, second_nodes, strict=False):
            if not isinstance(node.tag, str) or node.tag in ("style", "script", "head", "title"):
                continue
            text, other_text = (node.text or "").strip(), (other.text or "").strip()
            if other_text and text != other_text:
                span = etree.Element("span", {"class": "qms_bilingual"})
                span.text = other_text
                span.tail = None
                node.insert(0, span)
            tail, other_tail = (node.tail or "").strip(), (other.tail or "").strip()
            if other_tail and tail != other_tail and node.getparent() is not None:
                span = etree.Element("span", {"class": "qms_bilingual_inline"})
                span.text = f" {other_tail} "
                node.addnext(span)
                # addnext moved the tail after the new span: put it back before it
                span.tail, node.tail = None, span.tail if span.tail is not None else node.tail
        return Markup("".join(html.tostring(child, encoding="unicode") for child in first))

    @api.model
    def _qms_keep_rows(self, body):
        """The form with every table row kept whole on its page. wkhtmltopdf (Qt WebKit) ignores
        ``page-break-inside: avoid`` on table rows and cuts a row at the page boundary, but
        honours it on a block: each row becomes a one-row table in its own block, with the
        same columns (fixed layout, the widths of the table's fullest row). The heading rows
        (thead, or rows of th only) and a heading (h5) just before the table stay with the
        first row. Tables inside a cell, with rowspan, or of one row stay as they are."""
        try:
            root = html.fragment_fromstring(str(body), create_parent="div")
        except (etree.ParserError, ValueError):
            return body
        for table in list(root.iter("table")):
            css_class = table.get("class") or ""
            rows = table.xpath("./tr|./thead/tr|./tbody/tr|./tfoot/tr")
            if len(rows) < 2 or "qms_form_head" in css_class or table.xpath("ancestor::table") \
                    or table.xpath(".//*[@rowspan]"):
                continue
            head = 0
            while head < len(rows) - 1 and (rows[head].getparent().tag == "thead" or all(
                    cell.tag == "th" for cell in rows[head].xpath("./td|./th"))):
                head += 1
            groups = [rows[:head + 1]] + [[row] for row in rows[head + 1:]]
            widths = []
            cells = max(rows, key=lambda row: len(row.xpath("./td|./th"))).xpath("./td|./th")
            # a label column (th beside td) without a width of its own takes the labels' width
            labels = {cell.tag for cell in cells} == {"th", "td"}
            for cell in cells:
                span = int(cell.get("colspan") or 1) if (cell.get("colspan") or "1").isdigit() else 1
                width = WIDTH_RE.search(cell.get("style") or "")
                width = width.group(1) if width else (LABEL_WIDTH if labels and cell.tag == "th" else None)
                widths += [width if span == 1 else None] + [None] * (span - 1)
            heading = table.getprevious()
            blocks = []
            for index, group in enumerate(groups):
                block = etree.Element("div", {"class": "qms_keep qms_row"})
                if index == 0 and heading is not None and heading.tag == "h5" and not (heading.tail or "").strip():
                    block.append(heading)
                attrib = dict(table.attrib)
                attrib["class"] = " ".join(filter(None, [
                    css_class, "qms_row_table", index and "qms_row_next", index == len(groups) - 1 and "qms_row_last"]))
                row_table = etree.SubElement(block, "table", attrib)
                colgroup = etree.SubElement(row_table, "colgroup")
                for width in widths:
                    etree.SubElement(colgroup, "col", {"style": f"width: {width}"} if width else {})
                for row in group:
                    row_table.append(row)
                blocks.append(block)
            blocks[-1].tail = table.tail
            table.tail = None
            parent = table.getparent()
            position = parent.index(table)
            parent.remove(table)
            for offset, block in enumerate(blocks):
                parent.insert(position + offset, block)
        return Markup("".join(html.tostring(child, encoding="unicode") for child in root))

    def _qms_page_text(self, langs, page, total):
        return " / ".join(
            CHINESE_PAGE_FORMATS[lang].format(page=page, total=total) if lang in CHINESE_PAGE_FORMATS
            else self.with_context(lang=lang).env._("Page %(page)s of %(total)s", page=page, total=total)
            for lang in langs)

    def _qms_stamp_pages(self, stream, form, langs):
        """Stamp the form number, its revision and "page x of y" at the bottom of every page
        of one printed form: the wkhtmltopdf builds of Linux distributions (unpatched Qt) print
        no HTML header nor footer, so the page numbers cannot come from the report's HTML."""
        if STAMP_FONT not in pdfmetrics.getRegisteredFontNames():
            pdfmetrics.registerFont(UnicodeCIDFont(STAMP_FONT))
        reader = PdfFileReader(stream, strict=False, overwriteWarnings=False)
        total = reader.getNumPages()
        packet = io.BytesIO()
        can = canvas.Canvas(packet)
        for number in range(total):
            page = reader.getPage(number)
            width, height = float(abs(page.mediaBox.getWidth())), float(abs(page.mediaBox.getHeight()))
            can.setPageSize((width, height))
            can.setFont(STAMP_FONT, STAMP_FONT_SIZE)
            if form:
                can.drawString(10 * mm, 7 * mm, f"{form.form_number}  {form.revision}")
            can.drawRightString(width - 10 * mm, 7 * mm, self._qms_page_text(langs, number + 1, total))
            can.showPage()
        can.save()
        stamps = PdfFileReader(packet, overwriteWarnings=False)
        writer = PdfFileWriter()
        for number in range(total):
            page = reader.getPage(number)
            page.mergePage(stamps.getPage(number))
            writer.addPage(page)
        output = io.BytesIO()
        writer.write(output)
        return output

    def _render_qweb_pdf_prepare_streams(self, report_ref, data, res_ids=None):
        streams = super()._render_qweb_pdf_prepare_streams(report_ref, data, res_ids=res_ids)
        report = self._get_report(report_ref)
        form = self.env["qms.form.revision"]._qms_for_report(report.report_name)
        if not form:
            return streams
        model = self.env[report.model]
        for res_id, stream_data in streams.items():
            if not stream_data.get("stream") or stream_data.get("attachment"):
                continue  # a saved attachment was stamped when it was printed
            record = model.browse(res_id or (res_ids or [None])[0] or [])
            stream_data["stream"] = self._qms_stamp_pages(
                stream_data["stream"], form, self._qms_record_langs(record.exists()))
        return streams
