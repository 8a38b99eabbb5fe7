// The web chat page's live refresh, served as a file so that the page's Content-Security-Policy
// runs no inline script. The page names its conversation in the script tag's `data-conv`.
const conv = document.currentScript.dataset.conv;
const list = () => document.getElementById("messages");
// Never replace the list under someone's fingers: a form being filled waits.
const busy = () => list().contains(document.activeElement)
  || [...list().querySelectorAll("textarea")].some(t => t.value !== t.defaultValue);
let pending = false;
const refresh = async () => {
  if (busy()) { pending = true; return; }
  pending = false;
  const response = await fetch("/chat/messages?conv=" + encodeURIComponent(conv));
  if (response.ok) { list().outerHTML = await response.text(); list().scrollTop = list().scrollHeight; }
};
list().scrollTop = list().scrollHeight;
document.addEventListener("focusout", () => setTimeout(() => { if (pending) refresh(); }, 0));
new EventSource("/chat/events").addEventListener("changed", refresh);
