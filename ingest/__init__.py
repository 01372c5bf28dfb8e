"""Ingest: sources → fetch → extract, and the tasks that start the pipeline."""
