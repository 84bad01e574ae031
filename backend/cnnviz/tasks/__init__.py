"""Work that outlives a request: training jobs in worker processes and dataset downloads, each
followed through its events."""
