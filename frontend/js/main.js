// Entry point of the placeholder page: show which server version answers.
import { getHealth } from "./api.js";

const target = document.querySelector("[data-version]");

getHealth()
  .then((health) => {
    target.textContent = health.version;
  })
  .catch((error) => {
    target.textContent = `unavailable (${error.message})`;
  });
