"""Demo data drawn from the two source reports; `load_demo` calls `load()`."""

from django.db import transaction

from .accounts import existing_accounts, load_accounts
from .belarus import load_belarus
from .build import Builder
from .china import load_china
from .reference import load_reference
from .retired import remove_retired_rows


@transaction.atomic
def load(today, with_accounts):
    """Create or update every demo row, keyed by natural keys, so that loading twice leaves the same rows.

    Deadlines are set relative to `today`. Returns the demo accounts (empty when `with_accounts` is false).
    """
    remove_retired_rows()
    countries, sectors, institutions, people = load_reference()
    accounts = load_accounts(people) if with_accounts else {}
    # Without new accounts, keep the authors an earlier load gave the timeline (None on a fresh database).
    authors = accounts or existing_accounts()
    build = Builder(today, people, institutions, authors=authors)
    load_belarus(build, countries, sectors)
    load_china(build, countries, sectors)
    return accounts
