"""Enrich: the Danish pipeline that finds entities and links them to the knowledge base."""
