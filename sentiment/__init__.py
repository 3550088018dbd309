"""Sentiment: the encoder, the topic and stance heads, training and evaluation."""
