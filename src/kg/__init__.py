"""kg: a linked-data publisher for government funding announcements."""

__version__ = "0.1.0"
