"""The partnerships service: employers, partnerships with institutes, sponsorship funds and their
ledger, bursary schemes and reservations, outreach events and opportunities."""
