#!/usr/bin/env python3
"""Time of sending the invitations of a satisfaction campaign of 5,000 customers (default) the
way a production server does it: the campaign's Send Invitations button queues them and returns,
then the scheduled job (qms.scheduler) adds the customers' surveys and e-mails them batch by batch,
ending a transaction after each batch.

It runs in an `odoo-bin shell` subprocess on a database where qms_customer_process is installed.
Each call of the job is made as the cron worker makes them (a time budget of zero is one batch per
call, the worst case); "ending a transaction" flushes and runs the precommit hooks as a commit
would, then checks that the transaction held one batch at most. Everything is rolled back at the
end: the database is left as it was.

Prints the time the button took, the time per 1,000 invitations, the slowest batch and the most
invitations one transaction held. Exit code 1 when a transaction held more than one batch or a
batch took longer than the job's time budget under Odoo's default limits.

Usage: bench_campaign_send.py [-c ODOO_CONF] [-d DATABASE] [-n CUSTOMERS] [--odoo-bin PATH] [--python PATH]
"""
import argparse
import json
import os
import subprocess
import sys

SHELL_CODE = r'''
import json, time
from odoo import Command
from odoo.addons.base.models.ir_cron import MAX_BATCH_PER_CRON_JOB
from odoo.addons.qms_customer_process.models.qms_scheduler import BATCH_SIZE
N = __N__
cr = env.cr
Survey = env["qms.satisfaction.survey"]
Scheduler = env["qms.scheduler"]
partner_ids = env["res.partner"].with_context(tracking_disable=True).create([
    {"name": f"Bench customer {n}", "email": f"bench{n}@bench.example", "is_company": True} for n in range(N)
]).ids
campaign = env["qms.satisfaction.campaign"].create({
    "title": "Benchmark campaign", "date_start": "2099-01-01", "date_end": "2099-06-30",
    "partner_ids": [Command.set(partner_ids)],
})
env.flush_all()
# The job's earlier steps (reminders, escalations) have their own work on a real database: it is
# done first, outside the measure.
while Scheduler._qms_run()[1]:
    pass

def sent():
    return Survey.search_count([("campaign_id", "=", campaign.id), ("state", "=", "sent")])

start = time.perf_counter()
campaign.action_send()
env.flush_all()
cr.precommit.run()
button = time.perf_counter() - start
assert campaign.send_queue and not campaign.survey_ids, "the button queued the work"

held, batch_times, last = [], [], [0, time.perf_counter()]
def commit():
    env.flush_all()
    cr.precommit.run()
    count, now = sent(), time.perf_counter()
    held.append(count - last[0])
    batch_times.append(now - last[1])
    last[:] = [count, now]

start = time.perf_counter()
calls, remaining = 0, 1
while remaining:
    last[1] = time.perf_counter()
    _done, remaining = Scheduler._qms_run(commit=commit, time_budget=0)
    env.invalidate_all()
    calls += 1
total = time.perf_counter() - start
assert sent() == N, sent()
result = {
    "n": N, "button": button, "total": total, "calls": calls, "batch_size": BATCH_SIZE,
    "max_held": max(held), "max_batch": max(batch_times),
    "budget": Scheduler._qms_time_budget(), "calls_per_run": MAX_BATCH_PER_CRON_JOB,
}
cr.rollback()
print("BENCH_RESULT " + json.dumps(result))
'''


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("-c", "--config", default=os.environ.get("ODOO_RC"))
    parser.add_argument("-d", "--database", default=os.environ.get("QMS_BENCH_DB", "qms_bench"))
    parser.add_argument("-n", "--customers", type=int, default=5000)
    parser.add_argument("--odoo-bin", default=os.path.expanduser(os.environ.get("ODOO_SRC", "~/.cache/odoo/18.0")) + "/odoo-bin")
    parser.add_argument("--python", default=sys.executable)
    args = parser.parse_args()
    cmd = [args.python, args.odoo_bin, "shell", "-d", args.database, "--log-level=warn", "--no-http",
           "--limit-time-real=120", "--limit-time-cpu=60"]
    if args.config:
        cmd[3:3] = ["-c", args.config]
    proc = subprocess.run(cmd, input=SHELL_CODE.replace("__N__", str(args.customers)), capture_output=True, text=True,
                          check=False)
    result = next((json.loads(line.split(" ", 1)[1]) for line in proc.stdout.splitlines()
                   if line.startswith("BENCH_RESULT ")), None)
    if result is None:
        sys.stderr.write(proc.stdout[-3000:] + proc.stderr[-3000:])
        raise SystemExit(f"the shell printed no result (exit {proc.returncode})")
    n = result["n"]
    print(f"Send Invitations button for {n} customers: {result['button']:.2f} s (queues the work and returns)")
    print(f"job: {n} invitations in {result['total']:.1f} s, {result['calls']} calls of one batch of "
          f"{result['batch_size']}: {result['total'] / n * 1000:.1f} s per 1,000 invitations")
    # A cron worker calls the job up to calls_per_run times in one run; each call works until its
    # time budget is spent, plus the batch it was in: the whole run must fit in the worker's limits
    # (Odoo's defaults: 60 s of CPU, 120 s real).
    worst_run = result["calls_per_run"] * (result["budget"] + result["max_batch"])
    print(f"slowest batch: {result['max_batch']:.2f} s; time budget of one call: {result['budget']:.1f} s; "
          f"longest cron worker run: {worst_run:.0f} s (limits by default: 60 s CPU, 120 s real)")
    print(f"most invitations held by one transaction: {result['max_held']} (one batch: {result['batch_size']})")
    ok = result["max_held"] <= result["batch_size"] and worst_run <= 60
    return 0 if ok else 1

if __name__ == "__main__":
    sys.exit(main())
