"""citebot's library: articles in, the sentence that answers a question and its sources out."""

from .errors import ArticleError, CitebotError, LibraryFileError, QuestionError
from .library import Library
from .models import GLOBAL_COLLECTION, AddReport, Answer, Explanation, Feedback, Skipped, Source, Stats
from .retrieve import Result

__all__ = [
    "GLOBAL_COLLECTION",
    "AddReport",
    "Answer",
    "ArticleError",
    "CitebotError",
    "Explanation",
    "Feedback",
    "Library",
    "LibraryFileError",
    "QuestionError",
    "Result",
    "Skipped",
    "Source",
    "Stats",
]
