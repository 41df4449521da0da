"""Data: recompute the search columns in their new shape, and seed the search synonyms.

search_text becomes `` <folded name> <folded code> [| <folded English name>] `` (a space after every
word, so whole words can be told from word starts); search_words counts the words ranking uses.
The synonyms are the ones in procedures/synonyms.py; rows that already exist are kept as staff left
them. Reversing leaves both in place (they are derived data and admin-editable rows).
"""

import re

from django.db import migrations

from core.text import fold, fold_words
from procedures.synonyms import seed_synonyms

ENGLISH_STOP_WORDS = {"a", "an", "and", "at", "by", "for", "from", "in", "of", "on", "or", "the", "to", "with"}


def _search_text(name: str, code: str, name_en: str) -> str:
    text = f" {fold(f'{name} {code}')} "
    english = [w for w in fold_words(name_en) if w not in ENGLISH_STOP_WORDS]
    return text + ("| " + " ".join(english) + " " if english else "")


def _word_count(name: str) -> int:
    words = fold_words(re.sub(r"\([^)]*\)", " ", name))
    return len(words[2:] if words[:2] == ["thu", "tuc"] else words)


def forward(apps, schema_editor):
    Procedure = apps.get_model("procedures", "Procedure")
    batch = []
    for procedure in Procedure.objects.only("id", "name", "code", "name_en").iterator(chunk_size=2000):
        procedure.search_text = _search_text(procedure.name, procedure.code, procedure.name_en)
        procedure.search_words = min(_word_count(procedure.name), 32767)
        batch.append(procedure)
        if len(batch) >= 2000:
            Procedure.objects.bulk_update(batch, ["search_text", "search_words"])
            batch = []
    if batch:
        Procedure.objects.bulk_update(batch, ["search_text", "search_words"])
    seed_synonyms(apps.get_model("procedures", "SearchSynonym"))


class Migration(migrations.Migration):
    dependencies = [("procedures", "0003_english_names_and_ranking_words")]
    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]
