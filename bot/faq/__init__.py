"""FAQ matching: a knowledge base (docs/knowledge-base.md) and the matcher that answers from it.

kb = load_knowledge(path)          # ConfigError names the entry and field
matcher = Matcher(kb.entries)      # the sentence model loads once per process
match = matcher.ask("เงินคนแก่ลงทะเบียนยังไงคะ")
match.status, match.entry_id, match.score, match.suggestions
"""

from bot.faq.knowledge import Entry, Knowledge, Link, load_knowledge
from bot.faq.matcher import Match, Matcher

__all__ = ["Entry", "Knowledge", "Link", "Match", "Matcher", "load_knowledge"]
