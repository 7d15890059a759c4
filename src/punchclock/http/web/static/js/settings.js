// Settings: the API token's Copy button (the page works without it: the token is shown in a field to select).
"use strict";
{
  const copy = document.getElementById("copy-token");
  const said = document.getElementById("copy-status");
  const field = copy && document.getElementById(copy.dataset.copy);
  if (copy && said && field) {
    let timer = 0;
    copy.hidden = false;
    copy.addEventListener("click", async () => {
      try {
        await navigator.clipboard.writeText(field.value);
        said.textContent = "Copied";
      } catch (e) {
        field.select();
        said.textContent = "Press Ctrl+C to copy";
      }
      window.clearTimeout(timer);
      timer = window.setTimeout(() => { said.textContent = ""; }, 5000);
    });
  }
}
