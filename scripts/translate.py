"""Maintainers' helper: refresh the English catalogue and fill it from a JSON file of msgid -> msgstr.

    python scripts/translate.py                # makemessages + report untranslated
    python scripts/translate.py new.json       # also fill translations from new.json, then compile

Source strings are Bahasa Indonesia (the default language); English lives in src/layan/locale/en.
"""

import json
import subprocess
import sys
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parent.parent
PO = ROOT / "src/layan/locale/en/LC_MESSAGES/django.po"


def main():
    subprocess.run(
        ["layan", "makemessages", "-l", "en", "--no-obsolete", "--no-location"], cwd=ROOT / "src/layan", check=True
    )
    po = polib.pofile(str(PO))
    if len(sys.argv) > 1:
        table = json.loads(Path(sys.argv[1]).read_text())
        for entry in po:
            if entry.msgid in table:
                value = table[entry.msgid]
                if entry.msgid_plural:
                    forms = value if isinstance(value, list) else [value, value]
                    entry.msgstr_plural = {0: forms[0], 1: forms[1]}
                else:
                    entry.msgstr = value
                if "fuzzy" in entry.flags:
                    entry.flags.remove("fuzzy")
        po.save()
    missing = [e.msgid for e in po if not e.translated()]
    for msgid in missing:
        print("untranslated:", json.dumps(msgid, ensure_ascii=False))
    subprocess.run(["layan", "compilemessages", "-l", "en"], cwd=ROOT / "src/layan", check=True)
    print(f"{len(po) - len(missing)}/{len(po)} translated")


if __name__ == "__main__":
    main()
