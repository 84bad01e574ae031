// Boots the page: the store and its URL, the model picker, the tabs, and each view on first use.
import * as api from "./api.js";
import { wireClassButton } from "./components/classbutton.js";
import { mountModelPicker } from "./components/modelpicker.js";
import { wirePresentMode } from "./components/present.js";
import { wireShare } from "./components/share.js";
import { mountLabBar } from "./components/labbar.js";
import { classCodeFrom } from "./lib/studentmode.js";
import { refreshModels, showError, store } from "./shell.js";
import { syncWithUrl } from "./store.js";

const VIEWS = {
  draw: () => import("./views/draw.js"),
  network: () => import("./views/network.js"),
  stepper: () => import("./views/stepper.js"),
  pooling: () => import("./views/pooling.js"),
  train: () => import("./views/train.js"),
  model: () => import("./views/model.js"),
  labs: () => import("./views/labs.js"),
  sandbox: () => import("./views/sandbox.js"),
};
const TABS = Object.keys(VIEWS);

const mounted = new Map();

async function showTab(tab) {
  const name = TABS.includes(tab) ? tab : "draw";
  for (const button of document.querySelectorAll("[data-tab]")) {
    const selected = button.dataset.tab === name;
    button.setAttribute("aria-selected", String(selected));
    button.tabIndex = selected ? 0 : -1;
  }
  for (const panel of document.querySelectorAll("[data-view]")) {
    panel.hidden = panel.dataset.view !== name;
  }
  if (!mounted.has(name)) {
    const root = document.querySelector(`[data-view="${name}"]`);
    mounted.set(name, VIEWS[name]().then((module) => module.mount(root, store)));
  }
  await mounted.get(name);
}

function wireTabs() {
  const buttons = [...document.querySelectorAll("[data-tab]")];
  for (const button of buttons) {
    button.addEventListener("click", () => store.set({ tab: button.dataset.tab }));
    button.addEventListener("keydown", (event) => {
      const step = { ArrowRight: 1, ArrowLeft: -1 }[event.key];
      if (!step) return;
      const next = buttons[(buttons.indexOf(button) + step + buttons.length) % buttons.length];
      next.focus();
      store.set({ tab: next.dataset.tab });
    });
  }
}

async function boot() {
  syncWithUrl(store);
  wireTabs();
  wirePresentMode(store);
  wireShare();
  wireClassButton(store);
  mountModelPicker(store, document.querySelector("header.top"));
  mountLabBar(store, document.querySelector("header.top"));
  store.watch(["tab"], (state) => showTab(state.tab));
  // `/?class=CODE`: a student's page, which joins that class and follows it.
  const classCode = classCodeFrom(window.location.search);
  if (classCode) import("./views/classroom/student.js").then((module) => module.startStudentMode(store, classCode));
  api.getHealth().then(
    (health) => { document.querySelector("[data-version]").textContent = health.version; },
    () => {},
  );
  try {
    await refreshModels();
  } catch (error) {
    showError(`The model list could not be loaded: ${error.message}`);
  }
  await showTab(store.state.tab);
  document.documentElement.dataset.ready = "true";
}

boot();
