"""Shared plumbing for the platform's services. Never holds domain code."""
