"""The optional LLM answer: client, prompt, and verification of its reply."""
