"""``kg extract``: read a news release (plain text or HTML) into a DRAFT release record for review.

Every rule is a general rule about the releases of this family (Foreign Affairs Canada announcements of
Anti-Crime Capacity Building Program and Global Partnership Program funding, in English or French);
whatever the text does not let it read is reported as a :class:`Problem` with its line, and written as
``UNKNOWN`` (which the build refuses) rather than guessed.
"""

from kg.extract.context import UNKNOWN, Problem
from kg.extract.core import ExtractResult, extract_file, extract_release
from kg.extract.themes import theme_reader

__all__ = ["UNKNOWN", "ExtractResult", "Problem", "extract_file", "extract_release", "theme_reader"]
