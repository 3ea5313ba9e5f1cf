#!/usr/bin/env python3
"""Time of the 顾客满意度统计分析报表 (qms.satisfaction.analysis._qms_figures) for a campaign of
20,000 answered surveys vs. 10,000, and vs. the bare _read_group calls over the same rows.

Each size runs in its own `odoo-bin shell` subprocess on a database where qms_customer_process
is installed; the rows are inserted with SQL and rolled back at the end, so the database is left
as it was. Prints the timings and the two ratios (targets: 20k/10k <= 2.2, report/bare <= 1.5).

Usage: bench_satisfaction.py [-c ODOO_CONF] [-d DATABASE] [--odoo-bin PATH] [--python PATH]
"""
import argparse
import json
import os
import subprocess
import sys

SHELL_CODE = r'''
import json, time
N = __N__
cr = env.cr
campaign = env["qms.satisfaction.campaign"].create({
    "title": "Benchmark", "date_start": "2099-01-01", "date_end": "2099-06-30",
})
user_ids = env["res.users"].search([("share", "=", False)], limit=5).ids
dims = env["qms.satisfaction.dimension"].search([]).ids
cr.execute("""
    INSERT INTO res_partner (name, active, autopost_bills, create_date, write_date)
    SELECT 'Bench customer ' || g, true, 'ask', now(), now() FROM generate_series(1, %s) g RETURNING id
""", [N])
partner_ids = [row[0] for row in cr.fetchall()]
cr.execute("""
    INSERT INTO qms_satisfaction_survey
        (name, campaign_id, company_id, period_date, partner_id, user_id, state, score, answered_on, dissatisfied)
    SELECT 'BENCH/' || p.ord, %(campaign)s, %(company)s, '2099-01-01', p.id,
           (%(users)s)[1 + (p.ord %% %(n_users)s)],
           'answered', round((20 + random() * 80)::numeric, 2), now(), false
      FROM unnest(%(partners)s) WITH ORDINALITY AS p(id, ord)
""", {"campaign": campaign.id, "company": campaign.company_id.id, "partners": partner_ids,
      "users": user_ids, "n_users": len(user_ids)})
# grade of each score from the grade table, dissatisfied below 55 (about 1 in 23)
cr.execute("""
    UPDATE qms_satisfaction_survey s
       SET grade_id = (SELECT g.id FROM qms_satisfaction_grade g
                        WHERE g.active AND g.min_score <= s.score ORDER BY g.min_score DESC LIMIT 1),
           dissatisfied = s.score < 23.5
     WHERE s.campaign_id = %s
""", [campaign.id])
cr.execute("""
    INSERT INTO qms_satisfaction_score
        (survey_id, dimension_id, score, campaign_id, company_id, partner_id, user_id, period_date, state)
    SELECT s.id, d.id, round((20 + random() * 80)::numeric, 2), s.campaign_id, s.company_id, s.partner_id,
           s.user_id, s.period_date, s.state
      FROM qms_satisfaction_survey s CROSS JOIN unnest(%s) AS d(id)
     WHERE s.campaign_id = %s
""", [dims, campaign.id])
cr.execute("ANALYZE qms_satisfaction_survey")
cr.execute("ANALYZE qms_satisfaction_score")
env.invalidate_all()
analysis = env["qms.satisfaction.analysis"].create({"campaign_id": campaign.id})
Survey, Score = env["qms.satisfaction.survey"], env["qms.satisfaction.score"]

def report():
    figures = analysis._qms_figures()
    assert figures["current"]["answered"] == N, figures["current"]["answered"]

def bare():
    Survey._read_group([("campaign_id", "=", campaign.id)], ["state", "grade_id"], ["__count", "score:sum"])
    Score._read_group([("campaign_id", "=", campaign.id), ("state", "in", ("answered", "analysed"))],
                      ["dimension_id"], ["score:avg"])

def bare_one():
    Survey._read_group([("campaign_id", "=", campaign.id)], ["grade_id"], ["__count"])

def best(func, runs=7):
    times = []
    for _ in range(runs):
        env.invalidate_all()
        start = time.perf_counter()
        func()
        times.append(time.perf_counter() - start)
    return min(times)

best(report, 2)
result = {"n": N, "report": best(report), "bare": best(bare), "bare_one": best(bare_one)}
cr.rollback()
print("BENCH_RESULT " + json.dumps(result))
'''


def run(args, n):
    cmd = [args.python, args.odoo_bin, "shell", "-c", args.config, "-d", args.database,
           "--log-level=warn", "--no-http"]
    proc = subprocess.run(cmd, input=SHELL_CODE.replace("__N__", str(n)), capture_output=True, text=True, check=False)
    for line in proc.stdout.splitlines():
        if line.startswith("BENCH_RESULT "):
            return json.loads(line.split(" ", 1)[1])
    sys.stderr.write(proc.stdout[-3000:] + proc.stderr[-3000:])
    raise SystemExit(f"the shell for {n} surveys printed no result (exit {proc.returncode})")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("-c", "--config", default=os.environ.get("ODOO_RC", "/tmp/wt-satisfaction.conf"))
    parser.add_argument("-d", "--database", default=os.environ.get("QMS_BENCH_DB", "satisfaction_t1"))
    parser.add_argument("--odoo-bin", default=os.path.expanduser(os.environ.get("ODOO_SRC", "~/.cache/odoo/18.0")) + "/odoo-bin")
    parser.add_argument("--python", default=sys.executable)
    args = parser.parse_args()
    small, large = run(args, 10_000), run(args, 20_000)
    for res in (small, large):
        print(f"{res['n']:>6} answered surveys: report {res['report'] * 1000:8.1f} ms   "
              f"bare _read_group (same 2 aggregates) {res['bare'] * 1000:8.1f} ms   "
              f"single bare _read_group on surveys {res['bare_one'] * 1000:8.1f} ms")
    scale = large["report"] / small["report"]
    overhead = large["report"] / large["bare"]
    print(f"ratio 20k/10k report time: {scale:.2f} (target <= 2.2)")
    print(f"ratio report/bare _read_group at 20k: {overhead:.2f} (target <= 1.5)")
    print(f"ratio report/bare _read_group at 10k: {small['report'] / small['bare']:.2f} (information: the fixed part, "
          "previous campaign and dissatisfied list, weighs more on the smaller set)")
    print(f"ratio report/single survey _read_group at 20k: {large['report'] / large['bare_one']:.2f} (information)")
    return 0 if scale <= 2.2 and overhead <= 1.5 else 1


if __name__ == "__main__":
    sys.exit(main())
