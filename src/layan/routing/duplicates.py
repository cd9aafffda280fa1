"""Duplicate candidates: a new report close in text, place and time to an earlier OPEN report is suggested to the
admin as its duplicate, and the citizen typing a report sees similar open public reports ("is this your problem?").

How it stays fast with hundreds of thousands of open reports
    Every open report keeps up to :data:`INDEX_WORDS` of its most distinctive words in :class:`TextKey` (a stable
    63-bit hash of each stemmed, normalised word, minus stop words; the report's time beside it). A new report
    looks up its own words (up to :data:`QUERY_WORDS`) in ONE query: per word, the newest :data:`POSTINGS_CAP`
    postings inside the time window (an index range scan of ``(key, created_at)``), all words in one
    ``UNION ALL``. The work is bounded by words x cap, whatever the number of open reports. At most :data:`POOL`
    reports, ranked by the rare words they share, are then scored from their own keys: two more indexed queries.
    A report leaves the index when it stops being open (``services.on_left_open``). bench/duplicates_bench.py
    measures it (bench/RESULTS.md, "Duplicate check").

Word rarity, and why so
    The rarity of a word is read from that same query: how many postings it has in the window, counted up to the
    cap, weighing ``ln(1 + cap / (1 + postings))``: 0.7 at the cap ("jalan", "sampah"), 2.1 for a word with 8
    postings or fewer ("kedungdoro", "gorong"); rarer still counts the same (a name, a typo or a word nobody else
    wrote would only drown the words two reports share). Nothing else to maintain: no frequency table to keep in
    step with the index, no counter row that every intake would update (and lock); it follows the deployment's
    own language and topics, and costs nothing extra; the cap makes it an estimate only where only "common"
    matters. Two small lists written for Layan help where counts cannot: function words and complaint boilerplate
    never reach the index (``data/stopwords-id.txt``), and words naming a kind of problem ("lampu", "rusak",
    ``data/common-words-id.txt``) count as if they had half the cap of postings, so a young deployment with few
    reports does not take "lampu mati" for a match. A report keeps its rarest :data:`INDEX_WORDS` in the index.
    Only words below the cap rank the pool: a common word's postings are its newest ones only.

Scoring (0..1) of a candidate = text x place x time
    - text: the cosine of the two reports' indexed words, each weighing its rarity;
    - place: by distance when both have coordinates (1 within 100 m, 0.35 at 1 km, 0.1 far away), else by
      region code: same desa/kelurahan 1, same kecamatan 0.8, same kabupaten/kota 0.35 (the same street under
      the wrong kecamatan still shows, lower), elsewhere 0.1, unknown 0.6;
    - time: 1 on the same day, halving its distance to 0.5 every 14 days.
    Candidates at or above ``LAYAN_DUPLICATE_THRESHOLD`` are kept, the best :data:`KEEP`. The default, 0.22, is
    where the benchmark's re-told reports were found most often while fewer than 3 in 100 new problems got a
    suggestion; 0.8 and above is a near copy (``suggest`` then does not dispatch automatically).

Settings: ``LAYAN_DUPLICATE_WINDOW_DAYS`` (30): how far back an earlier report counts for the admin;
``LAYAN_DUPLICATE_HINT_DAYS`` (90): for the citizen's hint; ``LAYAN_DUPLICATE_THRESHOLD`` (0.22).
"""

import datetime as dt
import hashlib
import math
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from layan.core import permissions, pii
from layan.reports.models import Follower, Report

from . import text
from .models import DuplicateCandidate, TextKey

QUERY_WORDS = 40  # distinct words of a report looked up in the index
INDEX_WORDS = 20  # of those, the rarest kept in the index for the report
POSTINGS_CAP = 64  # newest postings read per word: bounds the work for common words and estimates their rarity
COMMON_POSTINGS = POSTINGS_CAP // 2  # how many postings a word of data/common-words-id.txt has at least
POOL = 20  # reports scored in full: those sharing the most rare words
MIN_SHARED = 2  # the citizen's hint needs at least this many words typed
MIN_SHARED_WEIGHT = 1.2  # to be scored, a candidate shares a fairly rare word (<= 25 postings in the window)...
COMMON_WORD_RANK = 0.4  # ...or three words at the postings cap
KEEP = 3  # best candidates kept per report
MIN_WORD = 3  # shorter words (rt, rw, di, no) say nothing about the problem
PLACEHOLDERS = frozenset({"tautan", "surel", "nik", "telepon", "nomor"})  # what text.normalize puts for links etc.
PLACE_FACTOR = {"desa": 1.0, "kecamatan": 0.8, "kabkota": 0.35, "": 0.1, None: 0.6}
RARE_WEIGHT = math.log(1 + POSTINGS_CAP / (1 + 8))  # 2.09: a word with at most 8 postings in the window is rare

ARCHIVABLE = ("baru", "tertunda", "terverifikasi")  # the archive transition's sources (reports.workflow)


def window_days() -> int:
    return int(getattr(settings, "LAYAN_DUPLICATE_WINDOW_DAYS", 30))


def hint_days() -> int:
    return int(getattr(settings, "LAYAN_DUPLICATE_HINT_DAYS", 90))


def threshold() -> float:
    return float(getattr(settings, "LAYAN_DUPLICATE_THRESHOLD", 0.22))


# --- words and keys ------------------------------------------------------------------------------------------------


@lru_cache(maxsize=1)
def stop_words() -> frozenset[str]:
    path = Path(__file__).resolve().parent / "data" / "stopwords-id.txt"
    words = (line.strip() for line in path.read_text(encoding="utf-8").splitlines())
    return frozenset(word for word in words if word and not word.startswith("#")) | PLACEHOLDERS


@lru_cache(maxsize=1)
def common_keys() -> frozenset[int]:
    """Keys of the words that name a kind of problem or place (``data/common-words-id.txt``): counted as if
    already in :data:`COMMON_POSTINGS` reports, so a young index with few reports does not take "lampu mati"
    for a match."""
    path = Path(__file__).resolve().parent / "data" / "common-words-id.txt"
    lines = (line.strip() for line in path.read_text(encoding="utf-8").splitlines())
    return frozenset(
        word_key(text.stem(word)) for line in lines if line and not line.startswith("#") for word in line.split()
    )


@lru_cache(maxsize=200_000)
def word_key(word: str) -> int:
    """A stable 63-bit key of a word (the same in every process and database; fits a signed BIGINT)."""
    return int.from_bytes(hashlib.blake2b(word.encode(), digest_size=8).digest(), "big") >> 1


def content_words(*parts: str, limit: int = QUERY_WORDS) -> list[str]:
    """The distinct stemmed words of ``parts`` that can tell one problem from another, in order of appearance
    (so the title's words come first), at most ``limit``."""
    stop = stop_words()
    result: dict[str, None] = {}
    for part in parts:
        for word in text.tokens(part or ""):
            if len(word) < MIN_WORD or word in stop:
                continue
            stem = text.stem(word)
            if len(stem) < MIN_WORD or stem in stop:
                continue
            result[stem] = None
            if len(result) >= limit:
                return list(result)
    return list(result)


def place_key(region_id: str | None) -> int | None:
    """A report's place as one more key of the index ("@35.78.05.1001"): the reports of a village in the window
    come back with the words, so an older report at the same place is not lost behind the newest postings of its
    common words. It ranks candidates; the text score leaves it out (the place is scored on its own)."""
    return word_key(f"@{region_id}") if region_id else None


def report_words(report) -> list[str]:
    return content_words(report.title, report.address, report.description)


def rarity(postings: int) -> float:
    return math.log(1 + POSTINGS_CAP / (1 + postings))


# --- the index ------------------------------------------------------------------------------------------------------


def _adapt(value: dt.datetime):
    return connection.ops.adapt_datetimefield_value(value)


def postings(keys: list[int], since: dt.datetime, until: dt.datetime) -> list[tuple[int, int]]:
    """(key, report id) of the newest postings of each key between ``since`` and ``until``, at most
    :data:`POSTINGS_CAP` per key: one query, one index range scan per key."""
    if not keys:
        return []
    quote = connection.ops.quote_name
    table, key = quote(TextKey._meta.db_table), quote("key")
    one = (
        f"SELECT * FROM (SELECT {key}, report_id FROM {table} WHERE {key} = %s AND created_at >= %s "
        f"AND created_at <= %s ORDER BY created_at DESC LIMIT {POSTINGS_CAP}) AS p{{n}}"
    )
    sql = " UNION ALL ".join(one.format(n=n) for n in range(len(keys)))
    start, stop = _adapt(since), _adapt(until)
    params = [value for k in keys for value in (k, start, stop)]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def unindex(report) -> None:
    """The report is no longer open: it stops being a candidate. (One DELETE on the ``report_id`` index.)"""
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {quote(TextKey._meta.db_table)} WHERE report_id = %s", [report.pk])


def index(report, keys: list[int]) -> None:
    """Add the report's keys to the index (one multi-row INSERT: this runs at every intake)."""
    if not keys:
        return
    quote = connection.ops.quote_name
    table, key = quote(TextKey._meta.db_table), quote("key")
    created = _adapt(report.created_at)
    values = ", ".join(["(%s, %s, %s)"] * len(keys))
    params = [value for k in keys for value in (report.pk, k, created)]
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {table} (report_id, {key}, created_at) VALUES {values}", params)


# --- finding and scoring ---------------------------------------------------------------------------------------------


@dataclass
class Query:
    """What is known of the report being compared: its words' keys (all looked up, and the rarest ones that
    stand for it), where and when."""

    keys: list[int]
    region_id: str | None = None
    latitude: float | None = None
    longitude: float | None = None
    at: dt.datetime = field(default_factory=timezone.now)
    exclude_id: int | None = None
    weights: dict[int, float] = field(default_factory=dict)
    chosen: list[int] = field(default_factory=list)

    @property
    def place(self) -> int | None:
        return place_key(self.region_id)

    @property
    def index_keys(self) -> list[int]:
        """What the index keeps of the report: its chosen words and its place."""
        return self.chosen + ([self.place] if self.place is not None else [])


@dataclass
class Match:
    report_id: int
    score: float
    text_score: float
    same_place: str
    distance_m: float | None
    days_apart: float


def _look_up(query: Query, days: int) -> list[int]:
    """Reports sharing words with ``query`` in the window, the :data:`POOL` best ranked by the rare words shared.
    Fills ``query.weights`` (rarity of each key) and ``query.chosen`` (its rarest :data:`INDEX_WORDS` keys)."""
    looked_up = query.keys + ([query.place] if query.place is not None else [])
    rows = postings(looked_up, query.at - dt.timedelta(days=days), query.at)
    counts = Counter(key for key, _report in rows)
    common = common_keys()
    known = {key: max(counts[key], COMMON_POSTINGS if key in common else 0) for key in looked_up}
    query.weights = {key: rarity(known[key]) for key in looked_up}
    order = {key: n for n, key in enumerate(query.keys)}
    query.chosen = sorted(query.keys, key=lambda k: (known[k], order[k]))[:INDEX_WORDS]
    # Only words below the cap rank the candidates: a common word's postings are its newest ones only, so counting
    # it would push every recent report on the same topic ahead of an older report on the same street.
    ranking = {key: COMMON_WORD_RANK if counts[key] >= POSTINGS_CAP else query.weights[key] for key in looked_up}
    rank: dict[int, float] = defaultdict(float)
    for key, report_id in rows:
        rank[report_id] += ranking[key]
    rank.pop(query.exclude_id, None)
    ranked = sorted(
        (rid for rid, value in rank.items() if value >= MIN_SHARED_WEIGHT), key=rank.__getitem__, reverse=True
    )
    return ranked[:POOL]


def text_similarity(mine: list[int], theirs: set[int], weights: dict[int, float]) -> float:
    """Weighted cosine of two key sets (0..1). A word weighs its rarity, at most :data:`RARE_WEIGHT`: beyond "rare"
    (a handful of postings) more rarity means a name, a typo or a word nobody else used, which would only drown
    the words two reports share."""
    return Similarity(mine, weights)(theirs)


class Similarity:
    """:func:`text_similarity` against one report's keys, its own half computed once."""

    def __init__(self, mine: list[int], weights: dict[int, float]):
        self.weights = weights
        self.mine = {key: self.weight(key) ** 2 for key in mine}
        self.norm = math.sqrt(sum(self.mine.values()))

    def weight(self, key: int) -> float:
        return min(self.weights.get(key, RARE_WEIGHT), RARE_WEIGHT)

    def __call__(self, theirs: set[int]) -> float:
        shared = sum(self.mine[key] for key in theirs if key in self.mine)
        if not shared:
            return 0.0
        norm = math.sqrt(sum(self.weight(key) ** 2 for key in theirs))
        return min(1.0, shared / (self.norm * norm))


def same_place(a: str | None, b: str | None) -> str | None:
    """How close two region codes are: "desa", "kecamatan", "kabkota", "" (elsewhere) or None (unknown)."""
    if not a or not b:
        return None
    common = 0
    for left, right in zip(a.split("."), b.split("."), strict=False):
        if left != right:
            break
        common += 1
    return {4: "desa", 3: "kecamatan", 2: "kabkota"}.get(common, "")


def distance_m(lat1, lon1, lat2, lon2) -> float | None:
    if None in (lat1, lon1, lat2, lon2):
        return None
    lat1, lon1, lat2, lon2 = map(math.radians, (float(lat1), float(lon1), float(lat2), float(lon2)))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * 6_371_000 * math.asin(math.sqrt(h))


def place_factor(place: str | None, distance: float | None) -> float:
    if distance is not None:
        return 0.1 + 0.9 * math.exp(-max(distance - 100, 0) / 700)
    return PLACE_FACTOR[place]


def time_factor(days: float) -> float:
    return 0.5 + 0.5 * 0.5 ** (max(days, 0) / 14)


def keys_of(report_ids: list[int]) -> dict[int, set[int]]:
    """The indexed keys of these reports (the index on ``report_id``)."""
    result: dict[int, set[int]] = defaultdict(set)
    if not report_ids:
        return result
    quote = connection.ops.quote_name
    marks = ", ".join(["%s"] * len(report_ids))
    sql = f"SELECT report_id, {quote('key')} FROM {quote(TextKey._meta.db_table)} WHERE report_id IN ({marks})"
    with connection.cursor() as cursor:
        cursor.execute(sql, report_ids)
        for report_id, key in cursor.fetchall():
            result[report_id].add(key)
    return result


def find(query: Query, *, days: int, reports, minimum: float) -> list[Match]:
    """Score the candidates of ``query`` among ``reports`` (a queryset: open ones, public ones...), best first."""
    pool = _look_up(query, days)
    if not pool:
        return []
    near = []  # (id, region, distance, days, place x time): text can at best make it 1 x place x time
    for report_id, region_id, latitude, longitude, created_at in reports.filter(pk__in=pool).values_list(
        "pk", "region_id", "latitude", "longitude", "created_at"
    ):
        place = same_place(query.region_id, region_id)
        distance = distance_m(query.latitude, query.longitude, latitude, longitude)
        days_apart = (query.at - created_at).total_seconds() / 86400
        factor = place_factor(place, distance) * time_factor(days_apart)
        if factor >= minimum:
            near.append((report_id, region_id, place, distance, days_apart, factor))
    their_keys = keys_of([row[0] for row in near])
    similarity = Similarity(query.chosen, query.weights)
    matches = []
    for report_id, region_id, place, distance, days_apart, factor in near:
        text_score = similarity(their_keys[report_id] - {place_key(region_id)})
        score = text_score * factor
        if score >= minimum:
            matches.append(Match(report_id, round(score, 4), round(text_score, 4), place or "", distance, days_apart))
    matches.sort(key=lambda m: (-m.score, m.days_apart))
    return matches


def _query_for(report, at) -> Query:
    return Query(
        keys=list(dict.fromkeys(word_key(w) for w in report_words(report))),
        region_id=report.region_id,
        latitude=report.latitude,
        longitude=report.longitude,
        at=at,
        exclude_id=report.pk,
    )


def index_and_find(report, *, at) -> list[DuplicateCandidate]:
    """At intake (inside its transaction): suggest the earlier open reports this one may repeat, and index it."""
    query = _query_for(report, at)
    unindex(report)  # called again for the same report: start afresh
    earlier = Report.objects.filter(state__in=Report.OPEN_STATES, held_for_review=False, created_at__lte=at)
    matches = find(query, days=window_days(), reports=earlier.exclude(pk=report.pk), minimum=threshold())[:KEEP]
    if report.state in Report.OPEN_STATES:
        index(report, query.index_keys)
    rows = [
        DuplicateCandidate(
            report=report,
            candidate_id=m.report_id,
            score=m.score,
            text_score=m.text_score,
            same_place=m.same_place,
            distance_m=m.distance_m,
            days_apart=round(m.days_apart, 2),
        )
        for m in matches
    ]
    return DuplicateCandidate.objects.bulk_create(rows, ignore_conflicts=True) if rows else []


def rebuild_index() -> int:
    """Index every open report again, oldest first, each choosing its words as it did at intake; for when the
    word handling of ``routing.text`` (normalisation, stemming) or the stop words changed, which changes the
    keys. Returns how many reports were indexed. No candidates are made."""
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {connection.ops.quote_name(TextKey._meta.db_table)}")
    done = 0
    reports = Report.objects.filter(state__in=Report.OPEN_STATES).order_by("created_at", "pk")
    for report in reports.only("title", "description", "address", "region_id", "created_at").iterator(2000):
        _index_alone(report, at=report.created_at)
        done += 1
    return done


def reindex(report, *, at) -> None:
    """A report that is open again (reopened after a closure) goes back into the index; no candidates are made."""
    unindex(report)
    _index_alone(report, at=at)


def _index_alone(report, *, at) -> None:
    """Index the report, choosing its words against the index as it stands at ``at``, as the intake does."""
    query = _query_for(report, at)
    _look_up(query, window_days())
    index(report, query.index_keys)


def similar_public(title: str, description: str, region_id: str | None = None, *, limit: int = 3) -> list[Report]:
    """For the citizen typing a report: up to ``limit`` similar OPEN PUBLIC reports (never confidential, archived
    or held ones), best first. Read-only."""
    from layan.reports.services import public_reports

    words = content_words(title, description)
    if len(words) < MIN_SHARED:
        return []
    query = Query(keys=list(dict.fromkeys(word_key(w) for w in words)), region_id=region_id or None)
    visible = public_reports().filter(state__in=Report.OPEN_STATES)
    matches = find(query, days=hint_days(), reports=visible, minimum=threshold())[:limit]
    if not matches:
        return []
    by_id = visible.select_related("region").in_bulk([m.report_id for m in matches])
    return [by_id[m.report_id] for m in matches if m.report_id in by_id]


# --- the admin's decision --------------------------------------------------------------------------------------------


class MergeRefused(Exception):
    """The merge cannot be done; ``message`` is for the admin."""

    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


def _require_verifier(user, report) -> None:
    if not permissions.has_perm(user, permissions.REPORT_VERIFY, report.admin_agency_id):
        raise PermissionDenied(_("Anda tidak berwenang memutuskan duplikat laporan ini."))


@transaction.atomic
def merge(candidate: DuplicateCandidate, user, *, version: int | None = None) -> Report:
    """Merge the new report into the earlier one ("Gabungkan"): the new one is archived as a duplicate of it
    through the workflow, the earlier one counts the people affected (1 + those who supported the new one), and
    whoever followed the new one by e-mail follows the earlier one from now on (its channel conversation hears
    of it through ``channels.outbound``). Reports already merged into the new one move along to the earlier one.
    Returns the earlier (primary) report."""
    from layan.channels.outbound import email_channel_addresses
    from layan.reports import services as reports
    from layan.reports import workflow

    report = candidate.report
    _require_verifier(user, report)
    if candidate.state != DuplicateCandidate.State.SUGGESTED:
        raise MergeRefused(_("Saran duplikat ini sudah diputuskan."))
    primary = Report.objects.select_for_update(of=("self",)).filter(pk=candidate.candidate_id).first()
    if primary is None or not reports.staff_reports(user).filter(pk=primary.pk).exists():
        raise MergeRefused(_("Laporan utama tidak ditemukan."))
    if primary.state not in Report.OPEN_STATES or primary.held_for_review:
        raise MergeRefused(
            _("Laporan %(number)s sudah tidak terbuka, sehingga tidak dapat menjadi laporan utama.")
            % {"number": primary.tracking_number}
        )
    note = _("Digabungkan dengan laporan %(number)s.") % {"number": primary.tracking_number}
    workflow.perform(
        report,
        "archive",
        workflow.Actor(user=user),
        version=version,
        reason=Report.ArchiveReason.DUPLIKAT,
        duplicate_of=primary,
        note=note,
    )
    Report.objects.filter(pk=primary.pk).update(support_count=F("support_count") + 1 + report.support_count)
    for earlier in Report.objects.filter(duplicate_of=report, archive_reason=Report.ArchiveReason.DUPLIKAT):
        earlier.duplicate_of = primary
        earlier.save(update_fields=["duplicate_of", "updated_at"])
    _move_followers(report, primary, skip=email_channel_addresses(report))
    candidate.state, candidate.decided_by, candidate.decided_at = DuplicateCandidate.State.MERGED, user, timezone.now()
    candidate.save(update_fields=["state", "decided_by", "decided_at"])
    primary.refresh_from_db()
    return primary


def _move_followers(report, primary, *, skip: set[str]) -> None:
    """Confirmed e-mail followers of ``report`` (its reporter too) follow ``primary`` from now on, as ordinary
    followers: they get its public page, never its reporter's secret link. Addresses that hear of ``report``
    through the e-mail channel are skipped (they get the update in their thread)."""
    for email in report.followers.filter(confirmed=True).values_list("email", flat=True):
        if email.lower() in skip:
            continue
        Follower.objects.get_or_create(
            report=primary, email_index=pii.email_index(email), defaults={"email": email, "confirmed": True}
        )


def dismiss(candidate: DuplicateCandidate, user) -> None:
    """ "Bukan duplikat": the suggestion is set aside and stays so."""
    _require_verifier(user, candidate.report)
    if candidate.state != DuplicateCandidate.State.SUGGESTED:
        raise MergeRefused(_("Saran duplikat ini sudah diputuskan."))
    candidate.state, candidate.decided_by, candidate.decided_at = (
        DuplicateCandidate.State.DISMISSED,
        user,
        timezone.now(),
    )
    candidate.save(update_fields=["state", "decided_by", "decided_at"])


# --- the staff report page -------------------------------------------------------------------------------------------

PLACE_LABELS = {
    "desa": gettext_lazy("desa/kelurahan yang sama"),
    "kecamatan": gettext_lazy("kecamatan yang sama"),
    "kabkota": gettext_lazy("kabupaten/kota yang sama"),
    "": gettext_lazy("wilayah berbeda"),
}


def panel(user, report) -> dict | None:
    """Duplicate candidates of ``report`` that ``user`` may see, whether the user may decide (verify right for
    the report's admin agency, report still archivable), the reports merged into it, and the newer reports that
    may repeat it (decided on their own pages)."""
    from layan.reports.services import staff_reports

    rows = list(
        DuplicateCandidate.objects.filter(report=report)
        .select_related("candidate__region", "candidate__duplicate_of", "decided_by")
        .order_by("-score", "pk")
    )
    visible = set(staff_reports(user).filter(pk__in=[row.candidate_id for row in rows]).values_list("pk", flat=True))
    rows = [row for row in rows if row.candidate_id in visible]
    merged_here = list(
        staff_reports(user)
        .filter(duplicate_of=report, archive_reason=Report.ArchiveReason.DUPLIKAT)
        .order_by("created_at")
        .only("tracking_number", "title", "created_at")
    )
    # the candidate rows first (by their index), then which of their reports the user may see: asked as one
    # query ("report IN staff_reports"), SQLite scanned the user's reports first (1 s at a million)
    pointing = list(
        DuplicateCandidate.objects.filter(candidate=report, state=DuplicateCandidate.State.SUGGESTED)
        .select_related("report")
        .order_by("-score", "pk")[:100]
    )
    seen = set(staff_reports(user).filter(pk__in=[row.report_id for row in pointing]).values_list("pk", flat=True))
    newer = [row for row in pointing if row.report_id in seen][:KEEP]
    if not rows and not merged_here and not newer:
        return None
    can_decide = report.state in ARCHIVABLE and permissions.has_perm(
        user, permissions.REPORT_VERIFY, report.admin_agency_id
    )
    for row in rows:
        row.score_percent = round(row.score * 100)
        row.place_label = _place_label(row, report)
        row.days = round(row.days_apart)
        candidate = row.candidate
        row.candidate_open = candidate.state in Report.OPEN_STATES and not candidate.held_for_review
        row.can_decide = can_decide and row.state == DuplicateCandidate.State.SUGGESTED
        row.can_merge = row.can_decide and row.candidate_open
    return {
        "report": report,
        "candidates": rows,
        "merged_here": merged_here,
        "newer": newer,
        "can_decide": can_decide,
        "suggested": sum(1 for row in rows if row.state == DuplicateCandidate.State.SUGGESTED),
    }


def _place_label(row, report) -> str:
    """ "kecamatan yang sama", or "350 m, desa/kelurahan yang sama" when both reports have coordinates."""
    known = bool(report.region_id and row.candidate.region_id)
    label = str(PLACE_LABELS.get(row.same_place, "")) if known else _("wilayah tidak diketahui")
    if row.distance_m is None:
        return label
    if row.distance_m < 1000:
        distance = _("%(m)s m") % {"m": round(row.distance_m)}
    else:
        distance = _("%(km)s km") % {"km": f"{row.distance_m / 1000:.1f}".replace(".", ",")}
    return f"{distance}, {label}" if known else distance


def refuse_message(exc: Exception) -> str:
    """The user-facing text of a refusal from :func:`merge` / :func:`dismiss` or the workflow."""
    if isinstance(exc, ValidationError):
        return " ".join(exc.messages)
    return str(getattr(exc, "message", exc))
