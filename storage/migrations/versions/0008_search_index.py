"""Full-text index over the articles' titles and texts, the prefilter of `newswatch search`
(storage/search.py): our query matcher confirms every candidate, so the index only has to keep every
article a query can match.

SQLite: an FTS5 external-content table (`articles_fts`, rowid = articles.id) kept in step by triggers.
Digits are separators, so letters joined to figures ("Su35", "km²") index as their own token ("su"),
as the matcher's tokenizer splits them: a whole word of the query is a whole token of the index.

PostgreSQL: a stored generated column `articles.search_vector` = `newswatch_search_vector(title, text)`,
the title weighted A and the text B, with a GIN index (stored, so ranking reads it instead of
re-analysing every candidate's text);
the function lower-cases, strips Latin, Cyrillic and Arabic diacritics as the matcher folds them (but keeps й),
and turns ASCII digits and punctuation into spaces for the same reason as above.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-01 12:40:00
"""

from __future__ import annotations

import string
import unicodedata
from collections.abc import Sequence

from alembic import op

revision: str = "0008"
down_revision: str | Sequence[str] | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Digits the matcher folds to ASCII ones (super- and subscripts, Arabic-Indic and Persian) split too.
OTHER_DIGITS = "¹²³⁰⁴⁵⁶⁷⁸⁹₀₁₂₃₄₅₆₇₈₉٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹"
FTS_TOKENIZER = f"unicode61 remove_diacritics 2 separators '0123456789{OTHER_DIGITS}'"


def _pg_translation() -> tuple[str, str]:
    """translate()'s FROM and TO: accented lower-case Latin and Cyrillic letters to their base letter
    (not й), Arabic ي ى ك to Persian ی ک and alef forms to ا; digits and ASCII punctuation to spaces;
    Arabic vowel marks deleted (they come last in FROM, with nothing in TO)."""
    source, target = [], []
    for code in [*range(0xE0, 0x250), *range(0x430, 0x530), *range(0x620, 0x6D4)]:
        char = chr(code)
        if char != char.lower() or char == "й":
            continue
        base = "".join(c for c in unicodedata.normalize("NFKD", char) if unicodedata.category(c) != "Mn")
        if len(base) == 1 and base != char:
            source.append(char)
            target.append(base)
    source.extend("يىك")
    target.extend("ییک")
    blanks = string.digits + OTHER_DIGITS + string.punctuation
    marks = "".join(chr(c) for c in [*range(0x64B, 0x660), 0x670])
    return "".join(source) + blanks + marks, "".join(target) + " " * len(blanks)


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute(
            "CREATE VIRTUAL TABLE articles_fts USING fts5(title, text, content='articles', content_rowid='id', "
            f'tokenize="{FTS_TOKENIZER}")'
        )
        op.execute(
            "CREATE TRIGGER articles_fts_insert AFTER INSERT ON articles BEGIN "
            "INSERT INTO articles_fts(rowid, title, text) VALUES (new.id, new.title, new.text); END"
        )
        op.execute(
            "CREATE TRIGGER articles_fts_delete AFTER DELETE ON articles BEGIN "
            "INSERT INTO articles_fts(articles_fts, rowid, title, text) VALUES ('delete', old.id, old.title, old.text);"
            " END"
        )
        op.execute(
            "CREATE TRIGGER articles_fts_update AFTER UPDATE OF title, text ON articles BEGIN "
            "INSERT INTO articles_fts(articles_fts, rowid, title, text) VALUES ('delete', old.id, old.title, old.text);"
            " INSERT INTO articles_fts(rowid, title, text) VALUES (new.id, new.title, new.text); END"
        )
        op.execute("INSERT INTO articles_fts(articles_fts) VALUES ('rebuild')")
        return
    source, target = (part.replace("'", "''") for part in _pg_translation())
    folded = f"translate(lower(coalesce(COLUMN, '')), '{source}', '{target}')"
    op.execute(
        "CREATE FUNCTION newswatch_search_vector(title text, body text) RETURNS tsvector "
        "LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT "
        f"setweight(to_tsvector('simple'::regconfig, {folded.replace('COLUMN', 'title', 1)}), 'A') || "
        f"setweight(to_tsvector('simple'::regconfig, {folded.replace('COLUMN', 'body', 1)}), 'B') $$"
    )
    op.execute(
        "ALTER TABLE articles ADD COLUMN search_vector tsvector "
        "GENERATED ALWAYS AS (newswatch_search_vector(title, text)) STORED"
    )
    op.execute("CREATE INDEX ix_articles_search ON articles USING gin (search_vector)")


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for trigger in ("insert", "delete", "update"):
            op.execute(f"DROP TRIGGER IF EXISTS articles_fts_{trigger}")
        op.execute("DROP TABLE IF EXISTS articles_fts")
        return
    op.execute("DROP INDEX IF EXISTS ix_articles_search")
    op.execute("ALTER TABLE articles DROP COLUMN IF EXISTS search_vector")
    op.execute("DROP FUNCTION IF EXISTS newswatch_search_vector(text, text)")
