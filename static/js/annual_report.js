// While the annual report PDF is being generated, poll its status (no page reloads that
// would interrupt a screen reader); reload once, when it is ready or has failed, so the
// download link or the reason appears. Without JavaScript the page has a refresh link.
const status = document.getElementById("generation-status");
const url = status && status.dataset.statusUrl;

function poll() {
  setTimeout(() => {
    fetch(url, { credentials: "same-origin" })
      .then((response) => response.json())
      .then((s) => {
        if (s.running) {
          status.textContent = `${s.label}: ${s.progress}% done. ${s.message}`;
          poll();
        } else {
          window.location.reload();
        }
      });
  }, 2000);
}

if (url) {
  poll();
}
