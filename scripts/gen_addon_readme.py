#!/usr/bin/env python3
"""README.rst and static/description/index.html of an addon, built from its readme/*.md
fragments and its manifest, the way OCA's oca-gen-addon-readme builds them for 18.0:

- each fragment is converted from GitHub-flavoured Markdown to reStructuredText by pandoc
  (pypandoc-binary, pinned in requirements-dev.txt) with OCA's format string and heading shift;
- the fragments go into a README.rst laid out like OCA's (title, maturity and license badges,
  description, table of contents, Configuration, Usage, Known issues / Roadmap, Changelog,
  Bug Tracker, Credits);
- docutils (pinned) renders README.rst as static/description/index.html with OCA's settings.

Differences from OCA's generator: no OCA, GitHub, Weblate or Runboat badges and links (the addon
is not hosted there); images keep relative paths (``static/description/x.png`` in README.rst,
``x.png`` in index.html, which Odoo's Apps page resolves against the addon's static/description)
instead of raw.githubusercontent.com URLs; maintainers are listed by name.

Usage: gen_addon_readme.py [--check] [ADDON_DIR ...]
  --check  build into a temporary directory and compare with the committed files; exit 1 and
           print a diff when they differ (the test command runs this, so the files never drift).
Also checked: the manifest's images exist, and every PNG of static/description is shown.
"""

import argparse
import ast
import difflib
import re
import sys
import tempfile
from pathlib import Path

FRAGMENTS = (
    # name, title, heading level (2: a section of README.rst, 3: a subsection of Credits)
    ("DESCRIPTION", None, 2),
    ("CONTEXT", "Use Cases / Context", 2),
    ("INSTALL", "Installation", 2),
    ("CONFIGURE", "Configuration", 2),
    ("USAGE", "Usage", 2),
    ("DEVELOP", "Development", 2),
    ("ROADMAP", "Known issues / Roadmap", 2),
    ("HISTORY", "Changelog", 2),
    ("CONTRIBUTORS", "Contributors", 3),
    ("CREDITS", "Other credit_parts", 3),
)
# As OCA: GitHub-flavoured Markdown, no raw HTML, no automatic identifiers (pylint-odoo and
# docutils complain about unreferenced targets).
PANDOC_MARKDOWN_FORMAT = "gfm-raw_html-gfm_auto_identifiers"
DEVELOPMENT_STATUS_BADGES = {
    "alpha": ("https://img.shields.io/badge/maturity-Alpha-red.png", "Alpha"),
    "beta": ("https://img.shields.io/badge/maturity-Beta-yellow.png", "Beta"),
    "production/stable": ("https://img.shields.io/badge/maturity-Production%2FStable-green.png", "Production/Stable"),
    "mature": ("https://img.shields.io/badge/maturity-Mature-brightgreen.png", "Mature"),
}
DEVELOPMENT_STATUS_URL = "https://odoo-community.org/page/development-status"
LICENSE_BADGES = {
    "LGPL-3": ("https://img.shields.io/badge/license-LGPL--3-blue.png", "http://www.gnu.org/licenses/lgpl-3.0-standalone.html"),
    "AGPL-3": ("https://img.shields.io/badge/license-AGPL--3-blue.png", "http://www.gnu.org/licenses/agpl-3.0-standalone.html"),
    "GPL-3": ("https://img.shields.io/badge/license-GPL--3-blue.png", "http://www.gnu.org/licenses/gpl-3.0-standalone.html"),
}
# OCA's settings (from pypa/readme_renderer): no file insertion, no raw HTML, stop on warnings.
RST2HTML_SETTINGS = {
    "file_insertion_enabled": False,
    "halt_level": 2,
    "math_output": "MathJax",
    "raw_enabled": False,
    "smart_quotes": True,
    "syntax_highlight": "short",
    "xml_declaration": False,
    "output_encoding": "utf-8",
}
IMAGE_RE = re.compile(r"^(?P<lead>\s*\.\. (?:figure|image|\|[^|]+\| image)::\s+)(?P<path>\S+)\s*$")


def read_manifest(addon_dir):
    return ast.literal_eval((addon_dir / "__manifest__.py").read_text(encoding="utf-8"))


def md_to_rst(path, level):
    import pypandoc  # noqa: PLC0415 (only the generator needs pandoc)

    return pypandoc.convert_file(
        str(path),
        to="rst",
        format=PANDOC_MARKDOWN_FORMAT,
        extra_args=[f"--shift-heading-level-by={level - 2}"],
        sandbox=True,
    )


def fragment_rst(addon_dir, name, level):
    md, rst = addon_dir / "readme" / f"{name}.md", addon_dir / "readme" / f"{name}.rst"
    if md.exists() and rst.exists():
        sys.exit(f"both {md} and {rst} exist: keep one")
    if rst.exists():
        sys.exit(f"{rst}: this project writes its readme fragments in Markdown, as OCA does for 18.0")
    if not md.exists():
        return None
    text = md_to_rst(md, level).replace("\r\n", "\n")
    lines = []
    for line in text.splitlines():
        match = IMAGE_RE.match(line)
        if match and not match["path"].startswith(("http:", "https:")):
            # ../static/description/x.png works on a forge from readme/; README.rst sits beside readme/.
            line = match["lead"] + match["path"].replace("../", "")
        lines.append(line)
    text = "\n".join(lines).strip("\n")
    return text + "\n" if text else None


def heading(title, char, overline=False):
    bar = char * len(title)
    return f"{bar}\n{title}\n{bar}\n" if overline else f"{title}\n{bar}\n"


def build_readme(addon_dir):
    manifest = read_manifest(addon_dir)
    fragments = {}
    for name, _title, level in FRAGMENTS:
        text = fragment_rst(addon_dir, name, level)
        if text:
            fragments[name] = text
    if "DESCRIPTION" not in fragments:
        sys.exit(f"{addon_dir}/readme/DESCRIPTION.md is missing")

    badges = []
    status = manifest.get("development_status", "Beta").lower()
    if status in DEVELOPMENT_STATUS_BADGES:
        image, alt = DEVELOPMENT_STATUS_BADGES[status]
        badges.append((image, DEVELOPMENT_STATUS_URL, alt))
    if manifest.get("license") in LICENSE_BADGES:
        image, target = LICENSE_BADGES[manifest["license"]]
        badges.append((image, target, f"License: {manifest['license']}"))

    out = [heading(manifest["name"], "=", overline=True)]
    out.append(
        "..\n"
        "   !!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!\n"
        "   !! This file is generated by scripts/gen_addon_readme.py from     !!\n"
        "   !! readme/*.md and the manifest: edit those, then run the script. !!\n"
        "   !!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!\n"
    )
    for index, (image, target, alt) in enumerate(badges, 1):
        out.append(f".. |badge{index}| image:: {image}\n    :target: {target}\n    :alt: {alt}")
    if badges:
        out.append(" ".join(f"|badge{index}|" for index in range(1, len(badges) + 1)) + "\n")
    out.append(fragments["DESCRIPTION"])
    if status == "alpha":
        out.append(
            ".. IMPORTANT::\n   This is an alpha version, the data model and design can change at any time without warning.\n"
            "   Only for development or testing purpose, do not use in production.\n"
        )
    out.append("**Table of contents**\n\n.. contents::\n   :local:\n")
    for name, title, level in FRAGMENTS:
        if level == 2 and title and name in fragments:
            out.append(heading(title, "=") + "\n" + fragments[name])
    website = manifest.get("website")
    if website:
        out.append(heading("Bug Tracker", "=") + f"\nReport problems and ideas at {website}.\n")
    credit_parts = [heading("Credits", "=")]
    authors = [author.strip() for author in manifest.get("author", "").split(",") if author.strip()]
    if authors:
        credit_parts.append(heading("Authors", "-") + "\n" + "".join(f"- {author}\n" for author in authors))
    for name, title, level in FRAGMENTS:
        if level == 3 and name in fragments:
            credit_parts.append(heading(title, "-") + "\n" + fragments[name])
    maintainers = manifest.get("maintainers") or []
    if maintainers:
        credit_parts.append(heading("Maintainers", "-") + "\n" + "".join(f"- {m}\n" for m in maintainers))
    out.append("\n".join(credit_parts))
    return "\n".join(part.rstrip("\n") + "\n" for part in out)


def build_index_html(readme_rst):
    from docutils.core import publish_string  # noqa: PLC0415

    # index.html lives in static/description: its images are relative to that folder.
    lines = []
    for line in readme_rst.splitlines():
        match = IMAGE_RE.match(line)
        if match and match["path"].startswith("static/description/"):
            line = match["lead"] + match["path"][len("static/description/"):]
        lines.append(line)
    html = publish_string(
        "\n".join(lines) + "\n", writer_name="html4css1", settings_overrides=RST2HTML_SETTINGS,
    )
    # No docutils version in the page: it would change with every docutils upgrade.
    return re.sub(rb"(<meta.*generator.*Docutils)\s*[\d.]+", rb"\1", html)


def check_images(addon_dir, readme_rst):
    problems = []
    manifest = read_manifest(addon_dir)
    for image in manifest.get("images", []):
        if not (addon_dir / image).is_file():
            problems.append(f"manifest image {image} does not exist")
    shown = {match["path"] for match in map(IMAGE_RE.match, readme_rst.splitlines()) if match}
    for path in shown:
        if not path.startswith(("http:", "https:")) and not (addon_dir / path).is_file():
            problems.append(f"README image {path} does not exist")
    for png in sorted((addon_dir / "static" / "description").glob("*.png")):
        relative = png.relative_to(addon_dir).as_posix()
        if png.name != "icon.png" and relative not in shown:
            problems.append(f"{relative} is shown nowhere in the readme")
    return problems


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true")
    parser.add_argument("addon_dirs", nargs="*", type=Path)
    args = parser.parse_args()
    root = Path(__file__).resolve().parent.parent
    addon_dirs = args.addon_dirs or sorted(p.parent for p in (root / "addons").glob("*/__manifest__.py"))
    failed = False
    for addon_dir in addon_dirs:
        if not (addon_dir / "readme").is_dir():
            continue
        readme = build_readme(addon_dir)
        index = build_index_html(readme)
        targets = {addon_dir / "README.rst": readme.encode("utf-8"), addon_dir / "static/description/index.html": index}
        problems = check_images(addon_dir, readme)
        for problem in problems:
            print(f"{addon_dir.name}: {problem}")
        failed = failed or bool(problems)
        if not args.check:
            for path, content in targets.items():
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_bytes(content)
                print(f"wrote {path}")
            continue
        with tempfile.TemporaryDirectory() as tmp:
            for path, content in targets.items():
                built = Path(tmp) / path.name
                built.write_bytes(content)
                committed = path.read_bytes() if path.exists() else b""
                if committed != content:
                    failed = True
                    diff = difflib.unified_diff(
                        committed.decode("utf-8", "replace").splitlines(), content.decode("utf-8").splitlines(),
                        f"{path} (committed)", f"{path} (built from readme/ and the manifest)", lineterm="",
                    )
                    print("\n".join(list(diff)[:60]))
                    print(f"{path} is out of date: run scripts/gen_addon_readme.py")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
