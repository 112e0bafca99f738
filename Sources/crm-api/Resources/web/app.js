// The app's entry: which page to show, and the signed-in shell.
import { api, ApiError, el, errorState, onSessionLost, showModal } from "./api.js";
import { changePasswordPage, invitePage, loginPage, signInAgainDialog } from "./auth.js";
import { Grid } from "./grid.js";
import { Live } from "./live.js";
import { activityPage } from "./activity.js";
import { adminPage } from "./admin.js";
import { importPage } from "./import.js";
import { Pending } from "./pending.js";
import { setRules } from "./rules.js";
import { TABLES } from "./tables.js";

const root = document.getElementById("app");

// The signed-in user, and what the open page does once they sign in again after their session
// ended mid-work (the grid sends its pending edits and resumes its live stream).
let signedIn = null;
let resume = () => {};
let asking = false;

onSessionLost(() => {
  if (asking || !signedIn) return;
  asking = true;
  const hide = showModal(signInAgainDialog(signedIn, (user) => {
    asking = false;
    hide();
    // Someone else, or a one-time password to replace first: the page starts over (edits stay kept).
    if (user.id !== signedIn.id || user.must_change_password) { location.reload(); return; }
    resume();
  }));
  document.querySelector(".session-ended input[name=password]").focus();
});

async function boot() {
  if (location.pathname === "/accept-invite") {
    root.replaceChildren(invitePage(() => { location.href = "/"; }));
    return;
  }
  let me;
  try {
    me = (await api("GET", "/api/auth/me")).user;
    // A one-time password must be replaced first: until then the other routes answer 403.
    if (!me.must_change_password) setRules(await api("GET", "/api/rules"));
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) {
      root.replaceChildren(loginPage(() => boot()));
      return;
    }
    // Offline, restarting or busy: the page tries again by itself until the CRM answers.
    root.replaceChildren(errorState(error.message || "The CRM cannot be reached.", () => boot(), { retrying: true, className: "boot-error" }));
    setTimeout(() => { if (root.querySelector(".boot-error")) boot(); }, 3000);
    return;
  }
  if (me.must_change_password) {
    root.replaceChildren(changePasswordPage(() => boot()));
    return;
  }
  shell(me);
}

function shell(me) {
  signedIn = me;
  Pending.user = me.id;
  resume = () => {};
  const route = new URLSearchParams(location.hash.slice(1));
  const page = route.get("page");
  const table = page ? null : route.get("table") || "investors";
  const main = el("main", { id: "main" });
  const link = (href, label, current) => el("a", { href, class: current ? "tab active" : "tab", "aria-current": current ? "page" : null }, label);
  // A table with edits still waiting to be sent (typed there, then the tab was left) says so.
  const waiting = (key) => key !== table && Pending.forTable(key).length > 0;
  const tabs = el("nav", { class: "tabs", "aria-label": "Tables and pages" },
    TABLES.map(([key, label]) => {
      const tab = link(`#table=${key}`, label, key === table);
      if (waiting(key)) {
        tab.append(el("span", { class: "waiting", title: "Edits waiting to be sent: open the table to send them" }, " •"));
        tab.setAttribute("aria-label", `${label} (edits waiting to be sent)`);
      }
      return tab;
    }),
    link("#page=import", "Import", page === "import"),
    link("#page=activity", "Activity", page === "activity"),
    me.role === "admin" ? link("#page=admin", "Admin", page === "admin") : null);
  const signOut = el("button", {
    type: "button", class: "link", onclick: async () => {
      try { await api("POST", "/api/auth/logout"); } finally { location.href = "/"; }
    },
  }, "Sign out");
  const offline = el("span", { class: "offline", hidden: true, role: "status" }, "Offline — edits are kept and sent when the connection returns");
  const presence = el("span", { class: "presence", role: "status", "aria-live": "polite" });
  const header = el("header", { class: "topbar" },
    el("strong", { class: "brand" }, "Venture CRM"), tabs, offline, presence,
    el("span", { class: "who", id: "who" }, `Signed in as ${me.name} (${me.role})`), signOut);
  root.replaceChildren(header, main);
  let cleanup = () => {};
  if (page === "admin" && me.role === "admin") {
    adminPage(main);
  } else if (page === "import") {
    importPage(main, route.get("table"));
  } else if (page === "activity") {
    api("GET", "/api/team").then(({ users }) => activityPage(main, new Map(users.map((user) => [user.id, user.name]))))
      .catch(() => activityPage(main, new Map()));
  } else {
    const grid = new Grid(main, table || "investors", me);
    const live = new Live((event) => grid.onEvent(event), (connected) => {
      offline.hidden = connected;
      // Events sent while the stream was down are replayed for records only: fields are asked again.
      if (connected) { showPresence(); grid.refreshFields(); }
    });
    const online = () => grid.retryPending();
    window.addEventListener("online", online);
    // Who else has the CRM open: asked when the stream connects and every 20 seconds.
    const showPresence = async () => {
      try {
        const others = (await api("GET", "/api/team/present")).users.filter((user) => user.id !== me.id);
        presence.textContent = others.length ? `Also here: ${others.map((user) => user.name).join(", ")}` : "";
      } catch { presence.textContent = ""; }
    };
    const presenceTimer = setInterval(showPresence, 20000);
    resume = () => { grid.retryPending(); live.reopen(); };
    cleanup = () => { live.close(); grid.destroy(); clearInterval(presenceTimer); window.removeEventListener("online", online); };
    grid.load();
  }
  window.addEventListener("hashchange", () => { cleanup(); shell(me); }, { once: true });
}

boot();
