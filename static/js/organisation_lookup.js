// Turns each organisation text input (contacts.fields.OrganisationInput, marked with
// data-organisation-lookup) into GOV.UK's accessible autocomplete, fed by the lookup
// endpoint. Without JavaScript, or if anything here fails, the plain input stays: the server
// resolves an ODS code or a name typed into it.
//
// Choosing a suggestion puts "Name (ODS code)" in the box, which the server resolves by the
// code. The library is loaded only on pages with such a field.
const MIN_LENGTH = 2;
const DEBOUNCE_MS = 150;

const inputs = document.querySelectorAll("input[data-organisation-lookup]");

function escapeHtml(text) {
  return String(text)
    .replaceAll("&", "&amp;")
    .replaceAll("<", "&lt;")
    .replaceAll(">", "&gt;")
    .replaceAll('"', "&quot;")
    .replaceAll("'", "&#39;");
}

function inputValue(org) {
  if (!org) return "";
  if (typeof org === "string") return org; // the value the page was rendered with
  return org.ods_code ? `${org.name} (${org.ods_code})` : org.name;
}

function suggestion(org) {
  if (typeof org === "string") return escapeHtml(org);
  const details = [org.ods_code || "no ODS code", org.type];
  if (org.closed) details.push("closed");
  return (
    `${escapeHtml(org.name)}` +
    `<span class="app-organisation-lookup__details">${escapeHtml(details.join(" · "))}</span>`
  );
}

function lookup(url) {
  let timer;
  let controller;
  return (query, populate) => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      if (controller) controller.abort();
      controller = new AbortController();
      fetch(`${url}?q=${encodeURIComponent(query)}`, {
        credentials: "same-origin",
        headers: { Accept: "application/json" },
        signal: controller.signal,
      })
        .then((response) => (response.ok ? response.json() : { results: [] }))
        .then((data) => populate(data.results))
        .catch((error) => {
          if (error.name !== "AbortError") populate([]);
        });
    }, DEBOUNCE_MS);
  };
}

// The library sets and removes aria-describedby for its own instructions; keep the field's
// hint and error message described as well.
function keepDescribedBy(input, ids) {
  const apply = () => {
    const current = (input.getAttribute("aria-describedby") || "").split(" ").filter(Boolean);
    const wanted = [...new Set([...ids, ...current])];
    if (wanted.join(" ") !== current.join(" ")) {
      input.setAttribute("aria-describedby", wanted.join(" "));
    }
  };
  apply();
  new MutationObserver(apply).observe(input, {
    attributes: true,
    attributeFilter: ["aria-describedby"],
  });
}

function enhance(input) {
  const container = document.createElement("div");
  container.className = "app-organisation-lookup";
  input.after(container);
  const describedBy = (input.getAttribute("aria-describedby") || "").split(" ").filter(Boolean);
  const options = {
    element: container,
    id: input.id,
    name: input.name,
    defaultValue: input.value,
    source: lookup(input.dataset.organisationLookup),
    minLength: MIN_LENGTH,
    inputClasses: input.className,
    templates: { inputValue, suggestion },
    tNoResults: () => "No organisation found: check the ODS code or name",
    tStatusQueryTooShort: (n) => `Type ${n} or more characters for suggestions`,
  };
  // The plain input steps aside (its id and name go to the library's input) and is removed
  // only once the autocomplete is in place, so a failure leaves the page as it was.
  input.id = `${options.id}-plain`;
  input.removeAttribute("name");
  try {
    window.accessibleAutocomplete(options);
  } catch (error) {
    container.remove();
    input.id = options.id;
    input.name = options.name;
    throw error;
  }
  input.remove();
  const enhanced = document.getElementById(options.id);
  if (enhanced) keepDescribedBy(enhanced, describedBy);
}

if (inputs.length) {
  import("../vendor/accessible-autocomplete/accessible-autocomplete.min.js").then(() => {
    inputs.forEach(enhance);
  });
}
