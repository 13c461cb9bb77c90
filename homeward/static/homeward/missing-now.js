// Missing now (and the home page's list of children missing now) refreshes in place while
// the page is open and the tab is shown, keeping the sort, filter and page chosen, and tells
// screen readers what changed. Without this script the page still works: it is up to date
// when loaded.
//
// Two clocks: every few seconds the whole list is fetched again (ages and hours move on);
// in between, every second or so, the page asks only whether the list has changed (an opaque
// state, one cheap query) and fetches the list at once when it has, so that a child reported
// missing is on screen within about that long.

const list = document.getElementById("missing-now-list");
const status = document.getElementById("missing-now-status");
// As often as HOMEWARD_MISSING_NOW_REFRESH_SECONDS says (the page says how often).
const seconds = Math.max(1, Number(list?.dataset.refreshSeconds) || 60);
// As often as HOMEWARD_MISSING_NOW_CHECK_SECONDS says; 0 asks nothing between refreshes.
const checkSeconds = Number(list?.dataset.checkSeconds) || 0;
let timer = null;
let checkTimer = null;
let lastFetched = Date.now();
let fetching = false;

function shownState() {
  // The state the list on screen was read at (the fragment carries it).
  return list.querySelector("[data-state]")?.dataset.state || "";
}

function listed(root) {
  const asAt = root.querySelector("[data-listed]");
  return new Set((asAt?.dataset.listed || "").split(" ").filter(Boolean));
}

function rows(root) {
  const byEpisode = new Map();
  for (const row of root.querySelectorAll("tr[data-episode]")) {
    byEpisode.set(row.dataset.episode, row.innerHTML);
  }
  return byEpisode;
}

function plural(count, one, many) {
  return `${count} ${count === 1 ? one : many}`;
}

function changes(before, after) {
  const added = [...after.listed].filter((id) => !before.listed.has(id)).length;
  const gone = [...before.listed].filter((id) => !after.listed.has(id)).length;
  let changed = 0;
  for (const [id, html] of after.rows) {
    if (before.rows.has(id) && before.rows.get(id) !== html) changed += 1;
  }
  const parts = [];
  if (added) parts.push(`${plural(added, "child", "children")} added`);
  if (gone) parts.push(`${gone} no longer missing`);
  if (changed) parts.push(`${plural(changed, "child's", "children's")} details changed`);
  return parts;
}

function keepFocus(replace) {
  // A person reading the list with the keyboard stays on the same link after the update.
  const focused = list.contains(document.activeElement) ? document.activeElement : null;
  const href = focused?.getAttribute("href");
  replace();
  if (href) {
    const again = [...list.querySelectorAll("a[href]")].find((a) => a.getAttribute("href") === href);
    (again || list).focus?.();
  }
}

async function refresh() {
  lastFetched = Date.now();
  fetching = true;
  try {
    await fetchList();
  } finally {
    fetching = false;
  }
}

async function fetchList() {
  let response;
  try {
    response = await fetch(list.dataset.refreshUrl + window.location.search, {
      credentials: "same-origin",
      cache: "no-store",
      headers: { Accept: "text/html" },
    });
  } catch {
    status.textContent = "Missing now could not be updated: check your connection. Trying again shortly.";
    return schedule();
  }
  if (!response.ok || response.redirected) {
    // Signed out, or no longer allowed: stop, and say so rather than show an old list as new.
    status.textContent = "Missing now has stopped updating. Reload the page to see the latest list.";
    clearTimeout(timer);
    clearTimeout(checkTimer);
    timer = checkTimer = null;
    return;
  }
  const fresh = document.createElement("div");
  fresh.innerHTML = await response.text();
  const before = { listed: listed(list), rows: rows(list) };
  const after = { listed: listed(fresh), rows: rows(fresh) };
  const said = changes(before, after);
  keepFocus(() => list.replaceChildren(...fresh.childNodes));
  if (said.length) status.textContent = `Missing now updated: ${said.join(", ")}.`;
  schedule();
}

function schedule() {
  clearTimeout(timer);
  timer = document.hidden ? null : setTimeout(refresh, seconds * 1000);
  scheduleCheck();
}

function scheduleCheck() {
  clearTimeout(checkTimer);
  checkTimer = document.hidden || !checkSeconds || !timer ? null : setTimeout(check, checkSeconds * 1000);
}

async function check() {
  if (!timer) return; // stopped, or the tab hidden meanwhile
  if (fetching) return scheduleCheck();
  let state = null;
  try {
    const response = await fetch(list.dataset.changedUrl, {
      credentials: "same-origin",
      cache: "no-store",
      headers: { Accept: "application/json" },
    });
    if (response.ok && !response.redirected) state = (await response.json()).state;
  } catch {
    // Said by the next full refresh, which tries again and tells the reader if it fails.
  }
  if (state && state !== shownState() && !fetching) {
    return refresh();
  }
  scheduleCheck();
}

function shownAgain() {
  if (document.hidden) {
    clearTimeout(timer);
    clearTimeout(checkTimer);
    timer = null;
    checkTimer = null;
  } else if (Date.now() - lastFetched >= seconds * 1000) {
    refresh();
  } else {
    schedule();
  }
}

if (list && status && list.dataset.refreshUrl) {
  document.addEventListener("visibilitychange", shownAgain);
  schedule();
}
