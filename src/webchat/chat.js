// The web chat page's live refresh, served as a file so that the page's Content-Security-Policy
// runs no inline script. The page names its conversation in the script tag's `data-conv`, and
// for an older page of it, the message that page ends before in `data-before`.
const { conv, before } = document.currentScript.dataset;
const list = () => document.getElementById("messages");
// Never replace the list under someone's fingers: a form being filled waits.
const busy = () => list().contains(document.activeElement)
  || [...list().querySelectorAll("textarea")].some(t => t.value !== t.defaultValue);
let pending = false;
const refresh = async () => {
  if (busy()) { pending = true; return; }
  pending = false;
  const query = "conv=" + encodeURIComponent(conv) + (before ? "&before=" + encodeURIComponent(before) : "");
  const response = await fetch("/chat/messages?" + query);
  if (response.ok) { list().outerHTML = await response.text(); list().scrollTop = list().scrollHeight; }
};
list().scrollTop = list().scrollHeight;
document.addEventListener("focusout", () => setTimeout(() => { if (pending) refresh(); }, 0));
new EventSource("/chat/events").addEventListener("changed", refresh);
