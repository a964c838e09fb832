// Aduan console: the only script, and an optional one (every form works
// without it). Picking a canned reply copies it into the reply box, where the
// admin can still edit it before sending.
document.addEventListener("change", function (ev) {
  var sel = ev.target;
  if (!sel.matches || !sel.matches("select[data-fill]")) return;
  var box = document.getElementById(sel.getAttribute("data-fill"));
  if (!box || sel.value === "") return;
  box.value = sel.options[sel.selectedIndex].text;
  sel.value = "";
  box.focus();
});
