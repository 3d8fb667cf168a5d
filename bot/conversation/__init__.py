"""Conversation: each handler maps (context, event) → (new context, replies as plain data)."""
