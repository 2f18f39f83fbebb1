"""Peerhaven: peer support for people living with depression."""

__version__ = "0.1.0"
