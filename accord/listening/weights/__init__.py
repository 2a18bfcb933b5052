"""Trained model files (gzipped numpy archives), written by scripts/train_sentiment.py."""
