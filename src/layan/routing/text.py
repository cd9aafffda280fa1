"""Indonesian text as citizens write it, made comparable: mojibake mended, informal spelling normalised, words
stemmed where that helps. Used by the suggestion models, the duplicate check and the abuse screen alike.

- :func:`normalize`: lower case, mojibake mended (ftfy), links/e-mails/numbers replaced by placeholders, letters
  repeated three times or more cut to one ("tolonggg" -> "tolong"), slang and abbreviations expanded (:data:`SLANG`).
- :func:`tokens`: the words of the normalised text; ``stem=True`` stems them with PySastrawi (cached per word).
"""

import re
import unicodedata
from functools import lru_cache

import ftfy

# Informal writing -> standard word. Lower case. Extended where measurement on real complaints showed it helps.
SLANG = {
    "yg": "yang",
    "jln": "jalan",
    "jl": "jalan",
    "sdh": "sudah",
    "udh": "sudah",
    "udah": "sudah",
    "dah": "sudah",
    "gk": "tidak",
    "ga": "tidak",
    "gak": "tidak",
    "nggak": "tidak",
    "ngga": "tidak",
    "engga": "tidak",
    "enggak": "tidak",
    "tdk": "tidak",
    "tak": "tidak",
    "g": "tidak",
    "mhn": "mohon",
    "mohon": "mohon",
    "dgn": "dengan",
    "dg": "dengan",
    "utk": "untuk",
    "untk": "untuk",
    "krn": "karena",
    "karna": "karena",
    "krna": "karena",
    "sy": "saya",
    "sya": "saya",
    "aq": "aku",
    "bgt": "banget",
    "bnyk": "banyak",
    "byk": "banyak",
    "blm": "belum",
    "blum": "belum",
    "sgt": "sangat",
    "tp": "tapi",
    "tpi": "tapi",
    "dr": "dari",
    "dri": "dari",
    "kpd": "kepada",
    "pd": "pada",
    "sm": "sama",
    "jg": "juga",
    "lg": "lagi",
    "bs": "bisa",
    "bsa": "bisa",
    "org": "orang",
    "tlg": "tolong",
    "tolongin": "tolong",
    "hrs": "harus",
    "msh": "masih",
    "masi": "masih",
    "skrg": "sekarang",
    "skrang": "sekarang",
    "kmrn": "kemarin",
    "dlm": "dalam",
    "dl": "dulu",
    "lbh": "lebih",
    "sblm": "sebelum",
    "stlh": "setelah",
    "kl": "kalau",
    "kalo": "kalau",
    "klo": "kalau",
    "gmn": "bagaimana",
    "gimana": "bagaimana",
    "knp": "kenapa",
    "napa": "kenapa",
    "kenapa": "kenapa",
    "trs": "terus",
    "trus": "terus",
    "bln": "bulan",
    "thn": "tahun",
    "th": "tahun",
    "hr": "hari",
    "mgg": "minggu",
    "rt": "rt",
    "rw": "rw",
    "kel": "kelurahan",
    "kec": "kecamatan",
    "kab": "kabupaten",
    "pemkot": "pemerintah kota",
    "pemkab": "pemerintah kabupaten",
    "dinsos": "dinas sosial",
    "dishub": "dinas perhubungan",
    "dlh": "dinas lingkungan hidup",
    "dispendukcapil": "dinas kependudukan pencatatan sipil",
    "dukcapil": "kependudukan pencatatan sipil",
    "satpol": "satuan polisi",
    "pju": "penerangan jalan umum",
    "bpjs": "bpjs",
    "ktp": "ktp",
    "kk": "kartu keluarga",
    "mbr": "mbr",
    "pdam": "pdam",
    "lampu2": "lampu",
    "wr": "warga",
    "wrg": "warga",
    "ank": "anak",
    "sklh": "sekolah",
    "sekolahan": "sekolah",
    "rmh": "rumah",
    "sampahnya": "sampah",
    "bnjr": "banjir",
    "bs2": "bisa",
    "sj": "saja",
    "aja": "saja",
    "doang": "saja",
    "emg": "memang",
    "emang": "memang",
    "bkn": "bukan",
    "pak": "bapak",
    "bu": "ibu",
    "mksh": "terima kasih",
    "makasih": "terima kasih",
    "trmksh": "terima kasih",
    "trims": "terima kasih",
    "thx": "terima kasih",
    "ass": "salam",
    "assalamualaikum": "salam",
    "wassalam": "salam",
    "min": "admin",
    "mimin": "admin",
}

_URL = re.compile(r"(https?://\S+|www\.\S+)")
_EMAIL = re.compile(r"\S+@\S+\.\S+")
_PLACEHOLDER = re.compile(r"\[(nik|telepon|nomor)\]", re.IGNORECASE)
_REPEAT = re.compile(r"([a-z])\1{2,}")
_REDUP = re.compile(r"\b([a-z]{2,})2\b")  # "jalan2" -> "jalan jalan" (reduplication written with a 2)
_WORD = re.compile(r"[a-z][a-z0-9]*")
_NUMBER = re.compile(r"\b\d+\b")


def normalize(text: str) -> str:
    text = ftfy.fix_text(text or "").replace("\\n", " ")
    text = unicodedata.normalize("NFKC", text).lower()
    text = _URL.sub(" tautan ", text)
    text = _EMAIL.sub(" surel ", text)
    text = _PLACEHOLDER.sub(lambda m: f" {m.group(1).lower()} ", text)
    text = _REDUP.sub(r"\1 \1", text)
    text = _REPEAT.sub(r"\1", text)
    text = _NUMBER.sub(" ", text)
    words = [SLANG.get(word, word) for word in _WORD.findall(text)]
    return " ".join(words)


@lru_cache(maxsize=1)
def _stemmer():
    from Sastrawi.Stemmer.StemmerFactory import StemmerFactory

    return StemmerFactory().create_stemmer()


@lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    return _stemmer().stem(word) or word


def tokens(text: str, *, stem_words: bool = False) -> list[str]:
    words = normalize(text).split()
    return [stem(word) for word in words] if stem_words else words
