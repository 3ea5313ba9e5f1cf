#!/usr/bin/env python3
"""Check the production Docker setup without a Docker engine: ``docker-compose config`` (Debian's
docker-compose 1.29, or the ``docker compose`` plugin) must accept docker-compose.yml with the
example environment file and refuse it without the secrets; the resolved configuration and
docker/odoo.conf must be a production setup:

- the Odoo configuration comes from the repository (docker/odoo.conf, read-only), with prefork
  workers, proxy mode and no database manager, and no secret in it;
- the secrets come from the environment file (.env, not committed; .env.example documents it);
- Odoo publishes 8069 and the 8072 websocket port on 127.0.0.1 only;
- the database is created by a one-shot "init" service that the server waits for (not at every
  start), without demo data; demo data only in the "demo" profile, in its own database;
- the filestore is in a named volume.
Exit 1 with the list of problems.
"""

import configparser
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
SECRETS = ("POSTGRES_PASSWORD", "ODOO_MASTER_PASSWORD", "ODOO_ADMIN_PASSWORD")


def compose_command():
    if shutil.which("docker-compose"):
        return ["docker-compose"]
    if shutil.which("docker") and subprocess.run(["docker", "compose", "version"], capture_output=True).returncode == 0:
        return ["docker", "compose"]
    sys.exit("neither docker-compose nor the docker compose plugin is installed (Debian: apt-get install docker-compose)")


def config(env_file, profiles=()):
    env = {key: value for key, value in os.environ.items() if key not in SECRETS and key != "ODOO_DB"}
    cmd = compose_command() + ["--project-directory", str(ROOT), "-f", str(ROOT / "docker-compose.yml"),
                               "--env-file", str(env_file)]
    for profile in profiles:
        cmd += ["--profile", profile]
    return subprocess.run(cmd + ["config"], capture_output=True, text=True, cwd=ROOT, env=env)


def main():
    problems = []
    proc = config(ROOT / ".env.example")
    if proc.returncode:
        sys.exit(f"docker-compose config failed:\n{proc.stderr}")
    services = yaml.safe_load(proc.stdout)["services"]
    volumes = yaml.safe_load(proc.stdout).get("volumes", {})

    with tempfile.NamedTemporaryFile("w", suffix=".env") as empty:
        refused = config(empty.name)
        if refused.returncode == 0 or "POSTGRES_PASSWORD" not in refused.stderr + refused.stdout:
            problems.append("docker-compose config accepts a missing POSTGRES_PASSWORD: the secrets must be required")

    odoo, init, db = services.get("odoo", {}), services.get("init", {}), services.get("db", {})
    for name, service in (("odoo", odoo), ("init", init)):
        mounts = service.get("volumes", [])
        if not any(str(m).endswith("/etc/odoo/odoo.conf:ro") and "docker/odoo.conf" in str(m) for m in mounts):
            problems.append(f"{name}: docker/odoo.conf is not mounted read-only as /etc/odoo/odoo.conf")
        if not any(str(m).startswith("odoo-data:/var/lib/odoo") for m in mounts):
            problems.append(f"{name}: the filestore /var/lib/odoo is not in the named volume odoo-data")
        if service.get("profiles"):
            problems.append(f"{name}: must run without a profile")
    if "odoo-data" not in volumes or "db-data" not in volumes:
        problems.append("the named volumes odoo-data and db-data are not declared")
    if not any(str(m).startswith("db-data:/var/lib/postgresql/data") for m in db.get("volumes", [])):
        problems.append("db: the database is not in the named volume db-data")
    ports = sorted(str(port) for port in odoo.get("ports", []))
    if ports != ["127.0.0.1:8069:8069/tcp", "127.0.0.1:8072:8072/tcp"]:
        problems.append(f"odoo: publishes {ports}, not 8069 and 8072 on 127.0.0.1")
    for name, service in services.items():
        for port in service.get("ports", []):
            if not str(port).startswith("127.0.0.1:"):
                problems.append(f"{name}: port {port} is published on every interface")
    if odoo.get("command") != ["serve"] or init.get("command") != ["init"]:
        problems.append("odoo must serve ('serve') and init must initialise ('init')")
    if odoo.get("depends_on", {}).get("init", {}).get("condition") != "service_completed_successfully":
        problems.append("odoo does not wait for the one-shot init service to complete")
    if str(init.get("restart", "no")) != "no":
        problems.append("init must run once (restart: 'no')")
    for name, service in services.items():
        if name in ("db", "odoo", "init"):
            continue
        if service.get("profiles") != ["demo"]:
            problems.append(f"{name}: only the demo profile may add services")
        if service.get("environment", {}).get("ODOO_DB") == services["odoo"]["environment"]["ODOO_DB"]:
            problems.append(f"{name}: demo data must go to its own database, not the production one")
    example = dict(line.split("=", 1) for line in (ROOT / ".env.example").read_text(encoding="utf-8").splitlines()
                   if line.strip() and not line.startswith("#"))
    for name, service in services.items():
        for key, value in (service.get("environment") or {}).items():
            if key in SECRETS and value != example.get(key):
                problems.append(f"{name}: {key} does not come from the environment file")

    entrypoint = (ROOT / "docker" / "entrypoint.sh").read_text(encoding="utf-8")
    if "--without-demo=all" not in entrypoint:
        problems.append("docker/entrypoint.sh: the production database must be created without demo data")

    conf = configparser.ConfigParser()
    conf.read(ROOT / "docker" / "odoo.conf")
    options = conf["options"]
    if int(options.get("workers", "0")) < 2:
        problems.append("docker/odoo.conf: workers must be 2 or more (prefork)")
    if options.get("proxy_mode") != "True":
        problems.append("docker/odoo.conf: proxy_mode must be True")
    if options.get("list_db") != "False":
        problems.append("docker/odoo.conf: list_db must be False")
    if options.get("gevent_port") != "8072":
        problems.append("docker/odoo.conf: gevent_port must be 8072")
    for secret in ("admin_passwd", "db_password"):
        if secret in options:
            problems.append(f"docker/odoo.conf: {secret} must come from the environment file, not the repository")

    ignored = subprocess.run(["git", "-C", str(ROOT), "check-ignore", "-q", ".env"], capture_output=True)
    if ignored.returncode != 0:
        problems.append(".env is not ignored by git")

    for problem in problems:
        print(f"docker: {problem}")
    if not problems:
        print(f"docker-compose config: ok ({', '.join(sorted(services))}; demo services in the 'demo' profile)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
