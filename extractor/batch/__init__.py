"""Batch processing at portal scale: many files in parallel into one SQLite store.

inputs       INPUT arguments -> files (folders, globs, @lists, stdin; non-documents skipped)
worker       run_task(path, opts) -> record: the pure per-file function
sandbox      a long-lived child process running the worker under time and memory limits
engine       local (one loop driving the sandboxes) and Dask engines yielding records
run          plan (hash, skip what is stored) and execute (store records as they arrive)
store        the SQLite schema and writes, each document whole in one transaction
export       CSV / XLSX / JSONL out of the store
summary      the end-of-batch summary and the exit code
attachments  resolving the 附件 links of portal notice pages

The `govreport batch` and `govreport export` commands live in commands/batch.py.
"""
