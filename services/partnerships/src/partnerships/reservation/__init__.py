"""Bursary reservations: reserve one award, then award or release it (service callers)."""
