"""Opportunities: placements, work experience, vacancies, industry projects."""
