"""The Content-Security-Policy holds in a real browser: no page the public, staff or an administrator opens makes
Chromium refuse anything (a refused script or style would be a broken page), and the policy itself is strict."""

import pytest
from django.urls import reverse

from layan.core.models import Region
from layan.reports.services import NewReport, ReporterInfo, submit_report

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PASSWORD = "layan-demo"

# Collects every violation the page reports, before any of its own scripts run (an init script is not subject to
# the page's CSP).
RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__cspViolations.push(`${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber}`);
});
"""


def open_and_collect(page, path: str) -> list[str]:
    messages = []
    page.on("console", lambda msg: messages.append(msg.text) if "Content Security Policy" in msg.text else None)
    response = page.goto(path)
    assert response is not None and response.status < 400, (path, response and response.status)
    page.wait_for_load_state("networkidle")
    return messages + page.evaluate("window.__cspViolations")


def log_in(context, username: str):
    page = context.new_page()
    page.goto(reverse("login"))
    page.get_by_label("Nama pengguna").fill(username)
    page.get_by_label("Kata sandi").fill(PASSWORD)
    page.get_by_role("button", name="Masuk").click()
    page.wait_for_load_state("load")
    return page


def test_no_page_violates_the_policy(live_server, demo_agencies, staff, new_context):
    report = submit_report(
        NewReport(
            title="Lampu jalan mati <script>alert(1)</script>",
            description='Gelap sekali <img src=x onerror="alert(2)"> di malam hari.',
            region=Region.objects.get(code="35.78.05.1001"),
        ),
        reporter=ReporterInfo(name="Siti <b>Aminah</b>", phone="081234567890"),
    )
    from layan.reports import workflow
    from layan.reports.workflow import Actor

    workflow.perform(report, "verify", Actor(user=staff("admin.surabaya")), agencies=[demo_agencies["dsdabm-sby"]])
    public = new_context()
    public.add_init_script(RECORD_VIOLATIONS)
    page = public.new_page()
    seen = {}
    public_pages = (
        "/",
        reverse("reports:submit"),
        reverse("reports:public-list"),
        reverse("reports:public-detail", args=[report.tracking_number]),
        "/api/docs/",
    )
    for path in public_pages:
        seen[path] = open_and_collect(page, path)
    # the Swagger UI really rendered (its scripts ran) under the policy
    page.goto("/api/docs/")
    page.wait_for_selector(".swagger-ui .info", timeout=15_000)

    staff = new_context()
    staff.add_init_script(RECORD_VIOLATIONS)
    page = log_in(staff, "admin.surabaya")
    for path in (reverse("reports:inbox"), reverse("reports:staff-detail", args=[report.tracking_number])):
        seen[path] = open_and_collect(page, path)

    admin = new_context()
    admin.add_init_script(RECORD_VIOLATIONS)
    page = log_in(admin, "sysadmin")
    for path in ("/admin/", "/admin/reports/report/", f"/admin/reports/report/{report.pk}/change/"):
        seen[path] = open_and_collect(page, path)

    assert {path: found for path, found in seen.items() if found} == {}


def test_the_policy_is_strict(client, db):
    policy = client.get("/")["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";") if part.strip())
    assert directives["default-src"] == "'self'"
    assert directives["script-src"] == "'self'"  # no 'unsafe-inline', no 'unsafe-eval', no host
    assert "'unsafe-inline'" not in directives["style-src"]
    assert directives["object-src"] == "'none'" and directives["frame-ancestors"] == "'none'"
    for path in ("/api/docs/", "/admin/login/", "/api/v1/reports/"):
        assert client.get(path)["Content-Security-Policy"] == policy
