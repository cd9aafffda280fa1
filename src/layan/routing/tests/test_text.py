"""Normalisation of Indonesian text as citizens write it (informal spelling, mojibake, reduplication)."""

import pytest

from layan.routing.text import normalize, stem, tokens


@pytest.mark.parametrize(
    ("written", "normalised"),
    [
        ("Mhn jln yg rusak sdh lama gk diperbaiki", "mohon jalan yang rusak sudah lama tidak diperbaiki"),
        ("tdk ada yg dtg, tlg dibantu", "tidak ada yang datang tolong dibantu"),
        ("TOLONGGG segera!!!", "tolong segera"),
        ("maaaf pak", "maaf bapak"),
        ("jalan2 rusak", "jalan jalan rusak"),
        ("lampu² mati", "lampu lampu mati"),
        ("ｊａｌａｎ rusak", "jalan rusak"),
        ("kafé ramai", "kafe ramai"),
        ("lihat https://contoh.id/foto?a=1 atau www.contoh.id", "lihat tautan atau tautan"),
        ("kirim ke warga.kita@contoh.id ya", "kirim ke surel ya"),
        ("NIK saya [NIK] hp [TELEPON]", "nik saya nik hp telepon"),
        ("RT 05 RW 3 no. 12", "rt rw no"),
        ("baris satu\\nbaris dua", "baris satu baris dua"),
        ("", ""),
    ],
)
def test_normalize_informal_writing(written, normalised):
    assert normalize(written) == normalised


def test_normalize_mends_emoji_mojibake_without_losing_words():
    """An emoji read with the wrong encoding ("ðŸ™\\x8f" for a folded-hands emoji) leaves no stray words."""
    assert normalize("mohon dibantu ðŸ™\x8f terima kasih") == "mohon dibantu terima kasih"
    assert normalize("mohon dibantu 🙏 terima kasih") == "mohon dibantu terima kasih"
    assert normalize("Ã©tÃ© sampah") == "ete sampah"  # "été" read as Windows-1252, mended then unaccented


def test_normalize_is_deterministic_and_idempotent():
    text = "Assalamu'alaikum wr.wb. Mhn bantuannya, got di gg 3 mampet bgt sdh 2 mgg"
    once = normalize(text)
    assert once == normalize(text)
    assert normalize(once) == once


def test_tokens_and_stems():
    assert tokens("Jln yg berlubang") == ["jalan", "yang", "berlubang"]
    assert tokens("perbaikan jalan berlubang", stem_words=True) == ["baik", "jalan", "lubang"]
    assert stem("diperbaiki") == "baik"
    assert stem("sampah") == "sampah"
