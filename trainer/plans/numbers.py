"""Typed numbers: the plans domain's name for the one rule in trainer/numbers.py."""

from trainer.numbers import plain_decimal, plain_int

__all__ = ["plain_decimal", "plain_int"]
