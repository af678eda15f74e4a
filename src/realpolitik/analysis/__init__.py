"""Analyses over scenarios and models: uncertainty, what-ifs, timeline and backtests."""
