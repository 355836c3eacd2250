"""Tracing: serial normalisation, the matching engine, chain of custody and ITI trace requests."""
