"""Training jobs on Celery + Redis: any number of API processes and workers, on any number of
machines, share every job (`cnnviz serve --broker URL`, `cnnviz worker --broker URL`).

Redis holds what the embedded backend keeps in one server's memory: each job's record (a hash),
its bounded event log (a Stream), the queue of jobs waiting for a worker (a list, the app's own,
so positions are exact whatever Celery's workers prefetch), the commands sent to it (a list) and
the lease its worker renews. Celery only delivers "train job <id>" to a free worker. Every change
of a job's state is one Lua script, so two API processes, a worker and a sweeper never interleave
half-way (`scripts`)."""
