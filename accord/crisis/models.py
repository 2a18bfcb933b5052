"""Crisis models."""
