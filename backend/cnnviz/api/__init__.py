"""The HTTP side of cnnviz: a FastAPI app that serves the JSON API under `/api` and the frontend.

Routes stay thin and call into `cnnviz.nn`; nothing here knows NumPy internals.
"""
