"""Rounds: the lifecycle of a Delphi round (open, close, decide, next)."""
