"""Reports: readers per format, the extraction pipeline, and ingestion into the store."""
