// The only module that talks to the server: other modules ask it, never `fetch` directly.

/** Fetch `/api/health` and return its JSON, `{status, version}`; throws on a non-2xx answer. */
export async function getHealth() {
  const response = await fetch("/api/health");
  if (!response.ok) {
    throw new Error(`/api/health answered ${response.status}`);
  }
  return response.json();
}
