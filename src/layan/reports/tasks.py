from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django_tasks import task


@task(queue_name="notifications")
def send_follow_confirmation(follower_id: int) -> bool:
    """Email the confirmation link of a follow request (double opt-in)."""
    from .models import Follower

    follower = Follower.objects.select_related("report").filter(pk=follower_id, confirmed=False).first()
    if follower is None:
        return False
    report = follower.report
    link = settings.LAYAN_PUBLIC_URL.rstrip("/") + reverse(
        "reports:follow-confirm", args=[report.tracking_number, follower.token]
    )
    with translation.override(settings.LANGUAGE_CODE):
        context = {"report": report, "link": link, "site_name": settings.LAYAN_SITE_NAME}
        subject = render_to_string("reports/email/follow_subject.txt", context).strip()
        body = render_to_string("reports/email/follow_body.txt", context)
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [follower.email])
    return True
