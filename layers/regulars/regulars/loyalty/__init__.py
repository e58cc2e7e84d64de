"""Loyalty: cashback that burns, on an exact ledger. :mod:`.rules` is pure; :mod:`.service` does
the reading and the transactions (through :mod:`regulars.loyalty.repo`)."""
