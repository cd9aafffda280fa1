"""The routing parts of the staff report page and the public form, through the Django test client: duplicate
candidates merged ("Gabungkan") or dismissed, what a merge does (count of people affected, the merged report's
followers and channel conversation hear of the primary's updates, its public page points to the primary), held
reports released or archived, permission refusals, the inbox's held filter, and the citizen's similar-reports hint."""

import datetime as dt

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from layan.channels.models import Conversation, OutboundMessage
from layan.core.demo import DEMO_PASSWORD
from layan.core.models import Region
from layan.notifications.models import Notification
from layan.reports.models import Follower, Report
from layan.reports.services import NewReport, ReporterInfo, add_support, follow, submit_report
from layan.reports.tests.links import reporter_keys_in
from layan.reports.workflow import Actor, perform
from layan.routing.models import DuplicateCandidate, Screening

from .conftest import LAMPU, LAMPU_AGAIN

pytestmark = pytest.mark.django_db

TEGALSARI = "35.78.05.1001"
ABUSIVE = ("Petugas kelurahan goblok", "Dasar anjing, sudah tiga bulan KTP saya belum jadi juga di kelurahan.")


def submit(title, description, *, email="", phone="081234567890", days_ago=0, channel="web", **kw):
    return submit_report(
        NewReport(title=title, description=description, region=Region.objects.get(code=TEGALSARI), **kw),
        reporter=ReporterInfo(name="Warga", phone=phone, email=email),
        channel=channel,
        at=timezone.now() - dt.timedelta(days=days_ago),
    )


def login(client, username):
    assert client.login(username=username, password=DEMO_PASSWORD)
    return client


def detail_url(report):
    return reverse("reports:staff-detail", args=[report.tracking_number])


def post(client, name, report, *args, **data):
    report.refresh_from_db()
    return client.post(
        reverse(f"routing:{name}", args=[report.tracking_number, *args]), {"version": report.version, **data}
    )


@pytest.fixture(autouse=True)
def _published_at_submission(settings):
    """These pages are read as the public right after submission: this deployment publishes at once (the rule of
    publication itself is tested in reports/tests/test_publication.py)."""
    settings.LAYAN_PUBLISH_ON_SUBMIT = True


@pytest.fixture
def pair(demo_agencies):
    primary = submit(*LAMPU, email="pertama@warga.id", days_ago=3)
    later = submit(*LAMPU_AGAIN, email="kedua@warga.id", phone="081298765432")
    return primary, later, DuplicateCandidate.objects.get(report=later, candidate=primary)


# --- duplicates on the staff page -------------------------------------------------------------------------------------


def test_the_admin_sees_the_candidate_with_score_place_days_and_both_actions(client, pair):
    primary, later, candidate = pair
    page = login(client, "admin.surabaya").get(detail_url(later)).content.decode()
    assert 'id="duplikat"' in page
    assert primary.tracking_number in page and primary.title in page
    assert f"mirip {round(candidate.score * 100)}%" in page
    assert "desa/kelurahan yang sama" in page and "3 hari sebelumnya" in page
    assert reverse("routing:duplicate-merge", args=[later.tracking_number, candidate.pk]) in page
    assert reverse("routing:duplicate-dismiss", args=[later.tracking_number, candidate.pk]) in page
    earlier_page = client.get(detail_url(primary)).content.decode()  # the earlier report points to the newer one
    assert "Laporan lebih baru yang mungkin mengulang laporan ini" in earlier_page
    assert detail_url(later) + "#duplikat" in earlier_page


def test_merge_through_the_page(client, pair, django_capture_on_commit_callbacks):
    primary, later, candidate = pair
    assert add_support(later, "session:a") and add_support(later, "session:b")
    Follower.objects.filter(pk=follow(later, "tetangga@warga.id").pk).update(confirmed=True)
    response = post(login(client, "admin.surabaya"), "duplicate-merge", later, candidate.pk)
    assert response.status_code == 302 and response["Location"].endswith(detail_url(later) + "#duplikat")
    later.refresh_from_db()
    primary.refresh_from_db()
    candidate.refresh_from_db()
    assert later.state == Report.State.ARSIP and later.archive_reason == Report.ArchiveReason.DUPLIKAT
    assert later.duplicate_of == primary
    assert primary.support_count == 1 + 2
    assert candidate.state == DuplicateCandidate.State.MERGED and candidate.decided_by.username == "admin.surabaya"
    assert later.events.filter(action="archive", note__contains=primary.tracking_number).exists()
    page = client.get(detail_url(later), follow=True).content.decode()
    assert "digabungkan ke laporan" in page

    # the primary's next public update reaches the merged report's reporter and follower (public link only)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        event = perform(primary, "verify", Actor(user=staff_user("admin.surabaya")), note="Sudah kami cek.")
    sent = {n.recipient: n for n in Notification.objects.filter(event=event)}
    assert {"kedua@warga.id", "tetangga@warga.id", "pertama@warga.id"} <= set(sent)
    for address in ("kedua@warga.id", "tetangga@warga.id"):
        assert sent[address].status == Notification.Status.SENT
        assert f"/laporan/{primary.tracking_number}/" in sent[address].body
        assert not reporter_keys_in(sent[address].body, primary) and not sent[address].reporter_link
    assert any(m.to == ["kedua@warga.id"] for m in mail.outbox)


def staff_user(username):
    from layan.core.models import User

    return User.objects.get(username=username)


def test_a_merged_channel_report_hears_of_the_primary_through_its_conversation(
    client, demo_agencies, django_capture_on_commit_callbacks
):
    primary = submit(*LAMPU, days_ago=2)
    later = submit(*LAMPU_AGAIN, phone="081311112222", channel=Report.Channel.WHATSAPP)
    conversation = Conversation.objects.create(channel="whatsapp", address="+6281311112222", last_report=later)
    candidate = DuplicateCandidate.objects.get(report=later)
    post(login(client, "admin.surabaya"), "duplicate-merge", later, candidate.pk)
    with django_capture_on_commit_callbacks(execute=True):
        event = perform(primary, "verify", Actor(user=staff_user("admin.surabaya")))
    message = OutboundMessage.objects.get(event=event, to_index=conversation.address_index)
    assert message.kind == OutboundMessage.Kind.UPDATE and message.channel == "whatsapp"
    assert primary.tracking_number in message.text and f"/laporan/{primary.tracking_number}/" in message.text
    assert not reporter_keys_in(message.text, primary) and not message.reporter_link


def test_the_merged_report_public_page_points_to_the_primary(client, pair):
    primary, later, candidate = pair
    post(login(client, "admin.surabaya"), "duplicate-merge", later, candidate.pk)
    client.logout()
    page = client.get(reverse("reports:public-detail", args=[later.tracking_number]))
    assert page.status_code == 200
    text = page.content.decode()
    assert "digabungkan dengan laporan" in text
    assert reverse("reports:public-detail", args=[primary.tracking_number]) in text
    assert reverse("reports:support", args=[later.tracking_number]) not in text  # support goes to the primary
    reporter_page = client.get(later.reporter_url(later.secret)).content.decode()
    assert "Laporan Anda digabungkan dengan laporan" in reporter_page
    assert primary.tracking_number in reporter_page
    # an archived report that is not a merged one stays off the public pages
    other = submit("Trotoar rusak di Jl. Embong Malang", "Trotoar berlubang besar di depan toko, bahaya bagi pejalan.")
    perform(other, "archive", Actor(user=staff_user("admin.surabaya")), reason=Report.ArchiveReason.UMUM)
    assert client.get(reverse("reports:public-detail", args=[other.tracking_number])).status_code == 404


def test_dismiss_through_the_page(client, pair):
    primary, later, candidate = pair
    response = post(login(client, "admin.surabaya"), "duplicate-dismiss", later, candidate.pk)
    assert response.status_code == 302
    candidate.refresh_from_db()
    later.refresh_from_db()
    assert candidate.state == DuplicateCandidate.State.DISMISSED
    assert later.state == Report.State.BARU and later.duplicate_of is None
    page = client.get(detail_url(later)).content.decode()
    assert "Bukan duplikat" in page  # the decision is shown...
    assert reverse("routing:duplicate-merge", args=[later.tracking_number, candidate.pk]) not in page  # ...no action


def test_merge_is_refused_for_a_stale_page_a_closed_primary_or_twice(client, pair, staff):
    primary, later, candidate = pair
    admin = login(client, "admin.surabaya")
    stale = admin.post(
        reverse("routing:duplicate-merge", args=[later.tracking_number, candidate.pk]), {"version": later.version - 1}
    )
    assert stale.status_code == 302
    later.refresh_from_db()
    assert later.state == Report.State.BARU
    assert "diubah oleh orang lain" in admin.get(detail_url(later)).content.decode()

    perform(primary, "archive", Actor(user=staff("admin.surabaya")), reason=Report.ArchiveReason.UMUM)
    post(admin, "duplicate-merge", later, candidate.pk)
    later.refresh_from_db()
    assert later.state == Report.State.BARU
    page = admin.get(detail_url(later)).content.decode()
    assert "sudah tidak terbuka" in page


def test_only_an_admin_who_may_verify_decides(client, pair, staff, demo_agencies):
    primary, later, candidate = pair
    oversight = login(client, "pengawas.inspektorat-sby")
    assert oversight.get(detail_url(later)).status_code == 200  # may read...
    assert post(oversight, "duplicate-merge", later, candidate.pk).status_code == 403  # ...not decide
    assert post(oversight, "duplicate-dismiss", later, candidate.pk).status_code == 403
    page = oversight.get(detail_url(later)).content.decode()
    assert "Gabungkan ke" not in page
    assert post(login(client, "admin.tuban"), "duplicate-merge", later, candidate.pk).status_code == 404
    assert client.get(reverse("routing:duplicate-merge", args=[later.tracking_number, candidate.pk])).status_code == 405
    candidate.refresh_from_db()
    assert candidate.state == DuplicateCandidate.State.SUGGESTED


# --- held reports ----------------------------------------------------------------------------------------------------


@pytest.fixture
def held(demo_agencies):
    report = submit(*ABUSIVE)
    assert report.held_for_review
    return report


def test_a_held_report_is_off_the_public_pages_and_shows_the_banner(client, held):
    assert client.get(reverse("reports:public-detail", args=[held.tracking_number])).status_code == 404
    assert held.tracking_number not in client.get(reverse("reports:public-list")).content.decode()
    page = login(client, "admin.surabaya").get(detail_url(held)).content.decode()
    assert "Ditahan: diduga penyalahgunaan" in page
    assert "goblok" in page and "dasar anjing" in page
    assert reverse("routing:screening-release", args=[held.tracking_number]) in page
    assert reverse("routing:screening-confirm", args=[held.tracking_number]) in page


def test_release_through_the_page(client, held):
    response = post(login(client, "admin.surabaya"), "screening-release", held)
    assert response.status_code == 302 and response["Location"].endswith("#penyaringan")
    held.refresh_from_db()
    screening = Screening.objects.get(report=held)
    assert not held.held_for_review and screening.state == Screening.State.RELEASED
    assert screening.reviewed_by.username == "admin.surabaya"
    assert held.events.filter(action="note", is_public=False).exists()
    assert client.get(reverse("reports:public-detail", args=[held.tracking_number])).status_code == 200


def test_archive_as_sara_through_the_page(client, held):
    post(login(client, "admin.surabaya"), "screening-confirm", held)
    held.refresh_from_db()
    assert held.state == Report.State.ARSIP and held.archive_reason == Report.ArchiveReason.SARA
    assert held.held_for_review
    assert Screening.objects.get(report=held).state == Screening.State.CONFIRMED


def test_review_refusals(client, held, staff):
    oversight = login(client, "pengawas.inspektorat-sby")
    assert post(oversight, "screening-release", held).status_code == 403
    assert "Lepaskan" not in oversight.get(detail_url(held)).content.decode()
    assert post(login(client, "callcenter.surabaya"), "screening-confirm", held).status_code == 404
    admin = login(client, "admin.surabaya")
    stale = admin.post(reverse("routing:screening-release", args=[held.tracking_number]), {"version": 0})
    assert stale.status_code == 302
    held.refresh_from_db()
    assert held.held_for_review and Screening.objects.get(report=held).state == Screening.State.FLAGGED
    post(admin, "screening-release", held)
    post(admin, "screening-confirm", held)  # already released: nothing more to decide
    held.refresh_from_db()
    assert held.state == Report.State.BARU and Screening.objects.get(report=held).state == Screening.State.RELEASED


def test_the_inbox_filters_held_reports(client, held):
    clean = submit("Saluran tersumbat di Jl. Tegalsari", "Air meluap ke jalan setiap hujan deras turun.")
    admin = login(client, "admin.surabaya")
    everything = admin.get(reverse("reports:inbox")).content.decode()
    assert held.tracking_number in everything and clean.tracking_number in everything
    only_held = admin.get(reverse("reports:inbox"), {"held": "on"}).content.decode()
    assert held.tracking_number in only_held and clean.tracking_number not in only_held


# --- the citizen's hint ----------------------------------------------------------------------------------------------


def test_the_hint_shows_only_open_public_reports(client, demo_agencies, staff):
    public = submit(*LAMPU, days_ago=2)
    confidential = submit("PJU Kedungdoro mati dekat masjid", LAMPU[1], privacy=Report.Privacy.RAHASIA, days_ago=2)
    held = submit("PJU Kedungdoro mati, petugas goblok", LAMPU[1], days_ago=2)
    closed = submit("Lampu jalan Kedungdoro mati depan masjid Al Falah", LAMPU[1], days_ago=2)
    perform(closed, "archive", Actor(user=staff("admin.surabaya")), reason=Report.ArchiveReason.UMUM)
    assert held.held_for_review
    response = client.get(
        reverse("routing:similar"),
        {"title": LAMPU_AGAIN[0], "description": LAMPU_AGAIN[1], "desa": TEGALSARI},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200 and response["Cache-Control"] == "private, no-store"
    fragment = response.content.decode()
    assert "<html" not in fragment and "Apakah ini masalah Anda?" in fragment
    assert public.title in fragment
    assert reverse("reports:public-detail", args=[public.tracking_number]) + "#dukung" in fragment
    for hidden in (confidential, held, closed):
        assert hidden.tracking_number not in fragment
    assert "Al Falah" not in fragment  # titles only, never the content


def test_the_hint_is_empty_for_another_problem_and_works_as_a_page(client, demo_agencies):
    public = submit(*LAMPU, days_ago=2)
    other = client.get(
        reverse("routing:similar"), {"judul": "Sampah menumpuk", "isi": "TPS penuh"}, HTTP_HX_REQUEST="1"
    )
    assert other.status_code == 200 and other.content.decode().strip() == ""
    page = client.get(reverse("routing:similar"), {"judul": LAMPU_AGAIN[0], "isi": LAMPU_AGAIN[1]})
    text = page.content.decode()
    assert "<html" in text and public.title in text
    assert reverse("reports:support", args=[public.tracking_number]) in text  # a real form outside the report form


def test_the_report_form_asks_for_the_hint_while_typing(client, demo_agencies):
    page = client.get(reverse("reports:submit")).content.decode()
    assert f'hx-get="{reverse("routing:similar")}"' in page
    assert "#id_title" in page and "#id_description" in page


def test_the_hint_is_throttled_per_client_ip(client, demo_agencies, settings):
    from django.core.cache import cache

    cache.clear()
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {**settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], "layan_similar": "2/minute"},
    }
    query = {"judul": "Sampah menumpuk", "isi": "TPS penuh"}
    try:
        assert [client.get(reverse("routing:similar"), query).status_code for _ in range(2)] == [200, 200]
        refused = client.get(reverse("routing:similar"), query)
        assert refused.status_code == 429 and int(refused["Retry-After"]) > 0
        assert "Terlalu banyak pencarian" in refused.content.decode()
        other = client.get(reverse("routing:similar"), query, REMOTE_ADDR="10.1.2.3")  # another client is not
        assert other.status_code == 200
    finally:
        cache.clear()
