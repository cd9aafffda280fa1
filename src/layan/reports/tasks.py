from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django_tasks import task


@task(queue_name="notifications")
def send_follow_confirmation(follower_id: int) -> bool:
    """Email the confirmation link of a follow request (double opt-in)."""
    from .models import Follower, new_secret, secret_digest

    follower = Follower.objects.select_related("report").filter(pk=follower_id, confirmed=False).first()
    if follower is None:
        return False
    report = follower.report
    # the key is made now and leaves only in this e-mail; the row keeps its digest (a resend replaces it)
    token = new_secret()
    Follower.objects.filter(pk=follower.pk).update(token_digest=secret_digest(token))
    path = reverse("reports:follow-confirm", args=[report.tracking_number, token])
    link = settings.LAYAN_PUBLIC_URL.rstrip("/") + path
    with translation.override(settings.LANGUAGE_CODE):
        context = {"report": report, "link": link, "site_name": settings.LAYAN_SITE_NAME}
        subject = render_to_string("reports/email/follow_subject.txt", context).strip()
        body = render_to_string("reports/email/follow_body.txt", context)
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [follower.email])
    return True
