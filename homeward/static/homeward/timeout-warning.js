// The timeout warning (GOV.UK's pattern): a modal dialog opens a little before the idle
// sign-out, with the time left in words. "Stay signed in" (or Escape) moves the sign-out on;
// "Sign out" signs out. Timings come from the dialog's data attributes: the content security
// policy allows no inline script. The visible countdown is not a live region; screen readers
// hear the time left every 20 seconds, not every second.

const SPEAK_EVERY_SECONDS = 20;

function inWords(seconds) {
  if (seconds >= 60) {
    const minutes = Math.ceil(seconds / 60);
    return minutes === 1 ? "1 minute" : `${minutes} minutes`;
  }
  return seconds === 1 ? "1 second" : `${seconds} seconds`;
}

function start(dialog) {
  const warnMs = Number(dialog.dataset.warnSeconds) * 1000;
  let endsAt = Date.now() + Number(dialog.dataset.secondsLeft) * 1000;
  let opener = null;
  let timer = null;
  let ticker = null;
  let state = "closed";
  const warning = dialog.querySelector('[data-state="warning"]');
  const signedOut = dialog.querySelector('[data-state="signed-out"]');
  const countdown = dialog.querySelector(".hw-timeout__countdown");
  const spoken = dialog.querySelector(".hw-timeout__spoken");
  const form = dialog.querySelector(".hw-timeout__form");
  const stay = dialog.querySelector("[data-stay]");
  const close = dialog.querySelector("[data-close]");

  function schedule() {
    clearTimeout(timer);
    timer = setTimeout(open, Math.max(0, endsAt - warnMs - Date.now()));
  }

  function secondsLeft() {
    return Math.max(0, Math.round((endsAt - Date.now()) / 1000));
  }

  function open() {
    opener = document.activeElement;
    show("warning");
    spoken.textContent = "";
    countdown.textContent = inWords(secondsLeft());
    if (!dialog.open) dialog.showModal();
    stay.focus();
    clearInterval(ticker);
    ticker = setInterval(tick, 1000);
  }

  function tick() {
    const left = secondsLeft();
    if (left === 0) {
      endSession();
      return;
    }
    countdown.textContent = inWords(left);
    if (left % SPEAK_EVERY_SECONDS === 0) {
      spoken.textContent = `You will be signed out in ${inWords(left)}.`;
    }
  }

  function show(name) {
    state = name;
    warning.hidden = name !== "warning";
    signedOut.hidden = name !== "signed-out";
    const shown = name === "warning" ? "timeout-warning" : "timeout-signed-out";
    dialog.setAttribute("aria-labelledby", `${shown}-heading`);
    dialog.setAttribute("aria-describedby", `${shown}-text`);
  }

  function endSession() {
    clearInterval(ticker);
    show("signed-out");
    if (!dialog.open) dialog.showModal();
    close.focus();
  }

  function dismiss() {
    clearInterval(ticker);
    state = "closed";
    dialog.close();
    if (opener && typeof opener.focus === "function") opener.focus();
  }

  async function extend() {
    let response;
    try {
      response = await fetch(form.action, {
        method: "POST",
        body: new FormData(form),
        credentials: "same-origin",
        headers: { Accept: "application/json" },
      });
    } catch {
      response = null;
    }
    if (!response || !response.ok || response.redirected) {
      endSession();
      return;
    }
    const answer = await response.json();
    endsAt = Date.now() + Number(answer.seconds_left) * 1000;
    dismiss();
    schedule();
  }

  form.addEventListener("submit", (event) => {
    if (event.submitter && event.submitter.hasAttribute("data-sign-out")) return;
    event.preventDefault();
    extend();
  });
  // Escape: the dialog would close by itself; the person is here, so the session goes on.
  dialog.addEventListener("cancel", (event) => {
    event.preventDefault();
    if (state === "warning") extend();
    else dismiss();
  });
  close.addEventListener("click", dismiss);
  schedule();
}

const dialog = document.querySelector('[data-module="hw-timeout-warning"]');
if (dialog && typeof dialog.showModal === "function") start(dialog);
