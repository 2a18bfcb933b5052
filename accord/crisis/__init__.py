"""Crisis detection: streaming spike detection on mention and sentiment series, crisis mode."""
