"""Draft claim records from a new report for a person to review, and accept the reviewed ones."""

from drafting.accept import AcceptResult, accept_drafts
from drafting.draft import Drafter, DraftOptions
from drafting.errors import DraftError
from drafting.lexicon import Lexicon, load_lexicon

__all__ = ["AcceptResult", "DraftError", "DraftOptions", "Drafter", "Lexicon", "accept_drafts", "load_lexicon"]
