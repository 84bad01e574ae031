"""One module per API resource, each exposing an `APIRouter` named `router`."""
