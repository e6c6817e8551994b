"""Suggested agreement references: the parties, the session, the sector and a running number.

The demo's references show the pattern: VE-BY-VIII-IND-01 is the first industry agreement of session VIII of
the Venezuela–Belarus commission; our country comes first, then the other parties.
"""

import re
import unicodedata

from ..models import Agreement

RUNNING_NUMBER = re.compile(r"(\d+)")


def sector_code(sector):
    """Industria → IND, Ciencia y tecnología → CYT: three letters of one word, or the initials of several."""
    plain = unicodedata.normalize("NFKD", sector.name).encode("ascii", "ignore").decode()
    words = re.findall(r"[A-Za-z]+", plain)
    if not words:
        return "GEN"
    code = words[0][:3] if len(words) == 1 else "".join(word[0] for word in words[:3])
    return code.upper()


def party_codes(commission):
    """Our country first (the lead institution's), then the other parties by code."""
    codes = sorted(country.code for country in commission.parties.all())
    lead = commission.lead_institution
    ours = lead.country.code if lead is not None else None
    if ours in codes:
        codes.remove(ours)
        codes.insert(0, ours)
    return codes


def reference_prefix(session, sector):
    """ "VE-BY-VIII-IND-": everything but the running number."""
    parts = [*party_codes(session.commission), session.roman_number, sector_code(sector)]
    return "-".join(part for part in parts if part) + "-"


def suggest_references(session, sector, count=1, taken=()):
    """The next `count` free references after the highest running number already used with this prefix.

    `taken` are references typed on the page but not saved yet. One query, on the reference's unique index.
    """
    prefix = reference_prefix(session, sector)
    used = set(Agreement.objects.filter(reference_code__startswith=prefix).values_list("reference_code", flat=True))
    used.update(taken)
    endings = [code[len(prefix) :] for code in used if code.startswith(prefix)]
    numbers = [int(match.group(1)) for rest in endings if (match := RUNNING_NUMBER.fullmatch(rest))]
    number = max(numbers, default=0)
    suggestions = []
    while len(suggestions) < count:
        number += 1
        code = f"{prefix}{number:02d}"
        if code not in used:
            suggestions.append(code)
    return suggestions
