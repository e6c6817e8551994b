"""Text as search sees it: accents and case folded, every word reduced to its Spanish stem.

"Formación", "formacion" and "FORMACIONES" all become `formacion`; "estudios", "estudio" and "estudiar" become
`estudi`. Folding comes first, then stemming, which is what PostgreSQL's `commission_es` configuration does
(unaccent, then spanish_stem), so the two databases agree on what matches. The stemmer is Snowball's Spanish
algorithm from the `snowballstemmer` package, the one PostgreSQL's spanish_stem is generated from.
"""

import functools
import re
import threading
import unicodedata
from dataclasses import dataclass, field

import snowballstemmer

# Letters and digits; everything else (spaces, punctuation, hyphens, underscores) separates words, as SQLite's
# unicode61 tokenizer and PostgreSQL's parser do.
WORD = re.compile(r"[^\W_]+")
# A query: "a quoted phrase", or a run of characters without spaces or quotes; either may start with "-".
QUERY_TERM = re.compile(r'(-?)"([^"]*)"?|(-?)([^\s"]+)')

_local = threading.local()


def fold(text):
    """Without accents or case: NFKD, combining marks dropped, casefolded ("Rondón" → "rondon")."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(char for char in decomposed if not unicodedata.combining(char)).casefold()


@functools.lru_cache(maxsize=50_000)
def stem(word):
    # A Snowball stemmer keeps state while it works on a word: one per thread.
    stemmer = getattr(_local, "stemmer", None)
    if stemmer is None:
        stemmer = _local.stemmer = snowballstemmer.stemmer("spanish")
    return stemmer.stemWord(word)


def words(text):
    """The folded, stemmed words of `text`, in order."""
    return [stem(word) for word in WORD.findall(fold(text or ""))]


def search_text(*parts):
    """What the search index holds for these texts: their folded, stemmed words separated by spaces."""
    return " ".join(word for part in parts if part for word in words(str(part)))


@dataclass
class Query:
    """A query as people type it (web-search style): words that must all appear, "phrases" whose words must
    appear in that order, -words that must not appear, and `or` between alternatives. Each alternative is a
    list of required phrases (a phrase is a tuple of stemmed words; a lone word is a phrase of one)."""

    alternatives: list = field(default_factory=list)
    excluded: list = field(default_factory=list)

    def __bool__(self):
        return any(self.alternatives)


def parse(text):
    query = Query(alternatives=[[]])
    for match in QUERY_TERM.finditer(text or ""):
        quoted_minus, quoted, minus, bare = match.groups()
        if bare is not None and bare.lower() == "or" and not minus:
            query.alternatives.append([])
            continue
        phrase = tuple(words(quoted if quoted is not None else bare))
        if not phrase:
            continue
        if quoted_minus or minus:
            query.excluded.append(phrase)
        else:
            query.alternatives[-1].append(phrase)
    query.alternatives = [group for group in query.alternatives if group]
    return query
