"""Abuse screen: insults (KASAR), hate speech against ethnicity, religion, race or groups (SARA) and spam are held
for the admin instead of published.

:func:`screen` runs at intake for every report and records a :class:`Screening` with the words or patterns that
raised each flag. A flagged report is held (``Report.held_for_review``): it stays off the public pages and is not
auto-dispatched, until an admin releases it ("Lepaskan") or archives it as SARA/spam (:func:`release`,
:func:`confirm`).

How it reads a text
    Lower case, links counted and removed, look-alike digits and signs read as letters ("b4ngs4t", "@njing"),
    letters spelled apart joined again ("a n j i n g", "a.s.u"), every run of one letter read as one letter
    ("anjiiing", "goblokkk"), a word with ``*`` in it ("anj*ng") compared with the word lists letter for letter,
    and common endings taken off ("goblokmu", "bangsatnya").

Avoiding false alarms on real complaints
    Words that are also things people complain about (anjing, babi, monyet, celeng, tai, gila...) are insults
    only in an insulting construction: "dasar X", "X kau/lu/kalian", "kamu X", "pejabat/petugas X", "kayak X",
    or "X!" as an exclamation, and never when the report talks about animals or dirt ("anjing liar", "gigitan",
    "peternakan babi", "bau", "kandang", "hutan"...), where only "dasar X" still counts. Group names (suku,
    agama, ras) raise SARA only next to a hateful word ("usir", "bunuh", "babi", "sesat"...) or after "dasar".
    Spam is a sum of promotion signals (links, "slot gacor", "tanpa jaminan", "bunga rendah"...) minus the signs
    of a complaint ABOUT gambling or online loans ("diteror", "berantas", "resah", "tolong tindak"), so reporting
    an online-gambling site or a loan shark is not itself spam.

The word lists are Layan's own (written for this module, not copied from a published list).
"""

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from layan.core import permissions
from layan.reports.models import Report

from . import text
from .models import Screening

F = Screening.Flag

# --- word lists (compared after every run of one letter is read as one letter: "goblok", not "gooblok") -----------

# Always an insult or an obscenity (Indonesian, Javanese/Suroboyoan, a few regional and abbreviated spellings).
KASAR_WORDS = frozenset(
    """
    bangsat bajingan keparat brengsek kampret goblok goblog gblk tolol tlol idiot dungu pekok
    kontol kntl memek ngentot ngentod entot ngewe jembut pepek peler pukimak puki kimak lonte pelacur perek
    sundal haramjadah jancuk jancok jancik dancuk diancuk jamput cuk asu ajg anjg anjrit bgst bngst bgsd
    matamu ndasmu cangkemu cocotmu bacot bacod sialan taek bodat pantek cibai
    """.split()
)

# Insults only in an insulting construction: they are also what people complain about (animals, dirt, madness),
# or other words ("bego" is also the excavator that broke the water pipe, "asw" an application's name).
CONTEXT_WORDS = frozenset(
    """
    anjing babi monyet kunyuk kera celeng wedus wedhus kethek tai tahi setan iblis biadab gila sinting edan
    gendeng bodoh dongo cok bego asw
    """.split()
)

# A report about animals, dirt or people with a mental illness: the words above are then the topic.
TOPIC_WORDS = frozenset(
    """
    liar galak gigit gigitan menggigit digigit pelihara peliharaan ternak peternakan kandang kotoran bangkai rabies
    vaksin daging potong jagal gonggong menggonggong berkeliaran keliaran kawanan ekor hewan binatang kucing ayam
    tikus bau limbah hutan kebun ladang sawah tangkap penangkapan selokan got septik septic tinja jamban wc sungai
    odgj jiwa gangguan rsj telanjang gelandangan pemilik tetangga
    """.split()
)

COMPARE = frozenset({"kayak", "kaya", "seperti", "mirip", "bagai", "bagaikan", "macam", "muka", "otak"})
PRONOUNS = frozenset(
    {"kau", "kamu", "lu", "lo", "loe", "elu", "elo", "kalian", "kon", "koen", "sia", "maneh", "ente", "anda", "mu"}
)
TARGETS = frozenset(
    """
    pejabat petugas pemerintah pemkot pemkab walikota bupati gubernur lurah camat dinas polisi satpol aparat admin
    dewan dprd presiden menteri pegawai oknum birokrat pns
    """.split()
)

# Ethnic, religious, racial and other groups (as written in complaints).
GROUPS = frozenset(
    """
    cina china tionghoa chinese jawa madura batak papua ambon arab india bugis dayak sunda minang padang betawi
    flores timor nias aceh etnis islam muslim kristen katolik nasrani protestan hindu buddha budha konghucu yahudi
    ahmadiyah syiah wahabi lgbt gay lesbi homo
    """.split()
)
# Slurs: SARA on their own.
SARA_WORDS = frozenset({"cokin", "singkek", "aseng", "kadrun", "kafir", "nigger", "bencong"})
# Next to a group name: hateful. Stems (text.stem), so "dibunuh", "pembantaian" and "musnahkan" count.
HATE_STEMS = frozenset(
    """
    bunuh bantai basmi musnah ganyang sembelih penggal enyah usir laknat biadab kutuk mampus najis binatang
    anjing babi monyet kera setan iblis sesat kafir penjajah teroris parasit
    """.split()
)
# A group name that is part of a place's name ("Jl. Jawa", "Kampung Arab", "Pasar Madura", "Jawa Timur").
PLACE_BEFORE = frozenset("jl jln jalan gang gg kampung kp pasar desa kelurahan kecamatan pulau kota kabupaten".split())
PLACE_AFTER = frozenset("timur tengah barat utara selatan raya".split())
ANIMALS = frozenset({"anjing", "babi", "monyet", "kera", "celeng", "binatang"})

# Promotion: (pattern on the read text, weight). Gambling and loan WORDS alone are complaint topics, not spam.
SPAM_PATTERNS = [
    (r"\bslot gacor\b|\bgacor\b|\bmaxwin\b|\bscatter\b|\bjackpot\b", 2),
    (r"\bbonus (new )?member\b|\bmember baru\b|\blink alternatif\b|\bsitus (resmi|terpercaya|gacor)\b", 2),
    (r"\b(depo|deposit|wd|withdraw) ?(via )?(pulsa|dana|ovo|gopay|\d)", 2),
    (r"\btanpa jaminan\b|\bbunga (rendah|ringan)\b|\bsyarat mudah\b|\b(langsung|cepat) cair\b|\bcair cepat\b", 2),
    (r"\btanpa (bi ?checking|survei|survey|ribet)\b|\bproses cepat\b|\blimit (hingga|sampai|s/d)\b", 2),
    (r"\bpelangsing\b|\bpeninggi badan\b|\bobat kuat\b|\bjual followers\b|\bjasa seo\b|\bbacklink\b", 2),
    (r"\b(daftar|join|gabung) sekarang\b|\bklik (link|tautan|disini|di sini)\b|\bopen (order|reseller)\b", 2),
    (r"\bprofit harian\b|\bcuan\b|\bpasti untung\b", 2),
    (r"\bslot\b|\btogel\b|\btoto\b|\bcasino\b|\bkasino\b|\bpoker\b|\bsbobet\b|\bjudol\b|\bjudi online\b", 1),
    (r"\bpromo\b|\bdiskon\b|\bgratis ongkir\b|\bhubungi kami\b|\bchat admin\b|\bbonus\b|\bdeposit\b", 1),
    (r"\b(wa|whatsapp|telegram|tele)\s*:?\s*(\+?62|0)8\d{7,}", 1),
]
# The signs of a complaint about gambling, loans or adverts (it reports them rather than sells them).
COMPLAINT_PATTERNS = (
    r"\bditeror\b|\bteror\b|\bdebt collector\b|\bditagih\b|\bmenagih\b|\bdiancam\b|\bmengancam\b|\bberantas\b"
    r"|\bmeresahkan\b|\bresah\b|\btolong (di)?tindak\b|\bditindak\b|\btutup\b|\bblokir\b|\brazia\b|\bgerebek\b"
    r"|\bmerugikan\b|\btertipu\b|\bpenipuan\b|\bkorban\b|\bmelaporkan\b|\blaporkan\b|\bmohon\b"
)
SPAM_THRESHOLD = 4
URL = re.compile(r"(https?://\S+|www\.\S+|\b[a-z0-9-]+\.(?:com|net|org|xyz|io|me|id|co|site|online|vip|link)\b\S*)")
LEET = str.maketrans({"4": "a", "@": "a", "1": "i", "3": "e", "0": "o", "5": "s", "$": "s", "7": "t"})
SPELLED_APART = re.compile(r"\b(?:[a-z][ .\-_]){2,}[a-z]\b")
TOKEN = re.compile(r"[a-z0-9@$*]+")
WORD = re.compile(r"[a-z*]+")
RUN = re.compile(r"(.)\1+")
SUFFIXES = ("nya", "mu", "lah", "kah", "kau", "lu")

REPEAT_COUNT = 5  # the same text this many times from one sender (an impatient double send is not spam)...
REPEAT_MINUTES = 60  # ...within this many minutes is spam


def squeeze(word: str) -> str:
    return RUN.sub(r"\1", word)


KASAR_SQUEEZED = frozenset(squeeze(w) for w in KASAR_WORDS)
CONTEXT_SQUEEZED = frozenset(squeeze(w) for w in CONTEXT_WORDS)
SARA_SQUEEZED = frozenset(squeeze(w) for w in SARA_WORDS)
GROUPS_SQUEEZED = frozenset(squeeze(w) for w in GROUPS)
PRONOUNS_SQUEEZED = frozenset(squeeze(w) for w in PRONOUNS)
INSULT_BEFORE = frozenset(squeeze(w) for w in COMPARE | PRONOUNS | TARGETS)


# --- reading -------------------------------------------------------------------------------------------------------


def readable(raw: str) -> str:
    """Lower case, NFKC, links out, look-alike digits and signs read as letters inside words, letters spelled
    apart joined again."""
    value = unicodedata.normalize("NFKC", (raw or "").replace("\\n", "\n")).lower()
    value = URL.sub(" ", value)

    def unleet(match):
        token = match.group(0)
        return token.translate(LEET) if re.search(r"[a-z]", token) else token

    value = TOKEN.sub(unleet, value)
    return SPELLED_APART.sub(lambda m: re.sub(r"[ .\-_]", "", m.group(0)), value)


def words_of(value: str) -> list[str]:
    return [w for w in WORD.findall(value) if w.strip("*")]


def lexeme(word: str, lexicon: frozenset[str]) -> str | None:
    """The entry of ``lexicon`` this (squeezed) word is: itself, without a common ending, or a masked spelling."""
    if word in lexicon:
        return word
    for suffix in SUFFIXES:
        if word.endswith(suffix) and word[: -len(suffix)] in lexicon:
            return word[: -len(suffix)]
    if "*" in word and sum(c.isalpha() for c in word) >= 2:
        pattern = re.compile(re.sub(r"\*+", lambda m: f"[a-z]{{1,{len(m.group(0))}}}", word))
        return next((entry for entry in sorted(lexicon) if pattern.fullmatch(entry)), None)
    return None


@dataclass
class Text:
    """A report's text as the checks read it: the readable text, its words, the same words squeezed ("anjiing"
    -> "anjing"), their stems, and whether it talks about animals or dirt (:data:`TOPIC_WORDS`)."""

    value: str
    words: list[str]
    squeezed: list[str]
    stems: list[str]
    topic: bool

    @classmethod
    def read(cls, raw: str) -> "Text":
        value = readable(raw)
        words = words_of(value)
        squeezed = [squeeze(w) for w in words]
        stems = [text.stem(w) if w.isalpha() else w for w in words]
        topic = bool((set(words) | set(stems)) & TOPIC_WORDS)
        return cls(value, words, squeezed, stems, topic)


@dataclass
class Finding:
    flags: list[str] = field(default_factory=list)
    matches: list[dict] = field(default_factory=list)
    score: float = 0.0

    def add(self, flag: str, match: str, score: float) -> None:
        if flag not in self.flags:
            self.flags.append(flag)
        item = {"flag": flag, "text": match}
        if item not in self.matches:
            self.matches.append(item)
        self.score = max(self.score, score)


def _base(word: str) -> str:
    """ "petugasnya" -> "petugas": the neighbour of a word, for the insulting constructions."""
    return word[:-3] if word.endswith("nya") and len(word) > 5 else word


def _is_exclamation(value: str, word: str) -> bool:
    """ "anjing!" / "anjiiing !!": the word shouted on its own."""
    letters = "".join(re.escape(c) + "+" for c in word)
    return re.search(rf"\b{letters}\s*!", value) is not None


def check_insults(read: Text, finding: Finding) -> None:
    words = read.squeezed
    for n, word in enumerate(words):
        if lexeme(word, KASAR_SQUEEZED):
            finding.add(F.KASAR, read.words[n], 1.0)
            continue
        if not lexeme(word, CONTEXT_SQUEEZED):
            continue
        before = _base(words[n - 1]) if n else ""
        after = words[n + 1] if n + 1 < len(words) else ""
        if before == "dasar":
            finding.add(F.KASAR, f"dasar {word}", 0.9)
        elif read.topic:
            continue  # "anjing liar", "kotoran babi", "orang gila berkeliaran": the topic, not an insult
        elif before in INSULT_BEFORE:
            finding.add(F.KASAR, f"{before} {word}", 0.8)
        elif after in PRONOUNS_SQUEEZED:
            finding.add(F.KASAR, f"{word} {after}", 0.8)
        elif _is_exclamation(read.value, word):
            finding.add(F.KASAR, f"{word}!", 0.8)


def _hateful(read: Text, m: int) -> str:
    for candidate in (read.stems[m], read.words[m], read.squeezed[m]):
        if candidate in HATE_STEMS:
            return candidate
    return ""


def check_hate(read: Text, finding: Finding) -> None:
    words = read.squeezed
    for n, word in enumerate(words):
        if lexeme(word, SARA_SQUEEZED):
            finding.add(F.SARA, read.words[n], 1.0)
            continue
        if word not in GROUPS_SQUEEZED:
            continue
        if (n and words[n - 1] in PLACE_BEFORE) or (n + 1 < len(words) and words[n + 1] in PLACE_AFTER):
            continue  # a street, market or province, not people
        if n and words[n - 1] == "dasar":
            finding.add(F.SARA, f"dasar {read.words[n]}", 1.0)
            continue
        for m in range(max(0, n - 2), min(len(words), n + 3)):
            hate = _hateful(read, m) if m != n else ""
            if not hate or (read.topic and hate in ANIMALS):
                continue
            pair = f"{read.words[m]} {read.words[n]}" if m < n else f"{read.words[n]} {read.words[m]}"
            finding.add(F.SARA, pair, 1.0)
            break


def spam_points(raw: str, value: str) -> tuple[int, list[str]]:
    """Promotion signals in the text (links, ads for gambling, loans, slimming pills...) minus complaint signs."""
    points, found = 0, []
    links = URL.findall((raw or "").lower())
    if links:
        points += min(3, 2 * len(links) - 1)
        found.extend(links[:3])
    for pattern, weight in SPAM_PATTERNS:
        hits = list(dict.fromkeys(hit.group(0).strip() for hit in re.finditer(pattern, value)))[:2]
        points += weight * len(hits)
        found.extend(hits)
    if points and re.search(COMPLAINT_PATTERNS, value):
        points -= 2
    return points, found


def is_junk(raw: str, words: list[str]) -> str:
    """Repeated characters or words instead of a report: what it was, or ""."""
    compact = re.sub(r"\s+", "", raw or "")
    if len(compact) >= 30 and len(RUN.sub(r"\1", compact)) < 0.4 * len(compact):
        return max(re.findall(r"((.)\2{4,})", compact), key=lambda m: len(m[0]), default=("",))[0][:20]
    run, longest, repeated_word = 1, 1, ""
    for previous, current in zip(words, words[1:], strict=False):
        run = run + 1 if current == previous and len(current) >= 3 else 1  # not list markers or a literal "\n"
        if run > longest:
            longest, repeated_word = run, current
    if longest >= 6:
        return f"{repeated_word} ×{longest}"
    long_words = [w for w in words if len(w) >= 3]
    if len(long_words) >= 15 and len(set(long_words)) < 0.15 * len(long_words):
        common = max(set(long_words), key=long_words.count)
        return f"{common} ×{long_words.count(common)}"
    return ""


def repeated(report, at) -> int:
    """How many times this sender (the same citizen) sent the same text within :data:`REPEAT_MINUTES`,
    including this report."""
    if not report.reporter_id:
        return 1
    minutes = int(getattr(settings, "LAYAN_ABUSE_REPEAT_MINUTES", REPEAT_MINUTES))
    mine = _same_text_key(report.title, report.description)
    # every report has its own reporter record (layan.reports.services.citizen_for_report): the same sender is the
    # same phone or e-mail, compared through their blind indexes, or the same account
    reporter, same_sender = report.reporter, Q(reporter_id=report.reporter_id)
    if reporter.phone_index:
        same_sender |= Q(reporter__phone_index=reporter.phone_index)
    if reporter.email_index:
        same_sender |= Q(reporter__email_index=reporter.email_index)
    if reporter.user_id:
        same_sender |= Q(reporter__user_id=reporter.user_id)
    earlier = (
        Report.objects.filter(same_sender, created_at__gte=at - dt.timedelta(minutes=minutes))
        .exclude(pk=report.pk)
        .order_by("-created_at")
        .values_list("title", "description")[:20]
    )
    return 1 + sum(1 for title, description in earlier if _same_text_key(title, description) == mine)


def _same_text_key(title: str, description: str) -> str:
    """The text as sent, but for case and spacing (numbers count: "Laporan 1" and "Laporan 2" differ)."""
    return " ".join(f"{title}\n{description}".lower().split())


def examine(title: str, description: str) -> Finding:
    """The flags a text raises (no database): KASAR, SARA, SPAM, with what matched."""
    raw = f"{title}\n{description}"
    read = Text.read(raw)
    finding = Finding()
    check_insults(read, finding)
    check_hate(read, finding)
    points, found = spam_points(raw, read.value)
    if points >= SPAM_THRESHOLD:
        for item in found:
            finding.add(F.SPAM, item, min(1.0, points / 6))
    junk = is_junk(raw, read.squeezed)
    if junk:
        finding.add(F.SPAM, junk, 0.9)
    return finding


# --- intake ---------------------------------------------------------------------------------------------------------


def screen(report, *, at=None) -> Screening:
    """Screen a report just received (inside the intake transaction): record the finding; a flagged report is held
    back from the public pages and from auto-dispatch until an admin looks at it."""
    at = at or report.created_at or timezone.now()
    finding = examine(report.title, report.description)
    copies = repeated(report, at)
    if copies >= int(getattr(settings, "LAYAN_ABUSE_REPEAT_COUNT", REPEAT_COUNT)):
        finding.add(F.SPAM, _("teks yang sama %(n)s kali dari pengirim yang sama") % {"n": copies}, 1.0)
    state = Screening.State.FLAGGED if finding.flags else Screening.State.CLEAN
    screening, _created = Screening.objects.update_or_create(
        report=report,
        defaults={"flags": finding.flags, "matches": finding.matches, "score": finding.score, "state": state},
    )
    if state == Screening.State.FLAGGED and not report.held_for_review:
        report.held_for_review = True
        report.save(update_fields=["held_for_review", "updated_at"])
    return screening


# --- the admin's review ---------------------------------------------------------------------------------------------


class ReviewRefused(Exception):
    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


def _flagged(report, user) -> Screening:
    if not permissions.has_perm(user, permissions.REPORT_VERIFY, report.admin_agency_id):
        raise PermissionDenied(_("Anda tidak berwenang memeriksa laporan ini."))
    screening = Screening.objects.select_for_update().filter(report=report).first()
    if screening is None or screening.state != Screening.State.FLAGGED:
        raise ReviewRefused(_("Laporan ini tidak sedang ditahan untuk diperiksa."))
    return screening


@transaction.atomic
def release(report, user, *, version: int | None = None) -> Screening:
    """ "Lepaskan": not abuse. The report is published and handled as any other; the timeline notes who
    released it (an internal note, which also refuses a stale page)."""
    from layan.reports import workflow

    screening = _flagged(report, user)
    workflow.perform(
        report,
        "note",
        workflow.Actor(user=user),
        version=version,
        note=_("Dilepas dari penahanan penyaringan: bukan penyalahgunaan (%(flags)s).") % {"flags": _labels(screening)},
    )
    report.held_for_review = False
    report.save(update_fields=["held_for_review", "updated_at"])
    screening.state, screening.reviewed_by, screening.reviewed_at = Screening.State.RELEASED, user, timezone.now()
    screening.save(update_fields=["state", "reviewed_by", "reviewed_at"])
    return screening


@transaction.atomic
def confirm(report, user, *, version: int | None = None) -> Screening:
    """ "Arsipkan sebagai SARA/spam": the report is archived through the workflow (reason SARA) and stays held."""
    from layan.reports import workflow

    screening = _flagged(report, user)
    workflow.perform(
        report,
        "archive",
        workflow.Actor(user=user),
        version=version,
        reason=Report.ArchiveReason.SARA,
        note=_("Hasil penyaringan: %(flags)s.") % {"flags": _labels(screening)},
    )
    screening.state, screening.reviewed_by, screening.reviewed_at = Screening.State.CONFIRMED, user, timezone.now()
    screening.save(update_fields=["state", "reviewed_by", "reviewed_at"])
    return screening


def _labels(screening) -> str:
    return ", ".join(str(Screening.Flag(flag).label) for flag in screening.flags if flag in Screening.Flag.values)


# --- the staff report page -------------------------------------------------------------------------------------------


def panel(user, report) -> dict | None:
    """The banner of a held report (what matched, and the two actions for who may verify it), or the record of
    an earlier review; nothing for a clean report."""
    screening = Screening.objects.select_related("reviewed_by").filter(report=report).first()
    if screening is None or screening.state == Screening.State.CLEAN:
        return None
    can_review = screening.state == Screening.State.FLAGGED and permissions.has_perm(
        user, permissions.REPORT_VERIFY, report.admin_agency_id
    )
    flag_labels = [str(Screening.Flag(flag).label) for flag in screening.flags if flag in Screening.Flag.values]
    by_flag = {}
    for item in screening.matches:
        by_flag.setdefault(item.get("flag", ""), []).append(item.get("text", ""))
    groups = [
        (str(Screening.Flag(flag).label), matches) for flag, matches in by_flag.items() if flag in Screening.Flag.values
    ]
    return {
        "screening": screening,
        "report": report,
        "flag_labels": flag_labels,
        "groups": groups,
        "can_review": can_review,
        "can_archive": can_review and report.state in ("baru", "tertunda", "terverifikasi"),
    }
