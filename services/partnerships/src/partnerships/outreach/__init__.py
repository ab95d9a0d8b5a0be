"""Outreach events (such as the STE(A)M Challenge) and school registrations."""
