"""Sponsorship funds: pledges, allocations, spending and the ledger."""
