"""The applications service: learner profiles, course applications, bursary applications."""
