"""Upgrade from the previous version of the addon to the working tree, on a real database.

1. The previous version is found in git: the commit that set the manifest's current version
   number is found with ``git log -G``, and its first parent is the last commit whose manifest
   carried the previous number. (An uncommitted bump in the working tree: HEAD is the previous
   version.) It is checked out with ``git worktree add`` into a temporary directory.
2. A database with the addon's dependencies (``QMS_DEPS_DB``, a template the test command
   makes; otherwise they are installed here) gets the previous version with its demo data, then
   records in every state (tests/upgrade/fill_previous.py, through that version's transition
   methods): orders in each review state with their review lines and requirements, samples,
   complaints, 8D investigations, corrective actions, campaigns and answered surveys with their
   scores, capability commitments, attachments.
3. A snapshot (tests/upgrade/snapshot.py) is read with the previous version, the addon is
   upgraded with ``odoo-bin -u`` from the working tree, and the snapshot is read again.
4. Nothing was lost or changed meaning: the same records per model with the same states,
   decisions, people, dates, scores, grades and links; every attachment with the same content
   in the filestore; every chatter message and to-do; every XML id of the addon. The upgrade
   log has no WARNING/ERROR of the addon; the migration scripts of the new version ran; the
   upgraded schema is the schema of a fresh install of the working tree (the test database);
   a column that was dropped or changed type is handled by a migration script that names it.

Plain pytest functions (subprocesses, other databases), like test_lifecycle.py. Slow: an
install of the previous version, a fill, an upgrade and three Odoo shells (2–4 minutes).
"""

import importlib.util
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import textwrap
from contextlib import closing
from pathlib import Path

import pytest
from system_env import missing, odoo_conf, pg_args

import odoo
from odoo.tools import config

ADDON = "qms_customer_process"
REPO = Path(__file__).resolve().parent.parent
MANIFEST = f"addons/{ADDON}/__manifest__.py"
UPGRADE_SCRIPTS = Path(__file__).resolve().parent / "upgrade"
MARKER = "QMS_UPGRADE_RESULT="
TIMEOUT = 1800


def _load(name):
    spec = importlib.util.spec_from_file_location(f"qms_upgrade_{name}", UPGRADE_SCRIPTS / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


snapshot_script = _load("snapshot")

# Intended differences between the previous version and the working tree, each made right by a
# migration script of the new version (named here) or harmless by nature.
#   "fields_dropped":  {model: [field, ...]}  fields of MODELS that the new version no longer has
#   "values_mapped":   {model: {field: {old value: new value}}}  e.g. a renamed selection value
#   "xmlids_removed":  ["model:name", ...]  data records the new version deletes on purpose
INTENDED = {
    "fields_dropped": {},
    "values_mapped": {},
    # 18.0.4.0.0: the sample forms' own style sheet, replaced by the one frame of every printed form
    # (reports/qms_form_frame.xml).
    "xmlids_removed": ["ir.ui.view:report_sample_style"],
}


def _git(*args):
    if not shutil.which("git"):
        missing("git is not installed: the upgrade test finds the previous version in git")
    proc = subprocess.run(["git", "-C", str(REPO), *args], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, f"git {' '.join(args)} failed: {proc.stderr}"
    return proc.stdout


def _manifest_version(text):
    match = re.search(r"""["']version["']\s*:\s*["']([^"']+)["']""", text)
    assert match, "no version in the manifest"
    return match.group(1)


def _version_key(version):
    return tuple(int(part) for part in version.split("."))


def previous_version():
    """(commit, version) of the last commit whose manifest carried the previous version number."""
    if subprocess.run(["git", "-C", str(REPO), "rev-parse", "--git-dir"], capture_output=True).returncode:
        missing(f"{REPO} is not a git checkout: the upgrade test needs the history of the manifest")
    current = _manifest_version((REPO / MANIFEST).read_text(encoding="utf-8"))
    head = _manifest_version(_git("show", f"HEAD:{MANIFEST}"))
    if head != current:
        return _git("rev-parse", "HEAD").strip(), head
    if _git("rev-parse", "--is-shallow-repository").strip() == "true":
        missing("shallow clone: fetch the full history (git fetch --unshallow) to find the previous version")
    pattern = r'"version":\s*"' + re.escape(current) + '"'
    bumps = _git("log", "--reverse", "--format=%H", "-G", pattern, "--", MANIFEST).split()
    assert bumps, f"no commit sets the version {current} in {MANIFEST}"
    bump = bumps[0]
    parents = _git("rev-list", "--parents", "-n", "1", bump).split()[1:]
    assert parents, f"{bump[:10]} set the first version {current}: there is no previous version to upgrade from"
    previous = parents[0]
    version = _manifest_version(_git("show", f"{previous}:{MANIFEST}"))
    assert _version_key(version) < _version_key(current), (
        f"the previous version {version} ({previous[:10]}) is not older than {current}: bump the version"
    )
    return previous, version


def _odoo_src():
    return Path(odoo.__file__).resolve().parent.parent


def _addons_path(addons_dir):
    src = _odoo_src()
    return f"--addons-path={src / 'odoo' / 'addons'},{src / 'addons'},{addons_dir}"


def _run(cmd, stdin=""):
    # No ODOO_RC: odoo-bin reads it as soon as it starts and, for a subcommand (shell), puts that
    # file's addons path first in odoo.addons, before the --addons-path given to the subcommand,
    # so the working tree's addon would shadow the previous version's.
    env = {key: value for key, value in os.environ.items() if key not in ("ODOO_RC", "OPENERP_SERVER")}
    if config.get("db_password"):
        env["PGPASSWORD"] = config["db_password"]
    return subprocess.run(cmd, input=stdin, capture_output=True, text=True, timeout=TIMEOUT, env=env, cwd="/")


def _odoo(addons_dir, *args, command=(), stdin=""):
    # The addons path before the subcommand too: odoo-bin discovers subcommands with it, and the
    # first path that has the addon wins.
    return _run([sys.executable, str(_odoo_src() / "odoo-bin"), _addons_path(addons_dir), *command,
                 "-c", odoo_conf(), _addons_path(addons_dir), *args], stdin=stdin)


def _shell(addons_dir, db, code):
    script = textwrap.dedent(f"""
        import json, sys
        sys.path.insert(0, {str(UPGRADE_SCRIPTS)!r})
    """) + textwrap.dedent(code)
    proc = _odoo(addons_dir, "-d", db, "--no-http", "--log-level=warn", command=("shell",), stdin=script)
    assert proc.returncode == 0, f"odoo shell failed ({proc.returncode}):\n{proc.stdout[-3000:]}\n{proc.stderr[-6000:]}"
    for line in proc.stdout.splitlines():
        if line.startswith(MARKER):
            return json.loads(line[len(MARKER):])
    raise AssertionError(f"odoo shell printed no result:\n{proc.stdout[-3000:]}\n{proc.stderr[-6000:]}")


def _drop(db):
    proc = _run(["dropdb", *pg_args(), "--if-exists", "--force", db])
    assert proc.returncode == 0, f"dropdb {db} failed: {proc.stderr}"
    shutil.rmtree(config.filestore(db), ignore_errors=True)


def _our_warnings(log):
    lines = re.findall(r"^\d{4}-\d\d-\d\d [\d:,]+ \d+ (?:WARNING|ERROR|CRITICAL) .*$", log, re.MULTILINE)
    return [line for line in lines if re.search(rf"{ADDON}|qms\.[a-z]|[ (,]qms_[a-z]", line)]


@pytest.fixture(scope="module")
def previous_checkout():
    commit, version = previous_version()
    tmp = Path(tempfile.mkdtemp(prefix="qms-previous-"))
    checkout = tmp / "previous"
    _git("worktree", "add", "--detach", str(checkout), commit)
    try:
        assert _manifest_version((checkout / MANIFEST).read_text(encoding="utf-8")) == version
        yield commit, version, checkout / "addons"
    finally:
        _git("worktree", "remove", "--force", str(checkout))
        _git("worktree", "prune")
        shutil.rmtree(tmp, ignore_errors=True)


@pytest.fixture(scope="module")
def upgraded(previous_checkout):
    """Install the previous version, fill it, snapshot, upgrade, snapshot."""
    commit, version, previous_addons = previous_checkout
    if not shutil.which("createdb"):
        missing("the PostgreSQL client tools (createdb, dropdb) are not installed")
    source = os.environ.get("QMS_TEST_DB") or config["db_name"]
    db = f"{source}_prev_{os.getpid()}"[:63]
    _drop(db)
    deps = os.environ.get("QMS_DEPS_DB")
    try:
        if deps:
            odoo.sql_db.close_db(deps)
            for _attempt in range(5):
                proc = _run(["createdb", *pg_args(), "-T", deps, db])
                if proc.returncode == 0 or "being accessed by other users" not in proc.stderr:
                    break
            assert proc.returncode == 0, f"createdb -T {deps} {db} failed: {proc.stderr}"
            if os.path.isdir(config.filestore(deps)):
                shutil.copytree(config.filestore(deps), config.filestore(db), dirs_exist_ok=True)
        print(f"installing {ADDON} {version} ({commit[:10]}) on {db}")
        proc = _odoo(previous_addons, "-d", db, "-i", ADDON, "--stop-after-init", "--no-http", "--log-level=warn")
        assert proc.returncode == 0, f"installing the previous version failed:\n{proc.stderr[-6000:]}"
        orders = _shell(previous_addons, db, f"""
            from fill_previous import fill
            print({MARKER!r} + json.dumps(fill(env)))
        """)
        snapshot_code = f"""
            from snapshot import snapshot
            print({MARKER!r} + json.dumps(snapshot(env), default=str))
        """
        before = _shell(previous_addons, db, snapshot_code)
        upgrade = _odoo(REPO / "addons", "-d", db, "-u", ADDON, "--stop-after-init", "--no-http", "--log-level=info")
        after = _shell(REPO / "addons", db, snapshot_code) if upgrade.returncode == 0 else None
        yield {"version": version, "previous_addons": str(previous_addons), "orders": orders, "before": before, "after": after, "upgrade": upgrade}
    finally:
        _drop(db)


def test_previous_version_is_filled_in_every_state(upgraded):
    before = upgraded["before"]
    assert before["module"]["latest_version"].endswith(upgraded["version"]), before["module"]
    # The previous version was filled and read with its own code, not the working tree's.
    assert before["module"]["code"].startswith(upgraded["previous_addons"] + os.sep), before["module"]
    if upgraded["after"]:
        assert upgraded["after"]["module"]["code"].startswith(str(REPO / "addons") + os.sep), upgraded["after"]["module"]
    for key, values in before["selections"].items():
        model, field = key.rsplit(".", 1)
        present = {record[field] for record in before["models"][model].values()}
        missing = set(values) - present
        assert not missing, f"no {model} with {field} in {sorted(missing)} before the upgrade: fill them"
    assert len(upgraded["orders"]) >= 10
    scores = before["models"]["qms.satisfaction.score"]
    assert scores and any(score["score"] for score in scores.values()), "no answered survey with scores"
    assert sum(1 for survey in before["models"]["qms.satisfaction.survey"].values() if survey["grade_id"]) >= 10
    assert len(before["attachments"]) >= 8, before["attachments"]
    assert before["messages"] and before["activities"]
    for model, names in before["fields"].items():
        listed = snapshot_script.MODELS[model]
        assert set(names) == set(listed), f"{model}: fields {set(listed) - set(names)} do not exist"


def test_upgrade_runs_clean(upgraded):
    proc = upgraded["upgrade"]
    assert proc.returncode == 0, f"the upgrade failed:\n{proc.stderr[-8000:]}"
    assert "Traceback" not in proc.stderr, proc.stderr[-8000:]
    warnings = _our_warnings(proc.stderr)
    assert not warnings, "the upgrade logged warnings or errors of the addon:\n" + "\n".join(warnings[:20])
    after = upgraded["after"]
    current = _manifest_version((REPO / MANIFEST).read_text(encoding="utf-8"))
    assert (after["module"]["state"], after["module"]["latest_version"]) == ("installed", current), after["module"]
    # Every migration script of the new version ran.
    scripts = sorted(path.stem for path in (REPO / "addons" / ADDON / "migrations" / current).glob("*.py"))
    for name in scripts:
        ran = re.search(rf"{ADDON}: Running migration \[\S*{re.escape(current)}\S*\] {re.escape(name)}\s*$",
                        proc.stderr, re.MULTILINE)
        logged = [line for line in proc.stderr.splitlines() if "migration" in line.lower()]
        assert ran, f"migrations/{current}/{name}.py did not run during the upgrade: {logged}"


def test_no_record_lost_or_changed(upgraded):
    before, after = upgraded["before"], upgraded["after"]
    assert after, "the upgrade failed (see test_upgrade_runs_clean)"
    problems = []
    for model, records in before["models"].items():
        dropped = set(before["fields"][model]) - set(after["fields"].get(model, []))
        unexpected = dropped - set(INTENDED["fields_dropped"].get(model, []))
        if unexpected:
            problems.append(f"{model}: the upgrade lost the fields {sorted(unexpected)}")
        after_records = after["models"].get(model) or {}
        lost = sorted(set(records) - set(after_records), key=int)
        if lost:
            problems.append(f"{model}: {len(lost)} of {len(records)} records lost (ids {lost[:10]})")
        mapped = INTENDED["values_mapped"].get(model, {})
        for record_id, values in records.items():
            if record_id not in after_records:
                continue
            for field, value in values.items():
                if field in dropped:
                    continue
                expected = mapped.get(field, {}).get(value, value) if isinstance(value, str | int) else value
                if after_records[record_id][field] != expected:
                    problems.append(f"{model} {record_id}: {field} was {value!r}, is {after_records[record_id][field]!r}")
    for key in ("attachments", "messages", "activities"):
        for record_id, values in before[key].items():
            if after[key].get(record_id) != values:
                problems.append(f"{key} {record_id}: {values} became {after[key].get(record_id)}")
    for attachment in after["attachments"].values():
        if attachment["checksum"] and attachment["content_sha1"] != attachment["checksum"]:
            problems.append(f"attachment {attachment['name']}: its file no longer matches its checksum")
    removed = {xmlid.rsplit(":", 1)[0] for xmlid in set(before["xmlids"]) - set(after["xmlids"])}
    removed -= set(INTENDED["xmlids_removed"])
    if removed:
        problems.append(f"records of the addon's data removed or replaced by the upgrade: {sorted(removed)[:20]}")
    assert not problems, "\n".join(problems[:60])
    counts = {model: [len(records), len(after["models"][model] or {})] for model, records in before["models"].items()}
    print("records before/after the upgrade:", json.dumps(counts))


def test_upgraded_schema_is_a_fresh_install(upgraded):
    """The upgraded database has the columns, constraints and indexes of a fresh install of the
    working tree (the test database); a dropped or retyped column is handled by a migration."""
    after = upgraded["after"]
    assert after, "the upgrade failed (see test_upgrade_runs_clean)"
    fresh_db = os.environ.get("QMS_TEST_DB") or config["db_name"]
    with closing(odoo.sql_db.db_connect(fresh_db).cursor()) as cr:
        fresh = snapshot_script.schema(cr)
    differences = []
    for key in ("columns", "constraints", "indexes"):
        only_upgraded = sorted(set(after["schema"][key]) - set(fresh[key]))
        only_fresh = sorted(set(fresh[key]) - set(after["schema"][key]))
        differences += [f"{key} only after the upgrade: {item}" for item in only_upgraded]
        differences += [f"{key} only in a fresh install: {item}" for item in only_fresh]
    assert not differences, "the upgrade does not give the schema of a fresh install:\n" + "\n".join(differences[:40])

    # Columns of the previous version that are gone or changed type: their data needs a migration.
    def columns(schema):
        return {item.split(" ")[0]: item.split(" ", 1)[1] for item in schema["columns"]}

    previous, current = columns(upgraded["before"]["schema"]), columns(after["schema"])
    changed = sorted(name for name in previous if name in current and previous[name].split(" ")[0] != current[name].split(" ")[0])
    gone = sorted(name for name in previous if name not in current)
    version = after["module"]["latest_version"]
    migrations = "\n".join(path.read_text(encoding="utf-8")
                           for path in (REPO / "addons" / ADDON / "migrations" / version).glob("*.py"))
    unhandled = [name for name in changed + gone if name.split(".")[1] not in migrations]
    assert not unhandled, (
        f"columns dropped or retyped since {upgraded['version']} with no migration script of {version} naming them: "
        f"{unhandled}"
    )
    new = sorted(set(after["schema"]["constraints"]) - set(upgraded["before"]["schema"]["constraints"]))
    print("constraints new since the previous version:", new or "none")
